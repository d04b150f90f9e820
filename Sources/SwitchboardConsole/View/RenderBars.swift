import SwitchboardCore
extension Grid {
    // MARK: - Status bar

    mutating func renderStatusBar(_ state: ConsoleState, in rect: Rect) {
        fill(rect, style: .bar)
        var x = rect.x
        for segment in StatusBar.segments(for: state, width: rect.width) {
            guard x < rect.maxX else { break }
            x += write(segment.text, x: x, y: rect.y, width: rect.maxX - x, style: segment.style)
        }
        let org = state.data.orgs.count > 1 ? "" : state.data.orgName
        if !org.isEmpty, rect.maxX - x >= DisplayWidth.of(org) + 3 {
            write(org + " ", x: rect.maxX - DisplayWidth.of(org) - 1, y: rect.y, style: .bar)
        }
    }

    // MARK: - Notice line: prompt, result, or a hint

    mutating func renderNoticeLine(_ state: ConsoleState, in rect: Rect) {
        fill(rect)
        if let confirmation = state.confirmation {
            let used = write(confirmation.question + " ", x: rect.x, y: rect.y, width: max(1, rect.width - 4), style: .title)
            write("y/n", x: rect.x + used, y: rect.y, style: Style(color: .warning, bold: true, reverse: true))
            return
        }
        if let prompt = state.prompt {
            let label: String =
                switch prompt {
                case .search: "/"
                case .reply(_, let name, _): "Reply to \(name): "
                case .command: ":"
                case .sitterSearch: "Sitter /"
                }
            let used = write(label, x: rect.x, y: rect.y, style: .title)
            // Show the part around the cursor: long input scrolls left as it is typed.
            let room = rect.width - used - 1
            let characters = Array(prompt.text)
            let cursor = min(state.promptCursor, characters.count)
            var before = String(characters[..<cursor])
            let after = String(characters[cursor...])
            while DisplayWidth.of(before) > room, !before.isEmpty { before.removeFirst() }
            let typed = write(before, x: rect.x + used, y: rect.y, width: room)
            write("▏", x: rect.x + used + typed, y: rect.y, style: .accent)
            write(after, x: rect.x + used + typed + 1, y: rect.y, width: max(0, room - typed))
            return
        }
        if let notice = state.notice {
            let style: Style =
                switch notice.kind {
                case .info: .plain
                case .success: Style(color: .good, bold: true)
                case .error: .alert
                }
            // A notice longer than its line goes on in the key hints' line (see `renderFooter`).
            let lines = Self.noticeLines(notice.text, width: rect.width - 1)
            for (row, line) in lines.prefix(2).enumerated() {
                if row == 1 { fill(Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1)) }
                write(line, x: rect.x + 1, y: rect.y + row, width: rect.width - 1, style: style)
            }
        }
    }

    /// A notice wrapped to the screen: one line, or two when it is long.
    static func noticeLines(_ text: String, width: Int) -> [String] {
        DisplayWidth.of(text) <= width ? [text] : TextWrap.lines(text, width: max(1, width))
    }

    // MARK: - Key hints

    mutating func renderFooter(_ state: ConsoleState, in rect: Rect) {
        // A long notice took this line (drawn by the notice line); the hints come back with Esc.
        if state.prompt == nil, state.confirmation == nil, let notice = state.notice,
            Self.noticeLines(notice.text, width: rect.width - 1).count > 1
        {
            return
        }
        fill(rect, style: .bar)
        var x = rect.x
        for (standard, label) in Self.hints(for: state) {
            // Outside prompts and pickers the operator's own keys apply (`"keys"`).
            let key = state.prompt == nil && !state.isPickerOpen ? state.keys.shown(standard) : standard
            let width = DisplayWidth.of(key) + DisplayWidth.of(label) + 3
            guard x + width <= rect.maxX else {
                write("…", x: min(x, rect.maxX - 1), y: rect.y, style: .bar)
                break
            }
            x += write(" \(key) ", x: x, y: rect.y, style: .bold)
            x += write(label, x: x, y: rect.y, style: .bar)
        }
    }

    /// The keys that work now, the way out first.
    static func hints(for state: ConsoleState) -> [(String, String)] {
        if state.confirmation != nil { return [("y", "yes, do it"), ("n/Esc", "no"), ("Ctrl-C", "quit")] }
        if case .command(let line) = state.prompt {
            let candidates = Completion.candidates(for: line, in: state)
            if !candidates.isEmpty, !line.isEmpty { return [("Tab", "completes:")] + candidates.prefix(8).map { ("", $0) } }
            return [("Enter", "run"), ("Tab", "complete"), ("Esc", "cancel")]
                + Command.all.prefix(6).map { ("", $0.usage) }
        }
        if case .reply(_, _, let text) = state.prompt {
            return [("", SMSSegments(text).summary), ("Enter", "send"), ("Esc", "keep as draft"), ("←/→ ^A ^E ^U ^W", "edit"), ("↑/↓", "history")]
        }
        if state.prompt?.isSearch == true { return [("Enter", "done"), ("Esc", "back"), ("↑/↓", "previous / next match")] }
        if state.prompt != nil { return [("Enter", "done"), ("Esc", "cancel"), ("Backspace", "delete")] }
        switch state.overlay {
        case .picker: return [("j/k", "move"), ("Enter", "choose"), ("Esc", "cancel"), ("q", "quit")]
        case .help: return [("?", "close help"), ("Esc", "close"), ("q", "quit")]
        case .tiers: return [("t", "close tiers"), ("Esc", "close"), ("j/k", "scroll"), ("q", "quit")]
        case .unrouted: return [("u", "close unrouted"), ("Esc", "close"), ("j/k", "move"), ("r", "route"), ("q", "quit")]
        case .receipts: return ReceiptsHints.hints(for: state)
        case nil: break
        }
        if state.viewer.sitterId != nil {
            return [
                ("?", "help"), ("q", "quit"), ("j/k", state.focus == .messages ? "scroll" : "move"), ("Tab", "pane"),
                ("Enter", "open"), ("r", "reply"), ("y/n", "answer your offer"), ("/", "search"), ("t", "your tier"),
                ("p", state.paused ? "resume" : "pause"),
            ]
        }
        return [
            ("?", "help"), ("q", "quit"), ("j/k", state.focus == .messages ? "scroll" : "move"), ("Tab", "pane"),
            ("Enter", "open"), ("r", "reply"),
            ("a", "assign"), ("o", "offer"), ("y/n", "YES/NO"), ("/", "search"), ("t", "tiers"), ("u", "unrouted"),
            ("p", state.paused ? "resume" : "pause"),
        ] + (state.data.orgs.count > 1 ? [("O", "next org")] : [])
    }
}

extension Style {
    func with(bold: Bool) -> Style {
        var copy = self
        copy.bold = bold
        return copy
    }
}

/// The status bar's segments, each with shorter forms: when the bar does not fit, the least
/// needed segments shorten first. The demo token is never shortened: a cut token fails
/// every signature it is copied into.
enum StatusBar {
    struct Segment {
        /// Longest first; the last form is used when nothing longer fits.
        var forms: [String]
        var style: Style = .bar
        var chosen = 0
        var text: String { forms[chosen] }
    }

    static func segments(for state: ConsoleState, width: Int) -> [Segment] {
        let separator = Segment(forms: ["│ "])
        var name: Segment
        // A sitter's console says whose it is; with several orgs, which one is on screen
        // matters more than the product's name.
        if case .sitter(_, let sitter) = state.viewer {
            name = Segment(
                forms: [" \(DisplayWidth.truncate(sitter, to: 24)) ", " \(DisplayWidth.truncate(sitter, to: 12)) "],
                style: Style(reverse: true).with(bold: true))
        } else if state.data.orgs.count > 1 {
            let position = (state.data.orgs.firstIndex { $0.id == state.data.orgId } ?? 0) + 1
            let org = state.data.orgName
            name = Segment(
                forms: [
                    " \(DisplayWidth.truncate(org, to: 32)) \(position)/\(state.data.orgs.count) ",
                    " \(DisplayWidth.truncate(org, to: 18)) \(position)/\(state.data.orgs.count) ",
                    " \(DisplayWidth.truncate(org, to: 10)) \(position)/\(state.data.orgs.count) ",
                ], style: Style(reverse: true).with(bold: true))
        } else {
            name = Segment(forms: [" Switchboard ", " SB "], style: Style(reverse: true).with(bold: true))
        }
        let live: Segment
        if state.paused {
            let count = state.pendingChanges
            let waiting = count > 0 ? " (\(count) new text\(count == 1 ? "" : "s"))" : ""
            live = Segment(
                forms: ["❚❚ PAUSED\(waiting) ", count > 0 ? "❚❚ PAUSED \(count) " : "❚❚ PAUSED "],
                style: Style(color: .warning, bold: true, reverse: true))
        } else {
            live = Segment(forms: ["● LIVE "], style: Style(color: .good, bold: true, reverse: true))
        }
        var listener: Segment
        if let address = state.listener.address {
            let bare = address.replacingOccurrences(of: "http://", with: "")
            listener = Segment(forms: ["\(address) ", "\(bare) "])
        } else {
            switch state.data.listenerState {
            case .up(let address, _, _, _):
                listener = Segment(forms: ["listener up · \(address) ", "up · \(address) "], style: Style(color: .good, bold: true, reverse: true))
            case .down(let since?):
                listener = Segment(
                    forms: ["listener down since \(ClockTime.text(since)) ", "down \(ClockTime.text(since)) "],
                    style: Style(color: .warning, bold: true, reverse: true))
            case .down(nil):
                listener = Segment(forms: ["listener off ", "off "])
            }
        }
        let received = state.data.webhooks.received
        let rejected = state.data.webhooks.rejected
        // The business's figures are the owner's: a sitter's console reads none of them.
        let counts =
            state.viewer == .owner
            ? Segment(forms: [
                "received \(received) · rejected \(rejected) ", "rcvd \(received) · rej \(rejected) ", "\(received)/\(rejected) ",
            ]) : Segment(forms: [""])
        var parts = [name, separator, live, separator, listener, state.viewer == .owner ? separator : Segment(forms: [""]), counts]
        let unrouted = state.data.webhooks.byVerdict[.unrouted] ?? 0
        if unrouted > 0, state.viewer == .owner {
            parts += [separator, Segment(forms: ["⚠ \(unrouted) unrouted (u) ", "⚠ \(unrouted) unrouted ", "⚠ \(unrouted) "], style: Style(color: .warning, bold: true, reverse: true))]
        }
        if let token = state.listener.demoToken {
            parts += [separator, Segment(forms: ["demo token ", "token "]), Segment(forms: [token + " "], style: Style(reverse: true).with(bold: true))]
        }
        // Shorten, least needed first, until the bar fits.
        func total() -> Int { parts.reduce(0) { $0 + DisplayWidth.of($1.text) } }
        let tokenLabel = state.listener.demoToken == nil ? [] : [parts.count - 2]
        let order = [0, 4] + tokenLabel + [6, 2] + Array(7..<parts.count)
        var shortened = true
        while total() > width, shortened {
            shortened = false
            for index in order where parts[index].chosen + 1 < parts[index].forms.count {
                parts[index].chosen += 1
                shortened = true
                break
            }
        }
        return parts
    }
}
