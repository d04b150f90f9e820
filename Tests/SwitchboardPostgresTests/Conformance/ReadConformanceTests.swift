import Foundation
import SwitchboardCore
import SwitchboardPostgres
@testable import SwitchboardStore
import Testing

/// The console's reads, the receipts and the exports answer the same on both engines: the
/// demo business is imported into SQLite (the oracle), copied into the engine under test
/// with `switchboard migrate`'s copy, and every read is compared, value by value (dates to
/// the second, as `describing` prints them: SQLite keeps milliseconds, PostgreSQL
/// microseconds).
@Suite struct ReadConformanceTests {
    /// A fixed moment, so "2 hours ago" in the demo file means the same on both sides.
    static let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))

    /// The engine's store holding the demo business, beside the oracle; `edit` changes the
    /// business on both sides (SQL on SQLite, run before the copy to PostgreSQL).
    func withDemo(
        _ engine: Engine, edit: String? = nil, _ body: (_ oracle: AppDatabase, _ store: any Store) async throws -> Void
    ) async throws {
        let oracle = try AppDatabase.makeEmpty(clock: Self.clock)
        try await oracle.importFile(atPath: demoImportPath)
        if let edit { try await oracle.writer.write { try $0.execute(sql: edit) } }
        try await withFreshStore(engine, clock: Self.clock) { store in
            if let postgres = store as? PostgresStore {
                _ = try await BusinessCopy.copy(from: oracle, to: postgres.database)
            } else {
                try await store.importFile(atPath: demoImportPath)
                if let edit {
                    let sqlite = try #require(store as? AppDatabase, "an edit is SQL for SQLite")
                    try await sqlite.writer.write { try $0.execute(sql: edit) }
                }
            }
            try await body(oracle, store)
        }
    }

    /// Threads sharing a last-message time and messages sharing a creation time: the list's
    /// order rests on ids alone, and the positions, triage jumps and counts of newer messages
    /// (keyset comparisons on both engines) follow it on both.
    @Test(arguments: Engine.allCases) func tiesAreBrokenByIdTheSame(engine: Engine) async throws {
        let tie = """
            UPDATE message_thread SET last_message_at = (SELECT min(last_message_at) FROM message_thread) WHERE id % 3 <> 0;
            UPDATE message_event SET created_at = (SELECT min(created_at) FROM message_event AS e WHERE e.thread_id = message_event.thread_id)
            WHERE id % 2 = 0;
            """
        try await withDemo(engine, edit: tie) { oracle, store in
            let org = try #require(try oracle.read { try $0.orgs() }.first?.id)
            let threads = try oracle.read { try $0.threads(in: .owner, of: org, page: Page(offset: 0, limit: 100)) }
            #expect(Set(threads.map(\.thread.lastMessageAt)).count < threads.count - 2, "several threads share a time")
            for thread in threads.map(\.id) {
                try same(oracle, store, { try $0.position(ofThread: thread, in: .owner, of: org) }, "position \(thread)")
                for filter in [ThreadFilter.unread, .unassigned] {
                    try same(oracle, store, { try $0.nextThread(in: .owner, of: org, after: thread, matching: filter) }, "next \(thread)")
                }
                for message in try oracle.read({ try $0.firstMessages(inThread: thread, limit: 50) }).compactMap(\.id) {
                    try same(oracle, store, { try $0.messageCount(inThread: thread, newerThan: message) }, "newer \(message)")
                }
            }
            // The oracle's own answers follow its list.
            let ids = threads.map(\.id)
            for (index, thread) in ids.enumerated() {
                #expect(try oracle.read { try $0.position(ofThread: thread, in: .owner, of: org) } == index)
            }
        }
    }

    func same<T>(_ oracle: AppDatabase, _ store: any Store, _ read: (any StoreReading) throws -> T, _ what: String) throws {
        let expected = "\(try oracle.read(read))"
        let actual = "\(try store.read(read))"
        #expect(actual == expected, "\(what)")
    }

    @Test(arguments: Engine.allCases) func screensReadTheSame(engine: Engine) async throws {
        try await withDemo(engine) { oracle, store in
            let now = Self.clock.now
            let org = try #require(try oracle.read { try $0.orgs() }.first?.id)
            try same(oracle, store, { try $0.orgs() }, "orgs")
            let sitters = try oracle.read { try $0.sitters(of: org) }
            try same(oracle, store, { try $0.sitters(of: org) }, "sitters")
            for mailbox in [Mailbox.owner] + sitters.compactMap(\.id).map(Mailbox.sitter) {
                try same(oracle, store, { try $0.threadCount(in: mailbox, of: org) }, "count \(mailbox)")
                try same(oracle, store, { try $0.unreadThreadCount(in: mailbox, of: org) }, "unread \(mailbox)")
                try same(oracle, store, { try $0.threads(in: mailbox, of: org, page: Page(offset: 0, limit: 50)) }, "threads \(mailbox)")
                try same(oracle, store, { try $0.threads(in: mailbox, of: org, page: Page(offset: 1, limit: 2)) }, "page \(mailbox)")
                for filter in [ThreadFilter.unread, .unassigned] {
                    try same(oracle, store, { try $0.nextThread(in: mailbox, of: org, after: nil, matching: filter) }, "next \(mailbox)")
                }
            }
            for search in ["maya", "+1555", "walk", "100%", "nothing like it"] {
                try same(oracle, store, { try $0.threadCount(in: .owner, of: org, matching: search) }, "search count \(search)")
                try same(oracle, store, { try $0.threads(in: .owner, of: org, matching: search, page: Page(offset: 0, limit: 20)) }, "search \(search)")
            }
            try same(oracle, store, { try $0.unassignedThreadCount(of: org) }, "unassigned")
            try same(oracle, store, { try $0.sitterCount(of: org) }, "sitter count")
            try same(oracle, store, { try $0.sitterMailboxes(of: org, page: Page(offset: 0, limit: 50), now: now) }, "sitter mailboxes")
            try same(oracle, store, { try $0.tierRows(of: org, page: Page(offset: 0, limit: 50)) }, "tiers")
            try same(oracle, store, { try $0.openBookings(of: org, limit: 50) }, "open bookings")
            try same(oracle, store, { try $0.webhookCounts() }, "webhook counts")
            try same(oracle, store, { try $0.newestMessageId() }, "newest message")
            try same(oracle, store, { try $0.inboundMessageCount(after: 0) }, "inbound")
            for sitter in sitters.compactMap(\.id) {
                try same(oracle, store, { try $0.pendingOffers(ofSitter: sitter, now: now, limit: 10) }, "offers \(sitter)")
                try same(oracle, store, { try $0.sitterMailbox(sitter, now: now) }, "mailbox row \(sitter)")
                try same(oracle, store, { try $0.tierRow(ofSitter: sitter) }, "tier row \(sitter)")
            }
            let threads = try oracle.read { try $0.threads(in: .owner, of: org, page: Page(offset: 0, limit: 100)) }.map(\.id)
            for thread in threads {
                try same(oracle, store, { try $0.thread(thread) }, "thread \(thread)")
                try same(oracle, store, { try $0.messageCount(inThread: thread) }, "message count \(thread)")
                try same(oracle, store, { try $0.firstMessages(inThread: thread, limit: 3) }, "first messages \(thread)")
                try same(oracle, store, { try $0.messages(inThread: thread, limit: 3, skippingNewest: 1) }, "messages \(thread)")
                try same(oracle, store, { try $0.position(ofThread: thread, in: .owner, of: org) }, "position \(thread)")
                let ids = try oracle.read { try $0.firstMessages(inThread: thread, limit: 50) }.compactMap(\.id)
                try same(oracle, store, { try $0.media(ofMessages: ids) }, "media \(thread)")
                try same(oracle, store, { try $0.outboxNotes(ofMessages: ids) }, "outbox \(thread)")
                if let first = ids.first {
                    try same(oracle, store, { try $0.messageCount(inThread: thread, newerThan: first) }, "newer \(thread)")
                }
                try same(oracle, store, { try $0.isThread(thread, in: .owner) }, "in owner \(thread)")
            }
            let first = try #require(sitters.first)
            try same(oracle, store, { try $0.sitter(named: first.name) }, "sitter named")
            try same(oracle, store, { try $0.sitter(named: String(first.name.prefix(3)).lowercased()) }, "sitter by part")
            #expect(throws: StoreError.self) { try store.read { try $0.sitter(named: "Nobody At All") } }
            try same(oracle, store, { try $0.listenerState(now: now) }, "listener")
            let route = try store.sitterTextRoute(sitterId: first.id!), expected = try oracle.sitterTextRoute(sitterId: first.id!)
            #expect(route.from == expected.from && route.to == expected.to)
        }
    }

    @Test(arguments: Engine.allCases) func exportsListTheSame(engine: Engine) async throws {
        try await withDemo(engine) { oracle, store in
            let org = try #require(try oracle.read { try $0.orgs() }.first?.id)
            let sitter = try #require(try oracle.read { try $0.sitters(of: org) }.first?.id)
            for filter in [
                ExportFilter(orgId: org), ExportFilter(orgId: org, mailbox: .owner), ExportFilter(orgId: org, mailbox: .sitter(sitter)),
                ExportFilter(orgId: org, since: Self.clock.now.addingTimeInterval(-3 * 3600)),
            ] {
                var expected: [String] = [], actual: [String] = []
                try oracle.exportThreads(filter) { expected.append("\($0)") }
                try store.exportThreads(filter) { actual.append("\($0)") }
                #expect(actual == expected)
                expected = []
                actual = []
                try oracle.exportMessages(filter) { expected.append("\($0)") }
                try store.exportMessages(filter) { actual.append("\($0)") }
                #expect(actual == expected)
                #expect(!expected.isEmpty || filter.since != nil)
            }
        }
    }
}
