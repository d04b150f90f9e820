import Foundation
import SwitchboardCore
import SwitchboardStore

extension Grid {
    // MARK: - Receipts

    /// The receipts view: every webhook newest first, or the one opened with `Enter`.
    mutating func renderReceipts(_ state: ConsoleState, in rect: Rect) {
        if let opened = state.data.receipts.opened, state.webhookViews.openedId == opened.summary.id {
            renderReceipt(opened, now: state.now, in: rect)
            return
        }
        let page = state.data.receipts
        let filter = state.webhookViews.verdict?.rawValue ?? "every verdict"
        box(rect, title: "Webhooks · \(filter) · newest first", focused: true)
        let inner = rect.inner
        if page.total > 0 {
            let total = page.total >= ReceiptsQuery.countLimit ? "\(page.total)+" : "\(page.total)"
            let position = " \(min(state.webhookViews.cursor + 1, page.total)) of \(total) · v verdict "
            write(position, x: rect.maxX - DisplayWidth.of(position) - 2, y: rect.y, style: .muted)
        }
        guard !page.rows.isEmpty else {
            let none = state.webhookViews.verdict == nil
                ? "No webhook yet: what Twilio posts to the listener is listed here."
                : "No webhook with verdict \(filter). Press v for the next verdict."
            write(none, x: inner.x + 1, y: inner.y, width: inner.width - 2, style: .muted)
            return
        }
        let columns = [5, 21, 7, 36, 9]
        let header = ["AGE", "VERDICT", "STATUS", "FROM → TO", "LATENCY", "PATH"]
        write(Self.receiptLine(header, widths: columns), x: inner.x + 1, y: inner.y, width: inner.width - 2, style: .bold)
        for (row, receipt) in page.rows.enumerated() where inner.y + 1 + row < inner.maxY {
            let y = inner.y + 1 + row
            let isSelected = page.offset + row == state.webhookViews.cursor
            let parties = receipt.from != nil || receipt.to != nil ? "\(receipt.from ?? "?") → \(receipt.to ?? "?")" : "—"
            let cells = [
                Age.short(from: receipt.receivedAt, to: state.now), Self.verdictLabel(receipt), String(receipt.statusCode),
                parties, Self.latency(receipt.latencySeconds), receipt.path,
            ]
            if isSelected { fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: .selected) }
            write(Self.receiptLine(cells, widths: columns), x: inner.x + 1, y: y, width: inner.width - 2, style: isSelected ? .selected : .plain)
            if !isSelected {
                let verdictX = inner.x + 1 + columns[0] + 1
                write(
                    DisplayWidth.truncate(cells[1], to: columns[1]), x: verdictX, y: y, width: columns[1],
                    style: Self.style(of: receipt.verdict))
            }
        }
    }

    /// One receipt in full: when and how fast, its path, headers, parameters, raw body and
    /// the answer. Every text was cleaned when the screen was read.
    private mutating func renderReceipt(_ receipt: ReceiptDetail, now: Date, in rect: Rect) {
        let summary = receipt.summary
        box(rect, title: "Webhook \(summary.id) · \(Self.verdictLabel(summary)) · \(summary.statusCode)", focused: true)
        let inner = rect.inner
        let labelWidth = 12
        let textX = inner.x + 1 + labelWidth
        let textWidth = max(1, inner.width - labelWidth - 2)
        var y = inner.y
        func field(_ label: String, _ lines: [String], style: Style = .plain) {
            guard y < inner.maxY - 1 else { return }
            write(label, x: inner.x + 1, y: y, width: labelWidth, style: .title)
            for line in lines.isEmpty ? [""] : lines {
                guard y < inner.maxY - 1 else { return }
                write(line, x: textX, y: y, width: textWidth, style: style)
                y += 1
            }
        }
        func wrapped(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { TextWrap.lines(String($0), width: textWidth) }
        }
        let age = Age.short(from: summary.receivedAt, to: now)
        field("Received", ["\(summary.receivedAt.storedText) UTC (\(age == "now" ? "just now" : age + " ago")) · latency \(Self.latency(summary.latencySeconds))"])
        if let routedAt = summary.routedAt { field("Routed", ["later, at \(routedAt.storedText) UTC"]) }
        field("Path", wrapped(summary.path))
        field("MessageSid", [summary.messageSid ?? "—"])
        let headers = receipt.headers
        field(
            "Headers",
            [
                "X-Twilio-Signature: \(headers.signature ?? "(none)")", "Content-Type: \(headers.contentType ?? "(none)")",
                "User-Agent: \(headers.userAgent ?? "(none)")",
            ])
        let nameWidth = min(20, receipt.parameters.map { DisplayWidth.of($0.name) }.max() ?? 0)
        field(
            "Parameters",
            receipt.parameters.isEmpty
                ? ["(the body is not a form)"]
                : receipt.parameters.flatMap { pair in
                    // The name in a column of its own, the value wrapped beside it.
                    let name = DisplayWidth.pad(DisplayWidth.truncate(pair.name, to: nameWidth), to: nameWidth) + "  "
                    let values = pair.value.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
                        TextWrap.lines(String($0), width: max(1, textWidth - nameWidth - 2))
                    }
                    return (values.isEmpty ? [""] : values).enumerated().map { index, line in
                        (index == 0 ? name : String(repeating: " ", count: nameWidth + 2)) + line
                    }
                })
        if let pruned = summary.bodyPrunedAt {
            field("Raw body", ["removed by retention at \(pruned.storedText) UTC; only From and To are kept"], style: .muted)
        } else {
            field("Raw body", wrapped(receipt.rawBody))
        }
        field("Answer", wrapped(receipt.responseBody))
        write("Esc: back to the list", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2, style: .muted)
    }

    static func receiptLine(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { index, cell in
            index < widths.count ? DisplayWidth.pad(DisplayWidth.truncate(cell, to: widths[index]), to: widths[index]) : cell
        }.joined(separator: " ")
    }

    /// The verdict, and what happened to the receipt since it arrived.
    static func verdictLabel(_ receipt: ReceiptSummary) -> String {
        receipt.verdict.rawValue + (receipt.routedAt != nil ? " (routed)" : "") + (receipt.bodyPrunedAt != nil ? " (pruned)" : "")
    }

    static func latency(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        let milliseconds = seconds * 1000
        return milliseconds < 10 ? String(format: "%.1f ms", milliseconds) : "\(Int(milliseconds.rounded())) ms"
    }

    static func style(of verdict: WebhookVerdict) -> Style {
        switch verdict {
        case .accepted, .duplicate: .good
        case .unrouted, .ignored, .unknownMessage: .warning
        case .rejectedSignature, .malformed, .unsupportedMediaType, .tooLarge, .methodNotAllowed: .alert
        }
    }
}

/// The footer of the receipts view.
enum ReceiptsHints {
    static func hints(for state: ConsoleState) -> [(String, String)] {
        if state.webhookViews.openedId != nil { return [("Esc", "back to the list"), ("w", "close"), ("q", "quit")] }
        return [("w", "close webhooks"), ("Esc", "close"), ("j/k", "move"), ("Enter", "open"), ("v", "verdict"), ("q", "quit")]
    }
}
