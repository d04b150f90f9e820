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

    @Test func tooSmallOnlyQuits() {
        let state = ConsoleState(size: Size(width: 40, height: 10), startedAt: Fixture.now)
        #expect(KeyMap.action(for: .character("q"), in: state) == .quit)
        #expect(KeyMap.action(for: .interrupt, in: state) == .quit)
        for key in [Key.character("j"), .tab, .enter, .character("y"), .character("?")] {
            #expect(KeyMap.action(for: key, in: state) == nil)
        }
    }
}
