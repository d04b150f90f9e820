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

/// Issue 14: several threads tagged with Space, assigned (`a`) or marked read (`m`)
/// together, and `z` undoing the batch.
@Suite struct TaggingTests {
    @Test func taggedThreadsAreAssignedTogetherAndUndoneTogether() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.data.threads.first)
        let mallory = state.data.threads[1]
        try Fixture.press(.character(" "), &state, store)
        try Fixture.press(.character(" "), &state, store)
        #expect(Set(state.tagged.keys) == [fang.id, mallory.id])
        #expect(state.notice?.text == "2 tagged: a assigns them, m marks them read, Esc untags.")
        let grid = render(state, size: state.size)
        #expect(grid.text.contains("Owner inbox · 4 threads · 2 tagged"))
        #expect(grid.lines.contains { $0.contains(" ●✓王芳 (Fang Wang)") })
        try Fixture.press(.character("a"), &state, store)
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        #expect(picker.title == "Assign 2 tagged threads to")
        let maya = try #require(picker.options.firstIndex { $0.label == "Maya Okafor" })
        for _ in 0..<maya { try Fixture.press(.down, &state, store) }
        let mayaId = picker.options[maya].id
        let effects = try Fixture.press(.enter, &state, store)
        #expect(effects == [.assign(threadId: fang.id, sitterId: mayaId), .assign(threadId: mallory.id, sitterId: mayaId)])
        #expect(state.tagged.isEmpty)
        #expect(try Fixture.press(.character("z"), &state, store) == [
            .assign(threadId: fang.id, sitterId: nil), .assign(threadId: mallory.id, sitterId: nil),
        ])
    }

    @Test func mMarksTheTaggedThreadsReadAndEscUntags() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.data.threads.first)
        let mallory = state.data.threads[1]
        try Fixture.press(.character(" "), &state, store)
        try Fixture.press(.escape, &state, store)
        #expect(state.tagged.isEmpty && state.notice?.text == "Tags cleared.")
        try Fixture.press(.character("g"), &state, store)
        try Fixture.press(.character(" "), &state, store)
        try Fixture.press(.character(" "), &state, store)
        #expect(try Fixture.press(.character("m"), &state, store) == [.markRead(threadId: fang.id), .markRead(threadId: mallory.id)])
        #expect(state.notice?.text == "Marked 2 threads read. (z undoes)")
        #expect(try Fixture.press(.character("z"), &state, store) == [
            .markUnread(threadId: fang.id, count: 1), .markUnread(threadId: mallory.id, count: 1),
        ])
    }
}
