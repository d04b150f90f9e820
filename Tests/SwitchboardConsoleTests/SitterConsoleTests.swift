import Foundation
import GRDB
import SwitchboardConsole
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// `console --sitter`: her mailbox, her offers, her tier, and nothing of anyone else's, by
/// the queries themselves, the keys and the actions.
@Suite struct SitterConsoleTests {
    static func viewer(_ store: AppDatabase, _ name: String) throws -> Viewer {
        let sitter = try store.read { try $0.sitter(named: name) }
        return .sitter(id: sitter.id!, name: sitter.name)
    }

    @Test func aSitterIsFoundByIdWholeNameOrAPartThatNamesOnlyHer() async throws {
        let store = try await Fixture.makeStore()
        let maya = try store.read { try $0.sitter(named: "maya") }
        #expect(maya.name == "Maya Okafor")
        #expect(try store.read { try $0.sitter(named: "MAYA OKAFOR") }.id == maya.id)
        #expect(try store.read { try $0.sitter(named: "\(maya.id!)") }.id == maya.id)
        #expect(try store.read { try $0.sitter(named: "yuki") }.name == "田中 ゆき (Yuki)")
        // A part that names two, and a name that names none, say who the sitters are.
        let ambiguous = #expect(throws: StoreError.self) { try store.read { try $0.sitter(named: "a") } }
        #expect(ambiguous?.message.contains("names 2 sitters: Diego Ramírez") == true)
        let unknown = #expect(throws: StoreError.self) { try store.read { try $0.sitter(named: "Zed") } }
        #expect(unknown?.message.contains("no sitter is named “Zed”; the sitters are Diego Ramírez") == true)
    }

    @Test func aSittersScreenReadsOnlyHerMailboxEvenWhenAskedForMore() async throws {
        let store = try await Fixture.makeStore(secondOrg: true)
        try await Fixture.addUnrouted(store, from: "+15559990001", to: "+15559990002", body: "wrong number")
        let viewer = try Self.viewer(store, "maya")
        // A query asking for everything the owner's screen reads: the owner inbox, every
        // sitter, the assign picker, the tier table, unrouted texts and open bookings.
        let query = ConsoleViewQuery(
            viewer: viewer, mailbox: .owner, threadRows: 20, messageCount: 20, sitterRows: 20, includeAssignableSitters: true,
            tierRows: 20, unroutedRows: 20, openBookingRows: 20)
        let data = try query.read(from: store, now: Fixture.now)
        #expect(data.mailbox == .sitter(viewer.sitterId!))
        #expect(data.threads.map(\.counterpartName) == ["Zoë Whitfield"])
        #expect(data.threads.allSatisfy { $0.thread.assignedSitterId == viewer.sitterId && $0.thread.scope.isClientThread })
        #expect(data.messages.map(\.body) == ["Can you come at 9 instead of 10?", "Yes, 9 works — see you then ☀️"])
        #expect(data.sitters.map(\.name) == ["Maya Okafor"])
        #expect(data.tiers.map(\.sitter.name) == ["Maya Okafor"])
        #expect(data.orgs.map(\.name) == ["Pawsitive Test Co."], "the other business is not even named")
        #expect(data.ownerThreadCount == 0 && data.ownerUnread == 0 && data.ownerUnassigned == 0)
        #expect(data.assignableSitters.isEmpty && data.unrouted.isEmpty && data.openBookings.isEmpty)
        #expect(data.webhooks == .none)

        // A search cannot reach past her mailbox: Fang's text is in the owner inbox.
        var searching = query
        searching.search = "Mochi"
        #expect(try searching.read(from: store, now: Fixture.now).threads.isEmpty)
        searching.search = "9 works"
        #expect(try searching.read(from: store, now: Fixture.now).threads.map(\.counterpartName) == ["Zoë Whitfield"])
    }

    @Test func aSittersConsoleShowsHerOffersAndNoOtherName() async throws {
        let store = try await Fixture.makeStore()
        let yuki = try Fixture.state(store, viewer: try Self.viewer(store, "yuki"))
        let text = render(yuki, size: yuki.size).text
        #expect(text.contains("Your offers (1)") && text.contains("◆ B1050 Cat visit"))

        let maya = try Fixture.state(store, viewer: try Self.viewer(store, "maya"))
        let grid = render(maya, size: maya.size)
        if let mismatch = try snapshotMismatch(grid, named: "sitter-maya-120x40") { Issue.record("\(mismatch)") }
        for part in [" Maya Okafor ", "Your offers (0)", "You", "Zoë Whitfield", "9 works"] {
            #expect(grid.text.contains(part), "missing \(part)")
        }
        for other in ["王芳", "Fang", "Mallory", "Diego", "田中", "Owner inbox", "received", "Weekly summary", " a assign", " u unrouted"] {
            #expect(!grid.text.contains(other), "a sitter's console shows \(other)")
        }
    }

    @Test func theOwnersKeysAreRefusedWithAReason() async throws {
        let store = try await Fixture.makeStore(secondOrg: true)
        let viewer = try Self.viewer(store, "maya")
        var state = try Fixture.state(store, viewer: viewer)
        for key in ["a", "o", "u", "O", "w"] {
            let effects = try Fixture.press(.character(Character(key)), &state, store)
            #expect(effects.isEmpty, "\(key)")
            #expect(state.overlay == nil && state.notice?.kind == .error, "\(key)")
        }
        #expect(state.data.orgs.count == 1)
        // Tab onto "Your offers" keeps her mailbox on screen.
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.enter, &state, store)
        #expect(state.data.threads.map(\.counterpartName) == ["Zoë Whitfield"])
        #expect(state.mailbox == .sitter(viewer.sitterId!))
        #expect(render(state, size: state.size).text.contains("Maya Okafor · 1 thread"), "the list is titled with her name, never the owner inbox")
    }

    @Test func herActionsCheckEachThreadAgainstHerMailbox() async throws {
        let store = try await Fixture.makeStore()
        let maya = try store.read { try $0.sitter(named: "maya") }
        let diego = try store.read { try $0.sitter(named: "diego") }
        let actions = SitterActions(base: ListenerlessActions(store: store), sitterId: maya.id!)
        let threads = try await store.writer.read { db in try MessageThread.fetchAll(db) }
        let hers = try #require(threads.first { $0.assignedSitterId == maya.id && $0.scope == .clientBooking })
        let fang = try #require(threads.first { $0.scope == .clientGeneral && $0.assignedSitterId == nil })

        await #expect(throws: ConsoleError.self) { try await actions.reply(threadId: fang.id!, body: "hello") }
        await #expect(throws: ConsoleError.self) { try await actions.markRead(threadId: fang.id!) }
        await #expect(throws: ConsoleError.self) { try await actions.assign(threadId: hers.id!, to: diego.id) }
        await #expect(throws: ConsoleError.self) { try await actions.offer(bookingId: 1, sitterId: maya.id!) }
        await #expect(throws: ConsoleError.self) { try await actions.simulateAnswer(sitterId: diego.id!, accept: true, code: nil) }
        await #expect(throws: ConsoleError.self) { try await actions.perform(.routeUnrouted(receiptId: 1)) }
        await #expect(throws: ConsoleError.self) { try await actions.perform(.recordCommand(line: "sitter add X --phone +15550001111", orgId: 1)) }
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") } == 0)

        _ = try await actions.reply(threadId: hers.id!, body: "On my way")
        let sent = try await store.writer.read { db in
            try MessageEvent.filter(sql: "thread_id = ? AND body = ?", arguments: [hers.id!, "On my way"]).fetchOne(db)
        }
        #expect(sent?.actorType == .sitter && sent?.deliveryStatus == .queued)
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") } == 1)
    }
}

/// Every console shows where a reply stands in the outbox, whichever process queued it.
@Suite struct OutboxOnScreenTests {
    @Test func aReplyWaitingForARetrySaysWhenItIsTriedAgain() async throws {
        let store = try await Fixture.makeStore()
        let viewer = try SitterConsoleTests.viewer(store, "maya")
        let thread = try #require(try await store.writer.read { db in
            try MessageThread.filter(sql: "assigned_sitter_id = ? AND scope = 'client_booking'", arguments: [viewer.sitterId!]).fetchOne(db)
        })
        let queued = try await store.queueOutbound(threadId: thread.id!, actor: .sitter, body: "Running late, 10 min")
        var state = try Fixture.state(store, viewer: viewer)
        #expect(render(state, size: state.size).text.contains("▶ Maya Okafor · now · queued "))

        // The listener's first attempt failed; the next is due in 5 s.
        let retryAt = Fixture.now.addingTimeInterval(5)
        _ = try await store.claimDueOutbound()
        try await store.recordDeliveryFailure(eventId: queued.event.id!, reason: "Twilio unreachable", retryAt: retryAt)
        try Fixture.reload(&state, store)
        #expect(render(state, size: state.size).text.contains("▶ Maya Okafor · now · queued, retry 2 at \(ClockTime.text(retryAt))"))
    }
}
