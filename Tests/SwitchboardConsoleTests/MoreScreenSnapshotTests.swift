import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Testing

/// Whole screens of the second generation's keys and commands, compared with
/// `Snapshots/*.txt` (the reducer tests check each by its parts).
@Suite struct MoreScreenSnapshotTests {
    static func check(_ state: ConsoleState, _ name: String) throws {
        if let mismatch = try snapshotMismatch(render(state, size: state.size), named: name) { Issue.record("\(mismatch)") }
    }

    @Test func searchAsYouTypeFiltersTheListWhileTheLineIsOpen() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("/"), &state, store)
        for character in "Mochi" { try Fixture.press(.character(character), &state, store) }
        #expect(state.data.threads.map(\.counterpartName) == ["王芳 (Fang Wang)"])
        try Self.check(state, "search-as-you-type")
    }

    @Test func theNextUnassignedThreadAndItsUndoableMarkRead() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("}"), &state, store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.enter, &state, store)
        try Self.check(state, "triage-next-unassigned")
    }

    @Test func aClickOnASitterShowsHerMailbox() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let layout = try #require(state.layout)
        try Fixture.press(.mouse(.click(x: layout.sitters.inner.x + 2, y: layout.sitters.inner.y + 1)), &state, store)
        try Self.check(state, "mouse-click-sitter")
    }

    @Test func herOwnKeysAreNamedInTheHints() async throws {
        let store = try await Fixture.makeStore()
        var state = ConsoleState(
            size: Size(width: 120, height: 40), listener: Fixture.demoListener,
            keys: try KeyRemap(["reply": "R", "quit": "x", "down": "s", "up": "w"]), startedAt: Fixture.now)
        try Fixture.reload(&state, store)
        try Self.check(state, "keys-remapped")
    }

    @Test func aSittersHelpNamesOnlyHerKeys() async throws {
        let store = try await Fixture.makeStore()
        let maya = try store.read { try $0.sitter(named: "maya") }
        var state = try Fixture.state(store, viewer: .sitter(id: maya.id!, name: maya.name))
        try Fixture.press(.character("?"), &state, store)
        try Self.check(state, "sitter-help")
    }

    @Test func aRecordCommandsAnswerOnTheNoticeLine() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character(":"), &state, store)
        for character in #"sitter add "Ana Ruiz" --phone +15550200999"# { try Fixture.press(.character(character), &state, store) }
        try Self.check(state, "record-command-typed")
        let org = try #require(state.data.orgId)
        #expect(try Fixture.press(.enter, &state, store) == [.recordCommand(line: #"sitter add "Ana Ruiz" --phone +15550200999"#, orgId: org)])
        try Fixture.send(.operatorFinished(Notice(.success, "Added sitter #4 Ana Ruiz (+15550200999).")), to: &state, store)
        try Self.check(state, "record-command-answered")
    }
}
