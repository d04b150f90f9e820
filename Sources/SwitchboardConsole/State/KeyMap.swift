/// What a key means in the current state. Pure: the same key and state always give the
/// same action, so every binding is testable without a terminal.
public enum KeyMap {
    public static func action(for key: Key, in state: ConsoleState) -> Action? {
        if key == .interrupt { return .quit }
        // Too small to draw: only quitting works, so the operator is never stuck.
        if state.isTooSmall { return key == .character("q") ? .quit : nil }
        if state.confirmation != nil { return confirmationAction(for: key) }
        if case .mouse(let event) = key { return state.prompt == nil ? mouseAction(for: event) : nil }
        if case .command = state.prompt, key == .tab { return .complete }
        if state.prompt != nil { return promptAction(for: key) }
        if case .picker = state.overlay { return pickerAction(for: key) }
        guard let key = state.keys.translate(key) else { return nil }
        if let action = webhookViewAction(for: key, in: state) { return action }
        return normalAction(for: key)
    }

    /// Three lines a notch of the wheel, as terminals and pagers scroll.
    static let wheelLines = 3

    static func mouseAction(for event: MouseEvent) -> Action {
        switch event {
        case .click(let x, let y): .click(x: x, y: y)
        case .wheelUp(let x, let y): .scroll(x: x, y: y, lines: -wheelLines)
        case .wheelDown(let x, let y): .scroll(x: x, y: y, lines: wheelLines)
        }
    }

    /// A question on the notice line: `y` confirms, `n` or `Esc` declines, nothing else acts.
    static func confirmationAction(for key: Key) -> Action? {
        switch key {
        case .character("y"), .character("Y"): .confirm
        case .character("n"), .character("N"), .escape: .cancel
        default: nil
        }
    }

    /// Typing: every printable key is text, so `q` and `j` can be typed.
    static func promptAction(for key: Key) -> Action? {
        switch key {
        case .character(let character): .type(character)
        case .enter: .submit
        case .escape: .cancel
        case .backspace: .deleteBackward
        case .left, .control("b"): .edit(.left)
        case .right, .control("f"): .edit(.right)
        case .home, .control("a"): .edit(.home)
        case .end, .control("e"): .edit(.end)
        case .control("u"): .edit(.deleteToStart)
        case .control("w"): .edit(.deleteWord)
        case .up, .control("p"): .edit(.historyBack)
        case .down, .control("n"): .edit(.historyForward)
        default: nil
        }
    }

    static func pickerAction(for key: Key) -> Action? {
        switch key {
        case .character("j"), .down: .moveDown
        case .character("k"), .up: .moveUp
        case .character("g"), .home: .moveToTop
        case .character("G"), .end: .moveToBottom
        case .enter: .submit
        case .escape: .cancel
        case .character("q"): .quit
        default: nil
        }
    }

    /// The keys of the webhook views that mean something else elsewhere.
    static func webhookViewAction(for key: Key, in state: ConsoleState) -> Action? {
        switch (state.overlay, key) {
        case (.receipts?, .character("v")): .cycleReceiptVerdict
        case (.unrouted?, .character("r")): .routeSelected
        default: nil
        }
    }

    static func normalAction(for key: Key) -> Action? {
        switch key {
        case .character("j"), .down: .moveDown
        case .character("k"), .up: .moveUp
        case .character("g"), .home: .moveToTop
        case .character("G"), .end: .moveToBottom
        case .pageDown: .pageDown
        case .pageUp: .pageUp
        case .tab, .character("l"), .right: .nextPane
        case .backTab, .character("h"), .left: .previousPane
        case .enter: .open
        case .escape: .cancel
        case .character("/"): .startSearch
        case .character(":"): .startCommand
        case .character("z"): .undo
        case .character("U"): .markUnread
        case .character("R"): .composeInEditor
        case .character(" "): .toggleTag
        case .character("m"): .markRead
        case .character("]"): .nextThread(.unread)
        case .character("}"): .nextThread(.unassigned)
        case .character("?"): .toggleHelp
        case .character("q"): .quit
        case .character("r"): .startReply
        case .character("a"): .startAssign
        case .character("o"): .startOffer
        case .character("y"): .simulateAnswer(accept: true)
        case .character("n"): .simulateAnswer(accept: false)
        case .character("t"): .toggleTiers
        case .character("u"): .toggleUnrouted
        case .character("w"): .toggleReceipts
        case .character("p"): .togglePause
        case .character("O"): .nextOrg
        default: nil
        }
    }
}
