import Foundation
import SwitchboardConsole
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// The screens as text, compared with `Snapshots/*.txt` (ratatui's TestBackend approach).
@Suite struct RenderSnapshotTests {
    @Test func mainScreenAt120x40ShowsEveryPane() async throws {
        let store = try await Fixture.makeStore()
        let state = try Fixture.state(store)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "main-120x40") { Issue.record("\(mismatch)") }
        let text = grid.text
        // Every pane of SPEC §7 at once.
        for part in ["Owner inbox", "Sitters (3)", "Messages · 王芳 (Fang Wang)", "● LIVE", "http://127.0.0.1:8080",
                     "received 0 · rejected 0", "demo token demo-0123456789abcdef", "? help", "q quit", "⚑ unassigned"] {
            #expect(text.contains(part), "missing \(part)")
        }
        for sitter in ["Maya Okafor", "田中 ゆき (Yuki)", "Diego Ramírez"] { #expect(text.contains(sitter)) }
    }

    @Test func escapeSequencesInBodiesAndNamesNeverReachTheGrid() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)  // sitters pane … back to the owner inbox list
        try Fixture.press(.backTab, &state, store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.down, &state, store)  // the thread whose body is all escapes
        #expect(state.selectedThread?.counterpartName.hasPrefix("Mallory") == true)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "escapes-120x40") { Issue.record("\(mismatch)") }
        for cell in grid.cells {
            for scalar in cell.text.unicodeScalars {
                #expect(scalar.value >= 0x20 && !(0x7F..<0xA0).contains(scalar.value), "control U+\(String(scalar.value, radix: 16))")
                #expect(!(0x202A...0x202E).contains(scalar.value) && !(0x200B...0x200F).contains(scalar.value))
            }
        }
        #expect(grid.text.contains("ALERT"))
        #expect(!grid.text.contains("pwned"), "an OSC title is dropped whole")
    }

    @Test func minimumSizeStillShowsEveryPane() async throws {
        let store = try await Fixture.makeStore()
        let state = try Fixture.state(store, size: ConsoleLayout.minimum)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "minimum-80x24") { Issue.record("\(mismatch)") }
        #expect(grid.text.contains("Owner inbox") && grid.text.contains("Sitters") && grid.text.contains("Messages"))
    }

    /// Issue 14, defect 6: at 80 columns, live or paused, the demo token is whole (a cut
    /// token fails every signature it is copied into); other segments shorten instead.
    @Test(arguments: [false, true])
    func theDemoTokenIsWholeAt80Columns(paused: Bool) async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store, size: ConsoleLayout.minimum)
        if paused {
            try Fixture.press(.character("p"), &state, store)
            state.pendingChanges = 128
        }
        let bar = render(state, size: state.size).lines[0]
        #expect(bar.contains("demo-0123456789abcdef"), "\(bar)")
        #expect(bar.contains(paused ? "❚❚ PAUSED 128" : "● LIVE"))
        #expect(bar.contains("127.0.0.1:8080"))
    }

    /// Issue 14, defect 8: at 80×24 the thread list has room for names (a narrower sitters
    /// pane, short tags), help wraps instead of cutting, a long notice takes a second line.
    @Test func at80x24NamesHelpAndNoticesAreWhole() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store, size: ConsoleLayout.minimum)
        var text = render(state, size: state.size).text
        for name in ["王芳 (Fang Wang)", "Diego Ramírez", "田中 ゆき (Yuki)"] { #expect(text.contains(name), "\(name) is cut") }
        try Fixture.press(.character("?"), &state, store)
        text = render(state, size: state.size).text
        #expect(text.contains("chats and internal notes.") && !text.contains("sitter ch…"), "help is wrapped, not cut")
        try Fixture.press(.escape, &state, store)
        try Fixture.send(
            .operatorFinished(Notice(.error, "This needs the webhook listener and outbound sender; restart without --no-listen so it can run.")),
            to: &state, store)
        let lines = render(state, size: state.size).lines
        #expect(lines[22].contains("This needs the webhook listener") && lines[23].contains("--no-listen so it can run."),
                "a long notice goes on a second line")
        #expect(!lines[22].contains("…"))
    }

    /// Issue 14: at 80×24 the message view still says the client opted out and each sent
    /// message's delivery status, even scrolled into a long reply (its header is pinned).
    @Test func optOutAndDeliveryStatusStayVisibleAt80x24() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store, size: ConsoleLayout.minimum)
        let fang = try #require(state.selectedThread)
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE client SET opted_out = 1 WHERE phone_e164 = '+15550401005'")
            _ = try AppDatabase.appendMessage(
                db, to: try #require(try MessageThread.fetchOne(db, key: fang.id)), direction: .outbound, actor: .owner,
                body: (1...60).map { "word\($0)" }.joined(separator: " "), providerMessageSid: "SMout1",
                at: Fixture.now.addingTimeInterval(-30), deliveryStatus: .delivered)
        }
        try Fixture.reload(&state, store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.enter, &state, store)
        for _ in 0..<3 { try Fixture.press(.character("k"), &state, store) }
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "opt-out-80x24") { Issue.record("\(mismatch)") }
        let pane = grid.lines.map { String($0.suffix(27)) }
        #expect(pane.contains { $0.contains("OPTED OUT (STOP)") })
        #expect(pane.contains { $0.contains("▲ ▶ delivered · Owner") }, "the pinned header leads with the status")
    }

    @Test func belowMinimumSaysTheSizeNeeded() async throws {
        let store = try await Fixture.makeStore()
        let state = try Fixture.state(store, size: Size(width: 40, height: 10))
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "too-small-40x10") { Issue.record("\(mismatch)") }
        #expect(grid.lines[0].hasPrefix("Need 80×24 (now 40×10) · q quits"))
        #expect(grid.lines.dropFirst().allSatisfy { $0.allSatisfy { $0 == " " } })
    }

    @Test func helpOverlayDescribesTheFocusedPane() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("?"), &state, store)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "help-sitters") { Issue.record("\(mismatch)") }
        #expect(grid.text.contains("Help · Sitters"))
        #expect(grid.text.contains("text YES / NO as this sitter"))
    }

    @Test func tierTableHasEverySitterAndAChart() async throws {
        let store = try await Fixture.makeStore()
        try await store.recomputeAllMetrics(orgId: 1)
        var state = try Fixture.state(store)
        try Fixture.press(.character("t"), &state, store)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "tiers") { Issue.record("\(mismatch)") }
        #expect(grid.text.contains("MEDIAN REPLY"))
        #expect(grid.text.contains("Median reply time"))
        #expect(grid.text.contains("█"), "Maya answered Zoë: her bar is drawn")
    }

    @Test func unroutedViewListsTextsToUnknownNumbers() async throws {
        let store = try await Fixture.makeStore()
        try await Fixture.addUnrouted(store, from: "+15559990001", to: "+15550000000", body: "wrong number? \u{1b}[5m")
        var state = try Fixture.state(store)
        try Fixture.press(.character("u"), &state, store)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "unrouted") { Issue.record("\(mismatch)") }
        #expect(grid.text.contains("+15559990001"))
        #expect(grid.text.contains("wrong number?"))
    }

    /// Issue 14, defect 7: the unrouted view scrolls through every unrouted text, and the
    /// main screen says they arrived.
    @Test func unroutedScrollsAndTheMainScreenHasABadge() async throws {
        let store = try await Fixture.makeStore()
        for index in 1...50 {
            try await Fixture.addUnrouted(store, from: "+1555999\(String(format: "%04d", index))", to: "+15550000000", body: "stray \(index)")
        }
        var state = try Fixture.state(store)
        #expect(render(state, size: state.size).lines[0].contains("⚠ 50 unrouted"))
        try Fixture.press(.character("u"), &state, store)
        let rows = state.unroutedRows
        #expect(state.data.unrouted.count == rows && rows < 50)
        #expect(state.data.unrouted.first?.body == "stray 50")
        var text = render(state, size: state.size).text
        #expect(text.contains("1–\(rows) of 50 · j/k scroll"))
        // j/k move the selection (what r routes); the page follows it past its edge.
        try Fixture.press(.character("j"), &state, store)
        #expect(state.webhookViews.unroutedCursor == 1 && state.data.unrouted.first?.body == "stray 50")
        try Fixture.press(.character("G"), &state, store)
        #expect(state.data.unrouted.last?.body == "stray 1", "the oldest is reachable")
        #expect(state.webhookViews.unroutedCursor == rows - 1)
        text = render(state, size: state.size).text
        #expect(text.contains("\(50 - rows + 1)–50 of 50"))
        try Fixture.press(.pageUp, &state, store)
        #expect(state.webhookViews.unroutedCursor == 0 && state.unroutedScroll == 50 - rows)
        try Fixture.press(.character("k"), &state, store)
        #expect(state.unroutedScroll == 50 - rows - 1 && state.data.unrouted.first?.body == "stray \(rows + 1)")
    }

    @Test func assignPickerAndReplyPromptDraw() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("a"), &state, store)
        var grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "assign-picker") { Issue.record("\(mismatch)") }
        #expect(grid.text.contains("Assign 王芳 (Fang Wang) to"))
        try Fixture.press(.escape, &state, store)
        try Fixture.press(.character("r"), &state, store)
        for character in "On it 🐾" { try Fixture.press(.character(character), &state, store) }
        grid = render(state, size: state.size)
        #expect(grid.lines[38].hasPrefix("Reply to 王芳 (Fang Wang): On it 🐾▏"))
    }

    /// Issue 10, defect 7: after `O` the status bar names the other org and the panes show its inbox.
    @Test func secondOrgAfterOShowsItsNameAndInbox() async throws {
        let store = try await Fixture.makeStore(secondOrg: true)
        var state = try Fixture.state(store)
        #expect(render(state, size: state.size).lines[0].hasPrefix(" Pawsitive Test Co. 1/2 │"))
        try Fixture.press(.character("O"), &state, store)
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "second-org-120x40") { Issue.record("\(mismatch)") }
        #expect(grid.lines[0].hasPrefix(" Harbor Hounds 2/2 │"), "the status bar names the org shown")
        #expect(grid.lines[0].contains("demo token demo-0123456789abcdef"), "and still fits the demo token at 120 columns")
        for part in ["Sitters (1)", "Sam Lee", "Olu Adeyemi", "Is Friday's harbor walk still on?"] {
            #expect(grid.text.contains(part), "missing \(part)")
        }
        for other in ["Maya Okafor", "王芳 (Fang Wang)"] { #expect(!grid.text.contains(other), "\(other) is of the other org") }
    }

    /// Issue 14, defect 5: paused, `j`/`k` move through the threads on screen without new
    /// ones appearing, and the count is of texts that arrived, not of commits (a rejected
    /// webhook is not a text).
    @Test func pausedListStaysAndCountsOnlyArrivedTexts() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.enter, &state, store)
        let before = state.data.threads.map(\.id)
        try Fixture.press(.character("p"), &state, store)
        let mallory = before[1]
        try await ReducerTests.clientTexts(1...2, to: mallory, in: store)
        try await store.writer.write { db in
            try AppDatabase.recordRefusal(
                db, path: "/api/twilio/inbound", body: Array("forged".utf8),
                headers: ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil), verdict: .rejectedSignature,
                statusCode: 403, reason: "bad signature", at: Fixture.now)
        }
        for _ in 0..<3 { try Fixture.send(.databaseChanged, to: &state, store) }
        var grid = render(state, size: state.size)
        #expect(grid.lines[0].contains("❚❚ PAUSED (2 new texts)"))
        #expect(!grid.lines[0].contains("LIVE"))
        #expect(state.data.threads.map(\.id) == before, "the list on screen stays")
        try Fixture.press(.character("j"), &state, store)
        #expect(state.data.threads.map(\.id) == before, "moving does not bring the new order in")
        #expect(state.selectedThreadId == before[1] && state.selectedIndex == 1)
        #expect(state.data.messages.last?.body == "message 2", "the thread read is the one selected")
        try Fixture.press(.character("G"), &state, store)
        #expect(state.selectedThreadId == before.last && state.data.threads.map(\.id) == before)
        try Fixture.press(.character("p"), &state, store)
        #expect(state.notice?.text == "Live again: showing 2 texts that arrived while paused.")
        try Fixture.press(.character("g"), &state, store)
        #expect(state.data.threads.first?.id == mallory, "live again: the thread that got the texts is first")
        grid = render(state, size: state.size)
        #expect(grid.lines[0].contains("● LIVE"))
    }
}

/// Issue 10: a client's photo (MMS) shows under its message as `📎 type URL`, sanitised and
/// whole, however long the address.
@Suite struct MediaLineTests {
    @Test func photosShowAsLinesUnderTheirMessage() async throws {
        let store = try await Fixture.makeStore()
        let url = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME" + String(repeating: "9", count: 120)
        let sms = InboundSMS(
            sid: "MM1", from: "+15550401005", to: "+15550100100", body: "",
            media: [MediaItem(url: url, contentType: "image/jpeg"), MediaItem(url: "https://x.test/a\u{1B}[2Jb", contentType: "video/mp4")])
        _ = try await store.ingest(
            sms, received: ReceivedWebhook(path: "/api/twilio/inbound", rawBody: "", headers: ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil)),
            answer: { WebhookAnswer(statusCode: 200, body: "", verdict: $0.verdict) })
        let state = try Fixture.state(store)
        #expect(state.selectedThread?.counterpartName == "王芳 (Fang Wang)")
        let text = render(state, size: state.size).text
        #expect(text.contains("📎 image/jpeg"))
        #expect(text.contains("https://api.twilio.com/2010-04-01/Accounts/AC01"))
        // The address is wrapped, never cut: all of its digits are on screen.
        #expect(text.filter { $0 == "9" }.count >= 120)
        #expect(text.contains("📎 video/mp4 https://x.test/a"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B })
    }
}
