/// What a key means in the current state. Pure: the same key and state always give the
/// same action, so every binding is testable without a terminal.
public enum KeyMap {
    public static func action(for key: Key, in state: ConsoleState) -> Action? {
        if key == .interrupt { return .quit }
        // Too small to draw: only quitting works, so the operator is never stuck.
        if state.isTooSmall { return key == .character("q") ? .quit : nil }
        if state.confirmation != nil { return confirmationAction(for: key) }
        if case .command = state.prompt, key == .tab { return .complete }
        if state.prompt != nil { return promptAction(for: key) }
        if case .picker = state.overlay { return pickerAction(for: key) }
        return normalAction(for: key)
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
        case .character("p"): .togglePause
        case .character("O"): .nextOrg
        default: nil
        }
    }
}
