import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Testing

/// Clicks and the wheel: the pane under the pointer, the row clicked, never a hidden target.
@Suite struct MouseTests {
    static let layout = ConsoleLayout(size: Size(width: 120, height: 40))!

    static func click(_ pane: Rect, row: Int) -> Key { .mouse(.click(x: pane.inner.x + 2, y: pane.inner.y + row)) }

    @Test func theKeyMapTurnsClicksAndTheWheelIntoActionsExceptWhileTyping() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(KeyMap.action(for: .mouse(.click(x: 3, y: 4)), in: state) == .click(x: 3, y: 4))
        #expect(KeyMap.action(for: .mouse(.wheelDown(x: 3, y: 4)), in: state) == .scroll(x: 3, y: 4, lines: 3))
        #expect(KeyMap.action(for: .mouse(.wheelUp(x: 3, y: 4)), in: state) == .scroll(x: 3, y: 4, lines: -3))
        try Fixture.press(.character("/"), &state, store)
        #expect(KeyMap.action(for: .mouse(.click(x: 3, y: 4)), in: state) == nil, "a click never ends a prompt")
    }

    @Test func aClickOnAThreadFocusesTheListAndSelectsThatThread() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(state.focus == .owner)
        let second = try #require(state.data.threads.dropFirst().first)
        try Fixture.press(Self.click(Self.layout.threads, row: 1 * ConsoleLayout.rowsPerThread + 1), &state, store)
        #expect(state.focus == .threads)
        #expect(state.selectedThreadId == second.id)
        #expect(state.data.messages.first?.threadId == second.id, "its messages are read")
        // Below the last thread: focus, no selection change.
        try Fixture.press(Self.click(Self.layout.threads, row: Self.layout.threads.inner.height - 1), &state, store)
        #expect(state.selectedThreadId == second.id)
    }

    @Test func aClickOnASitterShowsHerMailboxAndOnTheOwnerPaneTheInbox() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let third = try #require(state.data.sitters.dropFirst(2).first)
        try Fixture.press(Self.click(Self.layout.sitters, row: 2), &state, store)
        #expect(state.focus == .sitters && state.sitterCursor == 2)
        #expect(state.mailbox == .sitter(third.id) && state.data.mailboxSitterName == third.name)
        try Fixture.press(Self.click(Self.layout.owner, row: 0), &state, store)
        #expect(state.focus == .owner && state.mailbox == .owner)
    }

    @Test func theWheelMovesTheListUnderThePointerAndScrollsNothingElse() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let first = state.selectedThreadId
        let over = Self.layout.threads.inner
        try Fixture.send(.scroll(x: over.x + 1, y: over.y + 1, lines: 3), to: &state, store)
        #expect(state.focus == .threads)
        #expect(state.selectedIndex == 1 && state.selectedThreadId != first, "a notch moves the selection one thread")
        try Fixture.send(.scroll(x: over.x + 1, y: over.y + 1, lines: -3), to: &state, store)
        #expect(state.selectedThreadId == first)
        // Over the owner pane or the bars: nothing moves.
        let before = state
        try Fixture.send(.scroll(x: 2, y: 0, lines: 3), to: &state, store)
        try Fixture.send(.scroll(x: Self.layout.owner.inner.x, y: Self.layout.owner.inner.y, lines: 3), to: &state, store)
        #expect(state.selectedThreadId == before.selectedThreadId && state.focus == before.focus && state.mailbox == before.mailbox)
    }

    @Test func aClickClosesHelpAndASittersConsoleKeepsHerMailboxWhereverSheClicks() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("?"), &state, store)
        try Fixture.press(Self.click(Self.layout.threads, row: 0), &state, store)
        #expect(state.overlay == nil)

        let maya = try store.read { try $0.sitter(named: "maya") }
        var hers = try Fixture.state(store, viewer: .sitter(id: maya.id!, name: maya.name))
        try Fixture.press(Self.click(Self.layout.owner, row: 0), &hers, store)
        #expect(hers.focus == .owner && hers.mailbox == .sitter(maya.id!))
        #expect(render(hers, size: hers.size).text.contains("Maya Okafor · 1 thread"), "the list's title is still hers")
    }
}
