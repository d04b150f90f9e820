import Foundation
import GRDB
import SwitchboardConsole
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Every action through the reducer, against the fixture database (the reads the event
/// loop would make follow each `.reload`).
@Suite struct ReducerTests {
    @Test func startsOnTheOwnerInboxWithTheNewestThreadSelected() async throws {
        let store = try await Fixture.makeStore()
        let state = try Fixture.state(store)
        #expect(state.focus == .owner)
        #expect(state.mailbox == .owner)
        #expect(state.selectedThread?.counterpartName == "王芳 (Fang Wang)")
        #expect(state.data.ownerUnassigned == 2)
        #expect(state.data.sitters.map(\.name) == ["Diego Ramírez", "Maya Okafor", "田中 ゆき (Yuki)"])
    }

    @Test func tabCyclesPanesAndShiftTabGoesBack() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        var seen: [Pane] = []
        for _ in 0..<4 {
            try Fixture.press(.tab, &state, store)
            seen.append(state.focus)
        }
        #expect(seen == [.sitters, .threads, .messages, .owner])
        try Fixture.press(.backTab, &state, store)
        #expect(state.focus == .messages)
    }

    @Test func movingInTheSittersPaneShowsThatSittersMailbox() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)
        #expect(state.mailbox == .sitter(state.data.sitters[0].id))
        try Fixture.press(.character("j"), &state, store)
        #expect(state.cursorSitter?.name == "Maya Okafor")
        #expect(state.data.threads.map(\.counterpartName) == ["Zoë Whitfield"])
        try Fixture.press(.character("G"), &state, store)
        #expect(state.cursorSitter?.name == "田中 ゆき (Yuki)")
        try Fixture.press(.character("g"), &state, store)
        #expect(state.cursorSitter?.name == "Diego Ramírez")
        try Fixture.press(.character("k"), &state, store)
        #expect(state.sitterCursor == 0, "clamped at the top")
    }

    /// Only the sitters pane's visible rows are read: moving past them reads the next rows
    /// and shows the mailbox of the sitter the cursor lands on.
    @Test func theSittersPaneReadsOnlyItsVisibleRows() async throws {
        let store = try await Fixture.makeStore()
        try await store.writer.write { db in
            let orgId = try #require(try AppDatabase.primaryOrg(db)?.id)
            for index in 1...40 {
                var sitter = Sitter(orgId: orgId, name: String(format: "Zed %02d", index), phoneE164: "+1555070\(1000 + index)")
                try sitter.insert(db)
            }
        }
        var state = try Fixture.state(store)
        let rows = try #require(state.layout?.sitterRows)
        #expect(state.data.sitterCount == 43)
        #expect(state.data.sitters.count == rows, "one page, not every sitter")
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("G"), &state, store)
        #expect(state.sitterCursor == 42)
        #expect(state.data.sitterOffset == 43 - rows)
        #expect(state.cursorSitter?.name == "田中 ゆき (Yuki)", "last by name")
        #expect(state.mailbox == .sitter(try #require(state.cursorSitter?.id)), "the thread list follows the cursor")
        #expect(state.data.mailboxSitterName == "田中 ゆき (Yuki)")
        var text = render(state, size: state.size).text
        #expect(text.contains("Zed 40") && text.contains("43/43") && !text.contains("Diego Ramírez"))

        try Fixture.press(.character("g"), &state, store)
        #expect(state.data.sitterOffset == 0 && state.cursorSitter?.name == "Diego Ramírez")
        for _ in 0..<rows { try Fixture.press(.character("j"), &state, store) }
        #expect(state.sitterCursor == rows)
        #expect(state.data.sitterOffset == 1, "one row further down")
        #expect(state.mailbox == .sitter(try #require(state.cursorSitter?.id)))
        text = render(state, size: state.size).text
        #expect(!text.contains("Diego Ramírez"), "scrolled past the first sitter")

        // The tier table, too, reads one page and scrolls.
        try Fixture.press(.character("t"), &state, store)
        let tierRows = try #require(state.layout?.tierRows)
        #expect(state.data.tiers.count == tierRows && state.data.tierOffset == 0)
        #expect(render(state, size: state.size).text.contains("1–\(tierRows) of 43 · j/k scroll"))
        try Fixture.press(.character("j"), &state, store)
        #expect(state.data.tierOffset == 1 && state.data.tiers.first?.sitter.name == "Maya Okafor")
        try Fixture.press(.character("G"), &state, store)
        #expect(state.data.tierOffset == 43 - tierRows && state.data.tiers.last?.sitter.name == "田中 ゆき (Yuki)")
        #expect(try Fixture.press(.character("j"), &state, store) == [], "at the end")
        try Fixture.press(.pageUp, &state, store)
        #expect(state.data.tierOffset == 43 - 2 * tierRows)
        try Fixture.press(.character("t"), &state, store)

        // The assign picker still offers every sitter.
        try Fixture.press(.backTab, &state, store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.character("a"), &state, store)
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        #expect(picker.options.count == 44)
    }

    @Test func movingInTheThreadListSelectsByPosition() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.enter, &state, store)
        #expect(state.focus == .threads)
        try Fixture.press(.down, &state, store)
        #expect(state.selectedIndex == 1)
        try Fixture.press(.character("G"), &state, store)
        #expect(state.selectedThread?.thread.scope == .internal)
        try Fixture.press(.character("j"), &state, store)
        #expect(state.selectedIndex == state.data.threadCount - 1, "clamped at the bottom")
        try Fixture.press(.pageUp, &state, store)
        #expect(state.selectedIndex == 0)
        try Fixture.press(.pageDown, &state, store)
        #expect(state.selectedIndex == state.data.threadCount - 1)
    }

    @Test func openingAThreadFocusesMessagesAndMarksItRead() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.enter, &state, store)
        let effects = try Fixture.press(.enter, &state, store)
        #expect(state.focus == .messages)
        #expect(effects == [.markRead(threadId: state.selectedThreadId!)])
        #expect(state.data.messages.map(\.body) == ["Hi 🐶 can you walk Mochi on Tuesday? 你好，谢谢！"])
    }

    @Test func selectionStaysOnTheSameThreadWhenOthersArriveAndArrivalsAreMarked() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.down, &state, store)
        let selected = try #require(state.selectedThreadId)
        #expect(state.selectedIndex == 1)

        // A text arrives on the Diego thread (further down): it jumps to the top.
        let diegoThread = try #require(state.data.threads.first { $0.thread.scope == .ownerSitter })
        try await store.writer.write { db in
            _ = try AppDatabase.appendMessage(
                db, to: diegoThread.thread, direction: .inbound, actor: .sitter, body: "Here now.",
                providerMessageSid: "SMnew", at: Fixture.now.addingTimeInterval(1))
        }
        try Fixture.send(.databaseChanged, to: &state, store)
        #expect(state.selectedThreadId == selected, "the selection follows the thread, not the row")
        #expect(state.selectedIndex == 2)
        #expect(state.data.threads.first?.id == diegoThread.id)
        #expect(state.newArrivals == [diegoThread.id])
        let text = render(state, size: state.size).text
        #expect(text.contains("NEW sitter chat"))
    }

    /// In the message pane j/k scroll the thread (not the thread list) by line, as a pager:
    /// a page, the thread's first line and its newest. Each "message N" takes three lines
    /// (header, body, blank).
    @Test func theMessagePaneScrollsALongThread() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        try await Self.clientTexts(1...60, to: fang.id, in: store)
        try Fixture.reload(&state, store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.enter, &state, store)
        #expect(state.focus == .messages)
        #expect(state.data.messages.last?.body == "message 60")
        #expect(render(state, size: state.size).text.contains("▲ older messages"))
        #expect(try Fixture.press(.character("j"), &state, store) == [], "already at the newest")

        try Fixture.press(.character("k"), &state, store)
        #expect(state.selectedThreadId == fang.id, "the selection stays on its thread")
        #expect(state.messageSkip == 0 && state.messageLineSkip == 1, "one line back")
        #expect(render(state, size: state.size).text.contains("▼ more below"))
        try Fixture.press(.character("k"), &state, store)
        try Fixture.press(.character("k"), &state, store)
        #expect(state.messageSkip == 1 && state.messageLineSkip == 0, "three lines: a message back")
        #expect(state.data.messages.last?.body == "message 59")
        #expect(render(state, size: state.size).text.contains("▼ 1 newer"))

        // Texts that arrive while scrolled back do not move what is on screen.
        try await Self.clientTexts(61...63, to: fang.id, in: store)
        try Fixture.send(.databaseChanged, to: &state, store)
        #expect(state.data.messages.last?.body == "message 59", "the view stays where it was")
        #expect(state.messageSkip == 4)
        #expect(render(state, size: state.size).text.contains("▼ 4 newer"))
        try Fixture.press(.character("j"), &state, store)
        #expect(state.data.messages.last?.body == "message 60" && state.messageLineSkip == 2, "message 60's header shows")
        try Fixture.press(.character("j"), &state, store)
        try Fixture.press(.character("j"), &state, store)
        #expect(state.messageSkip == 3 && state.messageLineSkip == 0)
        for _ in 0..<3 { try Fixture.press(.character("k"), &state, store) }
        #expect(state.messageSkip == 4 && state.data.messages.last?.body == "message 59")
        for _ in 0..<9 { try Fixture.press(.character("j"), &state, store) }
        #expect(state.messageSkip == 1 && state.messageLineSkip == 0)

        // A page is a screenful less a line, both ways.
        let page = try #require(state.layout).messages.inner.height - 3 - 1
        try Fixture.press(.pageUp, &state, store)
        #expect(state.messageSkip * 3 + state.messageLineSkip == 3 + page)
        #expect(state.data.messages.last?.body == "message \(63 - state.messageSkip)")
        try Fixture.press(.pageDown, &state, store)
        #expect(state.messageSkip == 1 && state.messageLineSkip == 0)

        try Fixture.press(.character("g"), &state, store)
        #expect(state.data.messages.first?.body == "Hi 🐶 can you walk Mochi on Tuesday? 你好，谢谢！")
        let start = render(state, size: state.size).text
        #expect(start.contains("Hi 🐶 can you walk Mochi"), "the first message is on screen, whole")
        #expect(!start.contains("▲"), "nothing above the first line")
        #expect(try Fixture.press(.character("k"), &state, store) == [], "nothing before the first message")

        try Fixture.press(.character("G"), &state, store)
        #expect(state.messageSkip == 0 && state.messageLineSkip == 0)
        #expect(state.data.messages.last?.body == "message 63")

        // Another thread starts at its newest message.
        try Fixture.press(.character("k"), &state, store)
        try Fixture.press(.backTab, &state, store)
        try Fixture.press(.character("j"), &state, store)
        #expect(state.messageSkip == 0 && state.data.messageSkip == 0 && state.messageLineSkip == 0)
    }

    /// Issue 14, defect 3: a 1,600-character SMS taller than the pane reads from its first
    /// line, its header kept visible while scrolling through it, ▲/▼ only when true.
    @Test func aMessageTallerThanThePaneReadsLineByLineFromItsStart() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        let words = (1...200).map { "w\($0)" }.joined(separator: " ")  // 1,600 characters or so
        let long = String((words + " " + words).prefix(1600))
        try await store.writer.write { db in
            _ = try AppDatabase.appendMessage(
                db, to: try #require(try MessageThread.fetchOne(db, key: fang.id)), direction: .inbound, actor: .client,
                body: long, providerMessageSid: "SMlong1600", at: Fixture.now.addingTimeInterval(-10))
        }
        try Fixture.reload(&state, store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.enter, &state, store)
        let layout = try #require(state.layout)
        let area = layout.messages.inner.height - 3
        var text = render(state, size: state.size).text
        #expect(text.contains("▲ ◀ 王芳 (Fang Wang) · 10s"), "the cut message's header stays above the view")
        #expect(!text.contains("▼"), "nothing below the newest line")
        // Line by line up to the message's first line.
        try Fixture.press(.character("k"), &state, store)
        #expect(state.messageLineSkip == 1)
        #expect(render(state, size: state.size).text.contains("▼ more below"))
        try Fixture.press(.character("g"), &state, store)
        text = render(state, size: state.size).text
        #expect(text.contains("Hi 🐶 can you walk Mochi"), "the thread's first message is at the top")
        #expect(!text.contains("▲"))
        // Page down to the long message: its header and first words come into view.
        for _ in 0..<40 where !render(state, size: state.size).text.contains("w1 w2 w3") {
            try Fixture.press(.character("j"), &state, store)
        }
        text = render(state, size: state.size).text
        #expect(text.contains("w1 w2 w3"), "the long message's first line is readable")
        #expect(text.contains("◀ 王芳 (Fang Wang) · 10s"))
        let paneTop = layout.messages.y + 1
        #expect(area > 10)
        for _ in 0..<5 { try Fixture.press(.character("j"), &state, store) }
        let grid = render(state, size: state.size)
        #expect(grid.lines[paneTop + 1].contains("▲ ◀ 王芳 (Fang Wang) · 10s"), "mid-message: its header is pinned")
        #expect(grid.text.contains("▼ more below"))
        if let mismatch = try snapshotMismatch(grid, named: "pager-long-message") { Issue.record("\(mismatch)") }
        try Fixture.press(.character("G"), &state, store)
        #expect(!render(state, size: state.size).text.contains("▼"))
    }

    /// Texts "message N" from the client of a thread, a second apart.
    static func clientTexts(_ numbers: ClosedRange<Int>, to threadId: RowID, in store: AppDatabase) async throws {
        try await store.writer.write { db in
            for index in numbers {
                _ = try AppDatabase.appendMessage(
                    db, to: try #require(try MessageThread.fetchOne(db, key: threadId)), direction: .inbound,
                    actor: .client, body: "message \(index)", providerMessageSid: "SMlong\(index)",
                    at: Fixture.now.addingTimeInterval(Double(index)))
            }
        }
    }

    @Test func pauseHoldsLiveUpdatesUntilResumed() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(try Fixture.press(.character("p"), &state, store) == [])
        #expect(state.paused)
        let threads = state.data.threads
        try await Self.clientTexts(1...1, to: threads[2].id, in: store)
        // Paused, a change is read only to count what arrived: the list stays.
        #expect(try Fixture.send(.databaseChanged, to: &state, store) == [.reload])
        #expect(state.pendingChanges == 1 && state.data.threads == threads)
        #expect(try Fixture.press(.character("p"), &state, store) == [.reload])
        #expect(state.data.threads.first?.id == threads[2].id)
        #expect(!state.paused && state.pendingChanges == 0)
        #expect(state.reduce(.databaseChanged) == [.reload])
    }

    @Test func searchFiltersTheMailboxAndEscapeClearsIt() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("/"), &state, store)
        for character in "late" { try Fixture.press(.character(character), &state, store) }
        try Fixture.press(.character("x"), &state, store)
        try Fixture.press(.backspace, &state, store)
        #expect(state.prompt == .search("late"))
        try Fixture.press(.enter, &state, store)
        #expect(state.search == "late")
        #expect(state.focus == .threads)
        #expect(state.data.threads.map(\.counterpartName) == ["Diego Ramírez"])
        try Fixture.press(.escape, &state, store)
        #expect(state.search == nil)
        #expect(state.data.threadCount == 4)
    }

    @Test func replyPromptSendsTheTypedText() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let thread = try #require(state.selectedThreadId)
        try Fixture.press(.character("r"), &state, store)
        for character in "Yes! 🐾" { try Fixture.press(.character(character), &state, store) }
        let effects = try Fixture.press(.enter, &state, store)
        #expect(effects == [.reply(threadId: thread, body: "Yes! 🐾")])
        #expect(state.prompt == nil)
        // An empty reply sends nothing.
        try Fixture.press(.character("r"), &state, store)
        #expect(try Fixture.press(.enter, &state, store) == [])
        // Escape abandons a reply.
        try Fixture.press(.character("r"), &state, store)
        try Fixture.press(.character("x"), &state, store)
        try Fixture.press(.escape, &state, store)
        #expect(state.prompt == nil)
    }

    @Test func assignPicksASitterAndTheThreadMovesMailboxes() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let thread = try #require(state.selectedThread)
        try Fixture.press(.character("a"), &state, store)
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        #expect(picker.options.map(\.label) == ["Owner inbox (unassigned)", "Diego Ramírez", "Maya Okafor", "田中 ゆき (Yuki)"])
        try Fixture.press(.character("j"), &state, store)
        try Fixture.press(.character("j"), &state, store)
        let maya = state.data.sitters[1].id
        let effects = try Fixture.press(.enter, &state, store)
        #expect(effects == [.assign(threadId: thread.id, sitterId: maya)])
        #expect(state.overlay == nil)
        // The runner calls the store; the thread leaves the owner inbox at once.
        _ = try await store.assignThread(thread.id, to: maya)
        try Fixture.send(.databaseChanged, to: &state, store)
        #expect(!state.data.threads.contains { $0.id == thread.id })
        #expect(state.data.sitters[1].unread == 1)
    }

    @Test func assignRefusesThreadsThatAreNotClientThreads() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.character("G"), &state, store)  // the internal thread
        #expect(try Fixture.press(.character("a"), &state, store) == [])
        #expect(state.overlay == nil)
        #expect(state.notice?.kind == .error)
    }

    @Test func offerPicksAnOpenBookingForTheSitterUnderTheCursor() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)  // Diego
        try Fixture.press(.character("o"), &state, store)
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        #expect(picker.title == "Offer a booking to Diego Ramírez")
        let starts = DayTime.text(Fixture.now.addingTimeInterval(2 * 86_400), timeZone: state.data.timeZone)
        #expect(picker.options.map(\.label) == ["B1050  \(starts) · Cat visit · 王芳 (Fang Wang)"])
        #expect(try Fixture.press(.enter, &state, store) == [], "nothing is texted before the question is answered")
        #expect(state.confirmation?.question == "Offer B1050 (Cat visit, \(starts)) to Diego Ramírez?")
        #expect(render(state, size: state.size).lines[38].hasPrefix("Offer B1050 (Cat visit, \(starts)) to Diego Ramírez? y/n"))
        let effects = try Fixture.press(.character("y"), &state, store)
        #expect(effects == [.offer(bookingId: picker.options[0].id!, sitterId: state.data.sitters[0].id)])
    }

    @Test func yesAndNoSimulateTheSitterUnderTheCursor() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("G"), &state, store)
        let yuki = state.data.sitters[2]
        #expect(yuki.pendingOffers == 1)
        // One pending offer: no picker, a question naming the sitter and the booking.
        #expect(try Fixture.press(.character("y"), &state, store) == [.reload], "a read of the pending offers, nothing texted")
        let starts = DayTime.text(Fixture.now.addingTimeInterval(2 * 86_400), timeZone: state.data.timeZone)
        #expect(state.confirmation?.question == "YES as 田中 ゆき (Yuki) for B1050 (Cat visit, \(starts))?")
        #expect(try Fixture.press(.character("y"), &state, store) == [.simulateAnswer(sitterId: yuki.id, accept: true, code: "B1050")])
        try Fixture.press(.character("n"), &state, store)
        #expect(state.confirmation?.question.hasPrefix("NO as 田中 ゆき (Yuki) for B1050") == true)
        #expect(try Fixture.press(.character("n"), &state, store) == [], "n declines the question")
        #expect(state.confirmation == nil && state.notice?.text == "Nothing sent.")
        // The listener's answer comes back as an event and lands in the status area.
        let answer = Notice(.success, "YES → 200 <Response><Message>Booking B1050 is yours.</Message></Response>")
        try Fixture.send(.operatorFinished(answer), to: &state, store)
        #expect(render(state, size: state.size).lines[38].contains("Booking B1050 is yours."))
    }

    /// Issue 14, defect 1: with Diego's sitter chat on screen and the (unfocused) sitters
    /// cursor on Yuki, `y` and `o` are about Diego, and say so before anything happens.
    @Test func yesNoAndOfferActOnTheSitterInViewNotAHiddenCursor() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("G"), &state, store)  // the sitters cursor on Yuki
        try Fixture.press(.backTab, &state, store)  // back to the owner inbox
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.character("j"), &state, store)
        try Fixture.press(.character("j"), &state, store)
        #expect(state.selectedThread?.counterpartName == "Diego Ramírez", "Diego's sitter chat is on screen")
        let diego = try #require(state.selectedThread?.thread.assignedSitterId)
        #expect(try Fixture.press(.character("y"), &state, store) == [.reload])
        #expect(state.confirmation?.question == "YES as Diego Ramírez, who has no pending offer?")
        #expect(render(state, size: state.size).lines[38].hasPrefix("YES as Diego Ramírez, who has no pending offer? y/n"))
        #expect(try Fixture.press(.character("y"), &state, store) == [.simulateAnswer(sitterId: diego, accept: true, code: nil)])
        try Fixture.press(.character("o"), &state, store)
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        #expect(picker.title == "Offer a booking to Diego Ramírez")
    }

    @Test func withNoSitterInViewYesAndOfferSaySoAndDoNothing() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.enter, &state, store)  // Fang's unassigned thread
        for key in ["y", "n", "o"] {
            #expect(try Fixture.press(.character(Character(key)), &state, store) == [])
            #expect(state.overlay == nil && state.confirmation == nil)
            #expect(state.notice?.kind == .error && state.notice?.text.hasPrefix("No sitter in view") == true)
        }
    }

    /// Issue 14, defect 2: several pending offers open a picker of their codes with the
    /// bookings' times; the chosen code is named in the question and sent with the answer.
    @Test func severalPendingOffersOpenAPickerOfCodesWithTimes() async throws {
        let store = try await Fixture.makeStore()
        let yukiId = try await Fixture.addPendingOffer(store, code: "B1060", sitter: "田中 ゆき (Yuki)", startsIn: 3 * 86_400)
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("G"), &state, store)
        #expect(try Fixture.press(.character("n"), &state, store) == [.reload])
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        #expect(picker.title == "Text NO as 田中 ゆき (Yuki) for which offer?")
        let zone = state.data.timeZone
        let b1050 = DayTime.span(
            from: Fixture.now.addingTimeInterval(2 * 86_400), to: Fixture.now.addingTimeInterval(2 * 86_400 + 3600), timeZone: zone)
        let b1060 = DayTime.span(
            from: Fixture.now.addingTimeInterval(3 * 86_400), to: Fixture.now.addingTimeInterval(3 * 86_400 + 3600), timeZone: zone)
        #expect(picker.options.map(\.label) == [
            "B1050  \(b1050) · Cat visit · 王芳 (Fang Wang)", "B1060  \(b1060) · Dog walk · Zoë Whitfield",
        ])
        let grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "answer-picker") { Issue.record("\(mismatch)") }
        try Fixture.press(.character("j"), &state, store)
        #expect(try Fixture.press(.enter, &state, store) == [])
        #expect(state.confirmation?.question.hasPrefix("NO as 田中 ゆき (Yuki) for B1060 (Dog walk") == true)
        #expect(try Fixture.press(.character("y"), &state, store) == [.simulateAnswer(sitterId: yukiId, accept: false, code: "B1060")])
    }

    @Test func overlaysToggleAndEscapeCloses() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(try Fixture.press(.character("t"), &state, store) == [.reload])
        #expect(state.overlay == .tiers && state.data.tiers.count == 3)
        try Fixture.press(.character("t"), &state, store)
        #expect(state.overlay == nil)
        try Fixture.press(.character("u"), &state, store)
        #expect(state.overlay == .unrouted)
        try Fixture.press(.escape, &state, store)
        #expect(state.overlay == nil)
        try Fixture.press(.character("?"), &state, store)
        #expect(state.overlay == .help(.owner))
        try Fixture.press(.tab, &state, store)
        #expect(state.overlay == .help(.sitters), "help follows the focused pane")
        try Fixture.press(.character("?"), &state, store)
        #expect(state.overlay == nil)
    }

    @Test func quitStopsTheLoopFromAnyMode() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("t"), &state, store)
        #expect(try Fixture.press(.character("q"), &state, store) == [.quit])
        #expect(!state.isRunning)
        var small = try Fixture.state(store, size: Size(width: 40, height: 10))
        #expect(try Fixture.press(.character("q"), &small, store) == [.quit])
    }

    @Test func resizeRelaysOutAndReloadsTheVisibleRows() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(try Fixture.send(.resized(Size(width: 40, height: 10)), to: &state, store) == [.reload])
        #expect(state.isTooSmall)
        try Fixture.send(.resized(Size(width: 120, height: 40)), to: &state, store)
        #expect(!state.isTooSmall)
        #expect(state.viewQuery.threadRows == state.layout!.threadRows)
    }

    @Test func operatorErrorsShowAsErrorNotices() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.send(.operatorFinished(Notice(.error, "+15550401005 has opted out")), to: &state, store)
        #expect(state.notice == Notice(.error, "+15550401005 has opted out"))
        try Fixture.press(.escape, &state, store)
        #expect(state.notice == nil)
    }

    /// Issue 10, defect 7: a second org imported into the same database was never shown.
    @Test func oWalksThroughEveryOrgAndEveryReadIsOfTheOrgShown() async throws {
        let store = try await Fixture.makeStore(secondOrg: true)
        var state = try Fixture.state(store)
        #expect(state.data.orgs.map(\.name) == ["Pawsitive Test Co.", "Harbor Hounds"])
        try #require(state.data.orgs.count == 2)
        #expect(state.data.orgName == "Pawsitive Test Co.", "the console opens the first org")
        #expect(state.orgId == state.data.orgs[0].id)
        try Fixture.press(.tab, &state, store)  // the sitters pane, on a sitter of the first org
        try Fixture.press(.character("t"), &state, store)
        #expect(try Fixture.press(.character("O"), &state, store) == [.reload])
        #expect(state.orgId == state.data.orgs[1].id)
        #expect(state.data.orgName == "Harbor Hounds")
        #expect(state.focus == .owner && state.mailbox == .owner, "the other org's owner inbox")
        #expect(state.data.threads.map(\.counterpartName) == ["Olu Adeyemi"])
        #expect(state.data.sitters.map(\.name) == ["Sam Lee"])
        #expect(state.overlay == .tiers && state.data.tiers.map(\.sitter.name) == ["Sam Lee"], "the tier table of the org shown")
        #expect(state.notice == Notice(.info, "Showing Harbor Hounds (org 2 of 2); O switches again."))
        try Fixture.press(.escape, &state, store)
        try Fixture.send(.databaseChanged, to: &state, store)
        #expect(state.data.orgName == "Harbor Hounds", "a live reload stays on the org shown")
        try Fixture.press(.character("O"), &state, store)
        #expect(state.data.orgName == "Pawsitive Test Co.", "after the last org, the first again")
        #expect(state.data.threads.first?.counterpartName == "王芳 (Fang Wang)")
    }

    @Test func oWithOneOrgSaysHowToAddAnother() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(try Fixture.press(.character("O"), &state, store) == [])
        #expect(state.notice?.text.contains("switchboard import FILE") == true)
        #expect(state.data.orgName == "Pawsitive Test Co.")
    }

    /// The screen's read is bounded by what is visible, not by the database.
    @Test func theViewQueryAsksOnlyForVisibleRows() async throws {
        let store = try await Fixture.makeStore()
        let state = try Fixture.state(store, size: ConsoleLayout.minimum)
        let query = state.viewQuery
        #expect(query.threadRows == state.layout!.threadRows)
        #expect(query.sitterRows == state.layout!.sitterRows)
        #expect(query.messageCount == state.layout!.messages.inner.height)
        #expect(query.unroutedRows == 0 && query.openBookingRows == 0 && query.tierRows == 0)
    }
}

/// Issue 14, defect 9: booking times in the console are in the org's time zone, not UTC
/// nor the machine's.
@Suite struct OrgTimeZoneTests {
    @Test func pickersShowBookingTimesInTheOrgsZone() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        #expect(state.data.timeZone.identifier == "America/Chicago")
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("o"), &state, store)
        guard case .picker(let picker) = state.overlay else { Issue.record("no picker"); return }
        // Fixture.now is 2027-01-15 08:00 UTC; B1050 starts two days later: 02:00 in Chicago.
        #expect(picker.options.first?.label.hasPrefix("B1050  Jan 17 02:00 · Cat visit") == true, "\(picker.options)")
    }
}
