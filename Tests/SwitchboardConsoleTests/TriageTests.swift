import Foundation
import SwitchboardConsole
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Issue 14: undo (`z`) of an assign and a mark-read within a few seconds, mark unread
/// (`U`), and the jumps to the next unread (`]`) and unassigned (`}`) thread.
@Suite struct TriageTests {
    /// Runs an operator effect against the store, as the event loop would, then reads again.
    static func perform(_ effects: [Effect], _ state: inout ConsoleState, _ store: AppDatabase) async throws {
        let actions = ListenerlessActions(store: store)
        for effect in effects where effect != .reload { _ = try await actions.perform(effect) }
        try Fixture.send(.databaseChanged, to: &state, store)
    }

    @Test func zUndoesAnAssignWithinTheWindow() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        let maya = try #require(state.data.sitters.first { $0.name == "Maya Okafor" })
        let assign = try CommandLineTests.run("assign Maya", &state, store)
        #expect(assign == [.assign(threadId: fang.id, sitterId: maya.id)])
        #expect(state.notice?.text == "Assigning 王芳 (Fang Wang) to Maya Okafor… (z undoes)")
        try await Self.perform(assign, &state, store)
        #expect(try await store.reader.read { try MessageThread.fetchOne($0, key: fang.id)?.assignedSitterId } == maya.id)
        let undo = try Fixture.press(.character("z"), &state, store)
        #expect(undo == [.assign(threadId: fang.id, sitterId: nil)], "back to the owner inbox, where it was")
        #expect(state.notice?.text == "Undoing assigning 王芳 (Fang Wang) to Maya Okafor…")
        try await Self.perform(undo, &state, store)
        #expect(try await store.reader.read { try MessageThread.fetchOne($0, key: fang.id)?.assignedSitterId } == nil)
        #expect(try Fixture.press(.character("z"), &state, store) == [], "one undo")
        #expect(state.notice?.text.hasPrefix("Nothing to undo") == true)
    }

    @Test func zIsTooLateAfterTheWindow() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        _ = try CommandLineTests.run("assign Maya", &state, store)
        _ = state.reduce(.tick(Fixture.now.addingTimeInterval(ConsoleState.undoWindow + 1)))
        #expect(state.reduce(.undo) == [])
        #expect(state.notice?.text == "Too late to undo assigning 王芳 (Fang Wang) to Maya Okafor: z works for 10 seconds.")
    }

    @Test func zUndoesAMarkReadAndUMarksUnread() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        try Fixture.press(.enter, &state, store)
        let open = try Fixture.press(.enter, &state, store)
        #expect(open == [.markRead(threadId: fang.id)])
        try await Self.perform(open, &state, store)
        #expect(state.selectedThread?.thread.unread == 0)
        let undo = try Fixture.press(.character("z"), &state, store)
        #expect(undo == [.markUnread(threadId: fang.id, count: 1)])
        try await Self.perform(undo, &state, store)
        #expect(state.selectedThread?.thread.unread == 1, "unread again")
        try await Self.perform([.markRead(threadId: fang.id)], &state, store)
        let unread = try Fixture.press(.character("U"), &state, store)
        #expect(unread == [.markUnread(threadId: fang.id, count: 1)])
        try await Self.perform(unread, &state, store)
        #expect(state.selectedThread?.thread.unread == 1)
        #expect(state.data.ownerUnread == 2)
    }

    @Test func bracketsJumpToTheNextUnreadAndUnassignedThread() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let threads = state.data.threads.map(\.counterpartName)
        #expect(threads.prefix(3) == ["王芳 (Fang Wang)", "Mallory RED gnp.exe", "Diego Ramírez"])
        try Fixture.press(.character("]"), &state, store)
        #expect(state.focus == .threads)
        #expect(state.selectedThread?.counterpartName == "Mallory RED gnp.exe")
        try Fixture.press(.character("]"), &state, store)
        #expect(state.selectedThread?.counterpartName == "王芳 (Fang Wang)", "round to the newest")
        try Fixture.press(.character("G"), &state, store)
        try Fixture.press(.character("}"), &state, store)
        #expect(state.selectedThread?.counterpartName == "王芳 (Fang Wang)")
        // A mailbox with nothing unread says so and stays.
        try CommandLineTests.run("sitter Maya", &state, store)  // Zoë's thread, read
        #expect(state.data.mailboxSitterName == "Maya Okafor" && state.data.threads.allSatisfy { $0.thread.unread == 0 })
        try Fixture.press(.character("]"), &state, store)
        #expect(state.notice?.text == "No unread thread in this mailbox.")
    }
}
