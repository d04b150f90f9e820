import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Testing

/// Issue 14: the `:` command line, its completion of sitter names and booking codes, and
/// each command through the reducer.
@Suite struct CommandLineTests {
    /// Types `:` and `line`, then Enter; returns the effects of Enter.
    @discardableResult
    static func run(_ line: String, _ state: inout ConsoleState, _ store: AppDatabase) throws -> [Effect] {
        try Fixture.press(.character(":"), &state, store)
        for character in line { try Fixture.press(.character(character), &state, store) }
        return try Fixture.press(.enter, &state, store)
    }

    @Test func colonOpensTheCommandLineAndEscapeClosesIt() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character(":"), &state, store)
        #expect(state.prompt == .command(""))
        #expect(state.data.assignableSitters.count == 3, "the names to complete are read")
        let grid = render(state, size: state.size)
        #expect(grid.lines[38].hasPrefix(":▏"))
        #expect(grid.lines[39].contains(":assign SITTER") && grid.lines[39].contains(":offer CODE SITTER"))
        try Fixture.press(.escape, &state, store)
        #expect(state.prompt == nil)
    }

    @Test func assignByNameAssignsTheThreadInView() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        let maya = try #require(state.data.sitters.first { $0.name == "Maya Okafor" })
        #expect(try Self.run("assign Maya", &state, store) == [.assign(threadId: fang.id, sitterId: maya.id)])
        #expect(state.notice?.text == "Assigning 王芳 (Fang Wang) to Maya Okafor… (z undoes)")
        #expect(try Self.run("assign owner", &state, store) == [.assign(threadId: fang.id, sitterId: nil)])
        // A word of the name is enough when only one sitter has it.
        #expect(try Self.run("assign okafor", &state, store) == [.assign(threadId: fang.id, sitterId: maya.id)])
    }

    @Test func offerAsksFirstNamingTheBookingAndTheSitter() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let diego = try #require(state.data.sitters.first { $0.name == "Diego Ramírez" })
        #expect(try Self.run("offer B1050 Diego", &state, store) == [])
        let starts = DayTime.text(Fixture.now.addingTimeInterval(2 * 86_400), timeZone: state.data.timeZone)
        #expect(state.confirmation?.question == "Offer B1050 (Cat visit, \(starts)) to Diego Ramírez?")
        let effects = try Fixture.press(.character("y"), &state, store)
        #expect(effects.count == 1)
        guard case .offer(_, let sitterId) = effects.first else { Issue.record("no offer: \(effects)"); return }
        #expect(sitterId == diego.id)
    }

    @Test func replySitterOrgAndViewsRun() async throws {
        let store = try await Fixture.makeStore(secondOrg: true)
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        #expect(try Self.run("reply On my way 🐾", &state, store) == [.reply(threadId: fang.id, body: "On my way 🐾")])
        try Self.run("sitter yuki", &state, store)
        #expect(state.focus == .sitters && state.cursorSitter?.name == "田中 ゆき (Yuki)")
        #expect(state.data.mailboxSitterName == "田中 ゆき (Yuki)")
        try Self.run("tiers", &state, store)
        #expect(state.overlay == .tiers)
        try Fixture.press(.escape, &state, store)
        try Self.run("unrouted", &state, store)
        #expect(state.overlay == .unrouted)
        try Fixture.press(.escape, &state, store)
        try Self.run("org harbor", &state, store)
        #expect(state.data.orgName == "Harbor Hounds")
        #expect(try Self.run("q", &state, store) == [.quit])
        #expect(!state.isRunning)
    }

    @Test func mistakesSayWhatToDo() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(try Self.run("frobnicate", &state, store) == [])
        #expect(state.notice?.kind == .error && state.notice?.text.hasPrefix("No command :frobnicate. Commands: assign, offer") == true)
        try Self.run("offer B1050", &state, store)
        #expect(state.notice?.text == "Usage: :offer CODE SITTER — offer an open booking to a sitter (asks first).")
        try Self.run("assign Zed", &state, store)
        #expect(state.notice?.text == "No sitter is called Zed.")
        try Self.run("offer B9999 Maya", &state, store)
        #expect(state.notice?.text == "No open booking has the code B9999.")
    }

    @Test func tabCompletesCommandsSitterNamesAndBookingCodes() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character(":"), &state, store)
        for character in "as" { try Fixture.press(.character(character), &state, store) }
        #expect(KeyMap.action(for: .tab, in: state) == .complete)
        try Fixture.press(.tab, &state, store)
        #expect(state.prompt == .command("assign "))
        for character in "ma" { try Fixture.press(.character(character), &state, store) }
        try Fixture.press(.tab, &state, store)
        #expect(state.prompt == .command("assign Maya Okafor "))
        try Fixture.press(.escape, &state, store)

        try Fixture.press(.character(":"), &state, store)
        for character in "offer b10" { try Fixture.press(.character(character), &state, store) }
        try Fixture.press(.tab, &state, store)
        #expect(state.prompt == .command("offer B1050 "))
        for character in "d" { try Fixture.press(.character(character), &state, store) }
        try Fixture.press(.tab, &state, store)
        #expect(state.prompt == .command("offer B1050 Diego Ramírez "))
        let effects = try Fixture.press(.enter, &state, store)
        #expect(effects == [] && state.confirmation != nil)
    }

    @Test func severalCandidatesAreShownInTheHints() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character(":"), &state, store)
        for character in "sitter " { try Fixture.press(.character(character), &state, store) }
        #expect(Completion.candidates(for: "sitter ", in: state) == ["Diego Ramírez", "Maya Okafor", "田中 ゆき (Yuki)"])
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "command-line-completion") { Issue.record("\(mismatch)") }
        #expect(grid.lines[39].contains("Tab completes:") && grid.lines[39].contains("Maya Okafor"))
    }

    @Test func everyCommandHasAUsageAndASummary() {
        #expect(
            Command.all.map(\.name)
                == ["assign", "offer", "reply", "sitter", "client", "number", "booking", "withdraw", "org", "unrouted", "tiers", "help", "quit"])
        for command in Command.all { #expect(command.usage.hasPrefix(":" + command.name) && !command.summary.isEmpty) }
    }

    @Test func recordCommandsGoToTheCommandLinesOwnCommandsOnTheOrgOnScreen() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let org = try #require(state.data.orgId)
        let line = #"sitter add "Ana Ruiz" --phone +15550200999"#
        #expect(try Self.run(line, &state, store) == [.recordCommand(line: line, orgId: org)])
        #expect(state.notice?.text == "Running sitter add…")
        for typed in ["client add Bo --phone +15550409999", "number release +15550300101", "booking cancel B1042", "withdraw B1050"] {
            #expect(try Self.run(typed, &state, store) == [.recordCommand(line: typed, orgId: org)], "\(typed)")
        }
        // `:sitter NAME` still shows her mailbox.
        #expect(try Self.run("sitter Maya", &state, store) == [.reload])
        #expect(state.data.mailboxSitterName == "Maya Okafor")
    }

    @Test func aSittersConsoleRunsOnlyHerOwnCommands() async throws {
        let store = try await Fixture.makeStore()
        let maya = try store.read { try $0.sitter(named: "maya") }
        var state = try Fixture.state(store, viewer: .sitter(id: maya.id!, name: maya.name))
        for typed in ["assign Diego", "sitter Diego", "org Paws", "unrouted", #"sitter add X --phone +15550200999"#, "offer B1050 Maya"] {
            #expect(try Self.run(typed, &state, store) == [], "\(typed)")
            #expect(state.notice?.kind == .error && state.overlay == nil, "\(typed)")
        }
        let thread = try #require(state.selectedThread)
        #expect(try Self.run("reply See you at 9", &state, store) == [.reply(threadId: thread.id, body: "See you at 9")])
    }
}
