import Foundation
import SwitchboardConsole
import Testing

@Suite struct KeyMapTests {
    static let normal = ConsoleState(size: Size(width: 120, height: 40), startedAt: Fixture.now)

    @Test(arguments: [
        (Key.character("j"), Action.moveDown), (.down, .moveDown), (.character("k"), .moveUp), (.up, .moveUp),
        (.character("g"), .moveToTop), (.home, .moveToTop), (.character("G"), .moveToBottom), (.end, .moveToBottom),
        (.pageDown, .pageDown), (.pageUp, .pageUp),
        (.tab, .nextPane), (.character("l"), .nextPane), (.right, .nextPane),
        (.backTab, .previousPane), (.character("h"), .previousPane), (.left, .previousPane),
        (.enter, .open), (.escape, .cancel), (.character("/"), .startSearch), (.character("?"), .toggleHelp),
        (.character("q"), .quit), (.interrupt, .quit), (.character("r"), .startReply), (.character("a"), .startAssign),
        (.character("o"), .startOffer), (.character("y"), .simulateAnswer(accept: true)),
        (.character("n"), .simulateAnswer(accept: false)), (.character("t"), .toggleTiers),
        (.character("u"), .toggleUnrouted), (.character("p"), .togglePause), (.character("O"), .nextOrg),
        // Issue 14
        (.character(":"), .startCommand), (.character("z"), .undo), (.character("U"), .markUnread),
        (.character("]"), .nextThread(.unread)), (.character("}"), .nextThread(.unassigned)), (.character(" "), .toggleTag),
        (.character("m"), .markRead), (.character("R"), .composeInEditor),
    ])
    func normalKeys(key: Key, action: Action) {
        #expect(KeyMap.action(for: key, in: Self.normal) == action)
    }

    @Test(arguments: [Key.character("x"), .character("Z"), .character("🐶"), .backspace])
    func unboundKeysDoNothing(key: Key) {
        #expect(KeyMap.action(for: key, in: Self.normal) == nil)
    }

    @Test func aPromptTakesEveryCharacterAsText() {
        var state = Self.normal
        _ = state.reduce(.startSearch)
        #expect(KeyMap.action(for: .character("q"), in: state) == .type("q"))
        #expect(KeyMap.action(for: .character("j"), in: state) == .type("j"))
        #expect(KeyMap.action(for: .character("田"), in: state) == .type("田"))
        #expect(KeyMap.action(for: .enter, in: state) == .submit)
        #expect(KeyMap.action(for: .escape, in: state) == .cancel)
        #expect(KeyMap.action(for: .backspace, in: state) == .deleteBackward)
        #expect(KeyMap.action(for: .tab, in: state) == nil)
        #expect(KeyMap.action(for: .interrupt, in: state) == .quit)
    }

    /// Issue 14: readline keys in a prompt; `Tab` completes on the command line only.
    @Test func promptsEditTheLine() {
        var state = Self.normal
        _ = state.reduce(.startReply)  // no thread: no prompt
        _ = state.reduce(.startSearch)
        let keys: [(Key, Action)] = [
            (.left, .edit(.left)), (.right, .edit(.right)), (.control("a"), .edit(.home)), (.control("e"), .edit(.end)),
            (.home, .edit(.home)), (.end, .edit(.end)), (.control("u"), .edit(.deleteToStart)),
            (.control("w"), .edit(.deleteWord)), (.up, .edit(.historyBack)), (.down, .edit(.historyForward)),
        ]
        for (key, action) in keys { #expect(KeyMap.action(for: key, in: state) == action) }
        _ = state.reduce(.cancel)
        _ = state.reduce(.startCommand)
        #expect(KeyMap.action(for: .tab, in: state) == .complete)
    }

    /// Issue 14, defect 1: a question takes `y`, `n` or `Esc` only.
    @Test func aQuestionTakesYesOrNoOnly() {
        var state = Self.normal
        state.confirmation = Confirmation(question: "YES as Diego for B1041?", effect: .quit, progress: "…")
        #expect(KeyMap.action(for: .character("y"), in: state) == .confirm)
        #expect(KeyMap.action(for: .character("n"), in: state) == .cancel)
        #expect(KeyMap.action(for: .escape, in: state) == .cancel)
        for key in [Key.character("j"), .character("q"), .enter, .tab, .character("a")] {
            #expect(KeyMap.action(for: key, in: state) == nil)
        }
    }

    @Test func tooSmallOnlyQuits() {
        let state = ConsoleState(size: Size(width: 40, height: 10), startedAt: Fixture.now)
        #expect(KeyMap.action(for: .character("q"), in: state) == .quit)
        #expect(KeyMap.action(for: .interrupt, in: state) == .quit)
        for key in [Key.character("j"), .tab, .enter, .character("y"), .character("?")] {
            #expect(KeyMap.action(for: key, in: state) == nil)
        }
    }
}
