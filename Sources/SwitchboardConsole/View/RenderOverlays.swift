import Foundation
import SwitchboardCore
import SwitchboardStore

extension Grid {
    // MARK: - Help

    mutating func renderHelp(for pane: Pane, viewer: Viewer, in area: Rect) {
        let rect0 = area.centered(width: 78, height: area.height)
        let textWidth = max(10, rect0.inner.width - 19)
        // Each explanation wrapped to the box, never cut.
        let rows: [(String, String)] = (Help.keys(for: pane, viewer: viewer) + [("", "")] + Help.everywhere(for: viewer)).flatMap { key, text in
            let lines = DisplayWidth.of(text) <= textWidth ? [text] : TextWrap.lines(text, width: textWidth)
            return lines.enumerated().map { index, line in (index == 0 ? key : "", line) }
        }
        let rect = area.centered(width: 78, height: rows.count + 4)
        let title = viewer.sitterId != nil && pane == .owner ? "Your offers" : pane.title
        box(rect, title: "Help · \(title)", focused: true)
        let inner = rect.inner
        var y = inner.y
        for (key, text) in rows {
            guard y < inner.maxY else { break }
            write(key, x: inner.x + 1, y: y, width: 16, style: .title)
            write(text, x: inner.x + 18, y: y, width: inner.width - 19)
            y += 1
        }
        if y + 1 < inner.maxY {
            write("Press ? or Esc to close.", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2, style: .muted)
        }
    }

    // MARK: - Picker

    mutating func renderPicker(_ picker: Picker, in area: Rect) {
        let visibleRows = max(1, min(picker.options.count, area.height - 6))
        let rect = area.centered(width: 64, height: visibleRows + 4)
        box(rect, title: picker.title, focused: true)
        let inner = rect.inner
        if picker.options.isEmpty {
            let text: String =
                switch picker.purpose {
                case .offer: "No open bookings to offer."
                case .assign, .assignTagged: "No sitters."
                case .answer: "No pending offers."
                }
            write(text, x: inner.x + 1, y: inner.y, width: inner.width - 2, style: .muted)
            return
        }
        let first = max(0, min(picker.cursor - visibleRows + 1, picker.options.count - visibleRows))
        for (row, index) in picker.options.indices.dropFirst(first).prefix(visibleRows).enumerated() {
            let y = inner.y + row
            let selected = index == picker.cursor
            let style: Style = selected ? .selected : .plain
            fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: style)
            write((selected ? "▸ " : "  ") + picker.options[index].label, x: inner.x, y: y, width: inner.width, style: style)
        }
        write("Enter chooses · Esc cancels", x: inner.x + 1, y: inner.maxY - 1, width: inner.width - 2, style: .muted)
    }

    // MARK: - Tier metrics

    mutating func renderTiers(_ state: ConsoleState, in rect: Rect) {
        box(rect, title: "Tier metrics · every sitter", focused: true)
        let inner = rect.inner
        let rows = state.data.tiers
        if state.data.sitterCount > rows.count, !rows.isEmpty {
            let first = state.data.tierOffset + 1
            let position = " \(first)–\(first + rows.count - 1) of \(state.data.sitterCount) · j/k scroll "
            write(position, x: rect.maxX - DisplayWidth.of(position) - 2, y: rect.y, style: .muted)
        }
        guard !rows.isEmpty else {
            write("No sitters yet.", x: inner.x + 1, y: inner.y, style: .muted)
            return
        }
        let header = TierTable.header
        let table = rows.map { row in TierTable.cells(name: row.sitter.name, tier: row.window?.tier, metrics: row.window?.metrics) }
        var widths = TierTable.widths(table)
        widths[0] = min(widths[0], 24)
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { DisplayWidth.pad($1, to: widths[$0]) }.joined(separator: "  ")
        }
        var y = inner.y
        write(line(header), x: inner.x + 1, y: y, width: inner.width - 2, style: .bold)
        y += 1
        for (cells, row) in zip(table, rows) where y < inner.maxY {
            write(line(cells), x: inner.x + 1, y: y, width: inner.width - 2)
            write(DisplayWidth.pad(cells[1], to: widths[1]), x: inner.x + 3 + widths[0], y: y, style: tierStyle(row.window?.tier))
            y += 1
        }
        y += 1
        renderResponseChart(rows, in: Rect(x: inner.x + 1, y: y, width: inner.width - 2, height: inner.maxY - y))
    }

    private func tierStyle(_ tier: String?) -> Style {
        switch tier {
        case "provisional", nil: .muted
        case let tier? where tier.lowercased().contains("gold") || tier.lowercased().contains("top"): Style(color: .good, bold: true)
        default: .accent
        }
    }

    /// A bar per sitter: the median reply time, scaled to the slowest. Shorter is better.
    private mutating func renderResponseChart(_ rows: [TierRow], in rect: Rect) {
        guard rect.height >= 3 else { return }
        let samples = rows.compactMap { row in row.window?.medianResponseSeconds.map { (row.sitter.name, $0) } }
        write("Median reply time (shorter is better)", x: rect.x, y: rect.y, width: rect.width, style: .title)
        guard let slowest = samples.map(\.1).max(), slowest > 0 else {
            write("No replies measured yet.", x: rect.x, y: rect.y + 1, width: rect.width, style: .muted)
            return
        }
        let labelWidth = min(24, samples.map { DisplayWidth.of($0.0) }.max() ?? 0)
        let barRoom = max(1, rect.width - labelWidth - 12)
        for (index, (name, seconds)) in samples.enumerated() where rect.y + 1 + index < rect.maxY {
            let y = rect.y + 1 + index
            let length = max(1, Int((seconds / slowest * Double(barRoom)).rounded()))
            write(DisplayWidth.pad(name, to: labelWidth), x: rect.x, y: y, width: labelWidth)
            fill(Rect(x: rect.x + labelWidth + 1, y: y, width: length, height: 1), with: "█", style: .accent)
            write(DurationText.short(seconds), x: rect.x + labelWidth + 2 + length, y: y, style: .muted)
        }
    }

    // MARK: - Unrouted

    mutating func renderUnrouted(_ state: ConsoleState, in rect: Rect) {
        let messages = state.data.unrouted
        let total = state.data.webhooks.byVerdict[.unrouted] ?? messages.count
        box(rect, title: "Unrouted · texts to numbers that are not ours", focused: true)
        let inner = rect.inner
        if total > messages.count, !messages.isEmpty {
            let first = state.data.unroutedOffset + 1
            let position = " \(first)–\(first + messages.count - 1) of \(total) · j/k scroll "
            write(position, x: rect.maxX - DisplayWidth.of(position) - 2, y: rect.y, style: .muted)
        }
        guard !messages.isEmpty else {
            write("Nothing unrouted: every text reached a known number.", x: inner.x + 1, y: inner.y, style: .muted)
            return
        }
        write(
            DisplayWidth.pad("AGE", to: 5) + DisplayWidth.pad("FROM", to: 17) + DisplayWidth.pad("TO", to: 17) + "MESSAGE",
            x: inner.x + 1, y: inner.y, width: inner.width - 2, style: .bold)
        let selected = min(state.webhookViews.unroutedCursor, messages.count - 1)
        for (row, message) in messages.enumerated() where inner.y + 1 + row < inner.maxY {
            let line =
                DisplayWidth.pad(Age.short(from: message.receivedAt, to: state.now), to: 5)
                + DisplayWidth.pad(message.from ?? "?", to: 16) + " "
                + DisplayWidth.pad(message.to ?? "?", to: 16) + " "
                + (message.body ?? "")
            let style: Style = row == selected ? .selected : .plain
            if row == selected { fill(Rect(x: inner.x, y: inner.y + 1 + row, width: inner.width, height: 1), style: style) }
            write(line, x: inner.x + 1, y: inner.y + 1 + row, width: inner.width - 2, style: style)
        }
    }
}
