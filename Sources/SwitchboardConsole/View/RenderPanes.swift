import SwitchboardCore
import SwitchboardStore

extension Grid {
    // MARK: - Owner inbox

    mutating func renderOwnerPane(_ state: ConsoleState, in rect: Rect) {
        if state.viewer.sitterId != nil { return renderOffersPane(state, in: rect) }
        let focused = state.focus == .owner
        box(rect, title: "Owner inbox", focused: focused)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        let data = state.data
        let showing = state.mailbox == .owner
        let marker = showing ? "▸ " : "  "
        let unread = data.ownerUnread > 0 ? "●\(data.ownerUnread) unread" : "all read"
        let line = marker + DisplayWidth.pad("Inbox", to: max(1, inner.width - 2 - DisplayWidth.of(unread) - 1)) + " " + unread
        write(line, x: inner.x, y: inner.y, width: inner.width, style: showing ? (focused ? .selected : .bold) : .plain)
        if inner.height > 1 {
            write("  \(data.ownerThreadCount) threads", x: inner.x, y: inner.y + 1, width: inner.width, style: .muted)
        }
        if inner.height > 2 {
            let style: Style = data.ownerUnassigned > 0 ? .warning : .muted
            write("  ⚑ \(data.ownerUnassigned) unassigned", x: inner.x, y: inner.y + 2, width: inner.width, style: style)
        }
    }

    /// A sitter's console shows, where the owner inbox would be, the offers waiting for her.
    private mutating func renderOffersPane(_ state: ConsoleState, in rect: Rect) {
        let offers = state.data.pendingOffers
        box(rect, title: "Your offers (\(offers.count))", focused: state.focus == .owner)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        if offers.isEmpty {
            write("No offers waiting.", x: inner.x + 1, y: inner.y, width: inner.width - 1, style: .muted)
            return
        }
        // Two lines an offer: what and when, then until when she can answer (the org's zone).
        let zone = state.data.timeZone
        for (index, pending) in offers.prefix(inner.height / 2).enumerated() {
            let y = inner.y + index * 2
            write("◆ \(pending.code) \(pending.service)", x: inner.x, y: y, width: inner.width, style: .bold)
            let when = "  \(DayTime.text(pending.startsAt, timeZone: zone)) · answer by \(ClockTime.text(pending.expiresAt, timeZone: zone))"
            write(when, x: inner.x, y: y + 1, width: inner.width, style: .muted)
        }
    }

    // MARK: - Sitter mailboxes

    mutating func renderSittersPane(_ state: ConsoleState, in rect: Rect) {
        let focused = state.focus == .sitters
        let sitters = state.data.sitters
        let total = state.data.sitterCount
        box(rect, title: state.viewer.sitterId == nil ? "Sitters (\(total))" : "You", focused: focused)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        if sitters.isEmpty {
            write("No sitters yet.", x: inner.x + 1, y: inner.y, width: inner.width - 1, style: .muted)
            return
        }
        // `sitters` are the visible rows only, from position `sitterOffset`.
        let visible = sitters.prefix(inner.height)
        for (row, sitter) in visible.enumerated() {
            let y = inner.y + row
            let isCursor = state.data.sitterOffset + row == state.sitterCursor
            let isShown = state.mailbox == .sitter(sitter.id)
            let badges = [sitter.unread > 0 ? "●\(sitter.unread)" : nil, sitter.pendingOffers > 0 ? "◆\(sitter.pendingOffers)" : nil]
                .compactMap { $0 }.joined(separator: " ")
            let badgeWidth = DisplayWidth.of(badges)
            let nameWidth = max(1, inner.width - 2 - badgeWidth - (badgeWidth > 0 ? 1 : 0))
            let style: Style = isCursor && focused ? .selected : (isShown ? .bold : .plain)
            let line = (isShown ? "▸ " : "  ") + DisplayWidth.pad(sitter.name, to: nameWidth)
                + (badgeWidth > 0 ? " " + badges : "")
            fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: style)
            write(line, x: inner.x, y: y, width: inner.width, style: style)
        }
        if total > inner.height {
            let more = "\(state.data.sitterOffset + visible.count)/\(total)"
            write(" \(more) ", x: rect.maxX - DisplayWidth.of(more) - 3, y: rect.maxY - 1, style: .muted)
        }
    }

    // MARK: - Thread list

    mutating func renderThreadsPane(_ state: ConsoleState, in rect: Rect) {
        let focused = state.focus == .threads
        let data = state.data
        let name: String =
            switch state.mailbox {
            case .owner: "Owner inbox"
            case .sitter: data.mailboxSitterName ?? "Sitter"
            }
        var title = "\(name) · \(data.threadCount) thread\(data.threadCount == 1 ? "" : "s")"
        if let search = state.search { title += " matching “\(search)”" }
        if !state.tagged.isEmpty { title += " · \(state.tagged.count) tagged" }
        box(rect, title: title, focused: focused)
        let inner = rect.inner
        guard inner.height > 0 else { return }
        if data.threads.isEmpty {
            let empty = state.search == nil ? "No threads in this mailbox." : "No thread matches. Esc clears the search."
            write(empty, x: inner.x + 1, y: inner.y, width: inner.width - 1, style: .muted)
            return
        }
        for (row, summary) in data.threads.enumerated() {
            let y = inner.y + row * ConsoleLayout.rowsPerThread
            guard y + 1 < inner.maxY else { break }
            renderThreadRow(summary, state: state, at: Rect(x: inner.x, y: y, width: inner.width, height: 2), focused: focused)
        }
        if data.threadCount > data.threads.count {
            let position = "\(data.offset + 1)–\(data.offset + data.threads.count) of \(data.threadCount)"
            write(" \(position) ", x: rect.maxX - DisplayWidth.of(position) - 4, y: rect.maxY - 1, style: .muted)
        }
    }

    private mutating func renderThreadRow(_ summary: ThreadSummary, state: ConsoleState, at rect: Rect, focused: Bool) {
        let isSelected = summary.id == state.selectedThreadId
        let isNew = state.newArrivals.contains(summary.id)
        let thread = summary.thread
        let base: Style = isSelected ? (focused ? .selected : Style(bold: true, reverse: true, dim: true)) : .plain
        fill(rect, style: base)

        let age = Age.short(from: thread.lastMessageAt, to: state.now)
        var tag: String
        var tagStyle: Style
        // A narrow list keeps room for the name: the tags shorten (the help explains them).
        let narrow = rect.width < 40
        if summary.isUnassigned {
            (tag, tagStyle) = (narrow ? "⚑" : "⚑ unassigned", Style(color: .warning, bold: true))
        } else if thread.scope == .ownerSitter {
            (tag, tagStyle) = (narrow ? "chat" : "sitter chat", .accent)
        } else if thread.scope == .internal {
            (tag, tagStyle) = (narrow ? "note" : "internal", .muted)
        } else if let code = summary.bookingCode {
            (tag, tagStyle) = (code, .accent)
        } else {
            (tag, tagStyle) = ("general", .muted)
        }
        if isNew {
            tag = "NEW " + tag
            tagStyle = Style(color: .good, bold: true)
        }
        if isSelected { tagStyle.reverse = true }
        let right = "\(tag) \(DisplayWidth.padLeft(age, to: 3))"
        let rightWidth = DisplayWidth.of(right)
        let marker = (isSelected ? "▸" : " ") + (thread.unread > 0 ? "●" : " ") + (state.tagged[summary.id] != nil ? "✓" : " ")
        let nameWidth = max(1, rect.width - 3 - rightWidth - 1)
        var nameStyle = base
        nameStyle.bold = thread.unread > 0 || isSelected
        write(marker + summary.counterpartName, x: rect.x, y: rect.y, width: 3 + nameWidth, style: nameStyle)
        write(right, x: rect.maxX - rightWidth, y: rect.y, width: rightWidth, style: tagStyle)
        var preview = base
        preview.dim = !isSelected
        preview.color = isSelected ? .normal : .muted
        write("   " + (summary.lastBody ?? ""), x: rect.x, y: rect.y + 1, width: rect.width, style: preview)
    }

    // MARK: - Message view

    mutating func renderMessagesPane(_ state: ConsoleState, in rect: Rect) {
        let focused = state.focus == .messages
        guard let summary = state.selectedThread else {
            box(rect, title: "Messages", focused: focused)
            write("Select a thread to read it.", x: rect.inner.x + 1, y: rect.inner.y, width: rect.inner.width - 1, style: .muted)
            return
        }
        let thread = summary.thread
        var title = "Messages · \(summary.counterpartName)"
        if let code = summary.bookingCode { title += " · \(code)" }
        box(rect, title: title, focused: focused)
        let inner = rect.inner
        guard inner.height > 2 else { return }
        var header = [thread.counterpartE164 ?? "no phone"]
        if let masked = thread.maskedNumberE164 { header.append("via \(masked)") }
        header.append(thread.scope.label)
        if let sitter = summary.sitterName { header.append("sitter \(sitter)") }
        // Opted out first: at 80 columns the end of this line is cut, never this.
        let optOut = summary.counterpartOptedOut ? write("OPTED OUT (STOP) · ", x: inner.x + 1, y: inner.y, width: inner.width - 1, style: .alert) : 0
        write(header.joined(separator: " · "), x: inner.x + 1 + optOut, y: inner.y, width: inner.width - 1 - optOut, style: .muted)
        let scrolledBack = state.data.messageSkip > 0 || state.messageLineSkip > 0
        let view = MessageView(pane: rect, scrolledBack: scrolledBack, media: state.data.media)
        let area = view.area
        let lines = view.lines(state.data.messages, summary: summary, outbox: state.data.outbox, now: state.now)
        // A pager's window on the lines: the bottom `messageLineSkip` lines of the newest
        // message read are below it.
        let end = max(0, lines.count - state.messageLineSkip)
        let start = max(0, end - area.height)
        for (row, line) in lines[start..<end].enumerated() {
            write(line.text, x: area.x + 1, y: area.y + row, width: area.width - 1, style: line.style)
        }
        // The line above the view: the header of the message cut at the top (so who wrote
        // it and when stay visible), or a mark that there is more; nothing when there is not.
        if start < lines.count, !lines[start].isHeader, !lines[start].text.isEmpty, let header = lines[..<start].last(where: \.isHeader) {
            write("▲ " + header.text, x: inner.x + 1, y: inner.y + 1, width: inner.width - 1, style: header.style)
        } else if start > 0 || state.data.hasOlderMessages {
            write("▲ older messages · k/↑", x: inner.x + 1, y: inner.y + 1, width: inner.width - 1, style: .muted)
        }
        if scrolledBack {
            let below =
                state.data.messageSkip > 0
                ? "▼ \(state.data.messageSkip) newer · j/↓, G for the newest" : "▼ more below · j/↓, G for the end"
            write(below, x: inner.x + 1, y: area.maxY, width: inner.width - 1, style: Style(color: .accent, bold: true))
        }
    }
}

import Foundation

/// Where the message view puts a thread's messages: the newest at the bottom, as many as
/// fit. The renderer draws with it and the reducer scrolls with it, so they agree on what
/// is on screen.
struct MessageView {
    /// The rows messages are drawn in: below the thread's header line and the "older" line,
    /// above the "newer" line when the view is scrolled back.
    let area: Rect
    /// The photos and files of the messages, by message id.
    let media: [RowID: [MediaItem]]

    init(pane: Rect, scrolledBack: Bool, media: [RowID: [MediaItem]] = [:]) {
        let inner = pane.inner
        area = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2 - (scrolledBack ? 1 : 0))
        self.media = media
    }

    func bodyLines(_ event: MessageEvent) -> [String] {
        // A photo with no text has no body line: its media lines say what it is.
        if event.body.isEmpty, media[event.id ?? 0]?.isEmpty == false { return [] }
        return TextWrap.lines(event.body, width: max(1, area.width - 3))
    }

    /// `📎 image/jpeg https://…` for each photo or file, the address whole (wrapped, never cut).
    func mediaLines(_ event: MessageEvent) -> [String] {
        (media[event.id ?? 0] ?? []).flatMap { item in
            TextWrap.lines("📎 \(item.contentType) \(item.url)", width: max(1, area.width - 3))
        }
    }

    /// One line of the pager: a message's header, a line of its body or media, a blank.
    struct Line {
        var text: String
        var style: Style
        var isHeader = false
    }

    /// Every line of `messages`, oldest first: for each, a header line (who, when, delivery),
    /// its wrapped body, a line for each photo or file, a blank line.
    func lines(_ messages: [MessageEvent], summary: ThreadSummary, outbox: [RowID: OutboxNote] = [:], now: Date) -> [Line] {
        messages.flatMap { event -> [Line] in
            let inbound = event.direction == .inbound
            let who: String =
                switch event.actorType {
                case .client: summary.clientName ?? summary.thread.counterpartE164 ?? "client"
                case .sitter: summary.sitterName ?? "sitter"
                case .owner: "Owner"
                case .system: "System"
                }
            var header = "\(inbound ? "◀" : "▶") \(who) · \(Age.short(from: event.createdAt, to: now))"
            if let status = event.deliveryStatus, !inbound {
                var delivery = status.rawValue
                // The outbox tried and will try again: say when, so a stuck reply is seen.
                if status == .queued, let note = outbox[event.id ?? 0], note.attempts > 0 {
                    delivery += ", retry \(note.attempts + 1) at \(ClockTime.text(note.nextAttemptAt))"
                }
                // A narrow pane (80 columns) puts the delivery status first, where it is never cut.
                header = area.width < 40 ? "▶ \(delivery) · \(who) · \(Age.short(from: event.createdAt, to: now))" : header + " · \(delivery)"
            }
            let headerStyle: Style = inbound ? Style(color: .accent, bold: true) : Style(color: .good, bold: true)
            return [Line(text: header, style: headerStyle, isHeader: true)]
                + bodyLines(event).map { Line(text: "  " + $0, style: .plain) }
                + mediaLines(event).map { Line(text: "  " + $0, style: .muted) }
                + [Line(text: "", style: .plain)]
        }
    }

    /// A message's rows: header, body, media, a blank line.
    func rows(of event: MessageEvent) -> Int { 2 + bodyLines(event).count + mediaLines(event).count }
}

extension ThreadScope {
    /// The scope as the message pane's header says it.
    var label: String {
        switch self {
        case .clientBooking: "client booking"
        case .clientGeneral: "client general"
        case .ownerSitter: "owner sitter"
        case .internal: "internal"
        }
    }
}
