import SwitchboardCore
extension Grid {
    // MARK: - Status bar

    mutating func renderStatusBar(_ state: ConsoleState, in rect: Rect) {
        fill(rect, style: .bar)
        var x = rect.x
        func segment(_ text: String, _ style: Style = .bar) {
            guard x < rect.maxX else { return }
            x += write(text, x: x, y: rect.y, width: rect.maxX - x, style: style)
        }
        // With several orgs, which one is on screen matters more than the product's name.
        if state.data.orgs.count > 1 {
            let position = (state.data.orgs.firstIndex { $0.id == state.data.orgId } ?? 0) + 1
            // Room for the demo token at 120 columns when there is one.
            let name = DisplayWidth.truncate(state.data.orgName, to: state.listener.demoToken == nil ? 32 : 18)
            segment(" \(name) \(position)/\(state.data.orgs.count) ", Style(reverse: true).with(bold: true))
        } else {
            segment(" Switchboard ", Style(reverse: true).with(bold: true))
        }
        segment("│ ")
        if state.paused {
            let waiting =
                state.pendingChanges > 0 ? " (\(state.pendingChanges) new text\(state.pendingChanges == 1 ? "" : "s"))" : ""
            segment("❚❚ PAUSED\(waiting) ", Style(color: .warning, bold: true, reverse: true))
        } else {
            segment("● LIVE ", Style(color: .good, bold: true, reverse: true))
        }
        segment("│ ")
        if let address = state.listener.address {
            segment("\(address) ")
        } else {
            switch state.data.listenerState {
            case .up(let address, _, _, _): segment("listener up · \(address) ", Style(color: .good, bold: true, reverse: true))
            case .down(let since?): segment("listener down since \(ClockTime.text(since)) ", Style(color: .warning, bold: true, reverse: true))
            case .down(nil): segment("listener off ")
            }
        }
        segment("│ received \(state.data.webhooks.received) · rejected \(state.data.webhooks.rejected) ")
        if let token = state.listener.demoToken {
            segment("│ demo token ")
            segment(token + " ", Style(reverse: true).with(bold: true))
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
                }
            let used = write(label, x: rect.x, y: rect.y, style: .title)
            // Show the end of long input: the part being typed.
            let room = rect.width - used - 1
            var text = prompt.text
            while DisplayWidth.of(text) > room, !text.isEmpty { text.removeFirst() }
            let typed = write(text, x: rect.x + used, y: rect.y, width: room)
            write("▏", x: rect.x + used + typed, y: rect.y, style: .accent)
            return
        }
        if let notice = state.notice {
            let style: Style =
                switch notice.kind {
                case .info: .plain
                case .success: Style(color: .good, bold: true)
                case .error: .alert
                }
            write(notice.text, x: rect.x + 1, y: rect.y, width: rect.width - 1, style: style)
        }
    }

    // MARK: - Key hints

    mutating func renderFooter(_ state: ConsoleState, in rect: Rect) {
        fill(rect, style: .bar)
        var x = rect.x
        for (key, label) in Self.hints(for: state) {
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
        if state.prompt != nil { return [("Enter", "done"), ("Esc", "cancel"), ("Backspace", "delete")] }
        switch state.overlay {
        case .picker: return [("j/k", "move"), ("Enter", "choose"), ("Esc", "cancel"), ("q", "quit")]
        case .help: return [("?", "close help"), ("Esc", "close"), ("q", "quit")]
        case .tiers: return [("t", "close tiers"), ("Esc", "close"), ("j/k", "scroll"), ("q", "quit")]
        case .unrouted: return [("u", "close unrouted"), ("Esc", "close"), ("q", "quit")]
        case nil: break
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
