import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// `switchboard migrate`'s copy, and a sitter's console on PostgreSQL running as her own
/// role: what it reads and what it may write, as the store sees it.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct MigrateAndSitterStoreTests {
    static let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))

    func demo() async throws -> AppDatabase {
        let source = try AppDatabase.makeEmpty(clock: Self.clock)
        try await source.importFile(atPath: demoImportPath)
        return source
    }

    @Test func theCopyCountsEveryTableAndIdsGoOnAfterIt() async throws {
        let source = try await demo()
        try await PostgresTestServer.withFreshDatabase { location in
            let store = try await PostgresStore.open(location, clock: Self.clock)
            defer { Task { await store.database.close() } }
            let figures = try await BusinessCopy.copy(from: source, to: store.database)
            #expect(figures.map(\.table) == AppDatabase.businessTables)
            for figure in figures { #expect(figure.copied == figure.source, "\(figure.table)") }
            #expect(figures.first { $0.table == "message_event" }?.copied == 111)
            // A new message after the copy takes the next id, not one the copy holds.
            let thread = try #require(try store.read { try $0.threads(in: .owner, of: 1, page: Page(offset: 0, limit: 1)) }.first)
            let queued = try await store.queueOutbound(threadId: thread.id, actor: .owner, body: "After the move")
            #expect(queued.event.id == 112)
        }
    }

    @Test func aDatabaseThatHoldsABusinessIsRefusedAndLeftAsItWas() async throws {
        let source = try await demo()
        try await PostgresTestServer.withFreshDatabase { location in
            let store = try await PostgresStore.open(location, clock: Self.clock)
            defer { Task { await store.database.close() } }
            _ = try await BusinessCopy.copy(from: source, to: store.database)
            let error = await #expect(throws: StoreError.self) { try await BusinessCopy.copy(from: source, to: store.database) }
            #expect(error?.message.contains("already holds 1 business") == true)
            #expect(try store.read { try $0.threadCount(in: .owner, of: 1) } == 9)
        }
    }

    @Test func aSittersOwnRoleReadsHerMailboxOnlyAndRepliesOnlyThere() async throws {
        let source = try await demo()
        try await PostgresTestServer.withFreshDatabase { location in
            let owner = try await PostgresStore.open(location, clock: Self.clock)
            defer { Task { await owner.database.close() } }
            _ = try await BusinessCopy.copy(from: source, to: owner.database)
            _ = try await SitterRoles.sync(owner.database)
            let maya = try owner.read { try $0.sitter(named: "Maya") }
            let mayaId = try #require(maya.id)
            let hers = try owner.read { try $0.threads(in: .sitter(mayaId), of: maya.orgId, page: Page(offset: 0, limit: 50)) }
            let others = try owner.read { try $0.threads(in: .owner, of: maya.orgId, page: Page(offset: 0, limit: 50)) }
            #expect(!hers.isEmpty && !others.isEmpty)

            let own = try await owner.asSitter(mayaId)
            defer { Task { await own.database.close() } }
            #expect(own.sitterRoleId == mayaId)
            // What the database lets her role see, whatever the query asks for.
            #expect(try own.read { try $0.sitters(of: maya.orgId) }.map(\.id) == [mayaId])
            #expect(try own.read { try $0.threads(in: .sitter(mayaId), of: maya.orgId, page: Page(offset: 0, limit: 50)) }.map(\.id)
                == hers.map(\.id))
            #expect(try own.read { try $0.threads(in: .owner, of: maya.orgId, page: Page(offset: 0, limit: 50)) }.isEmpty)
            #expect(try own.read { try $0.thread(others[0].id) } == nil)
            #expect(try own.read { try $0.firstMessages(inThread: others[0].id, limit: 10) }.isEmpty)
            // Her writes: a reply and mark-read in her mailbox; nothing elsewhere.
            let reply = try await own.queueOutbound(threadId: hers[0].id, actor: .sitter, body: "On my way")
            #expect(reply.event.actorType == .sitter)
            try await own.markThreadRead(hers[0].id)
            let before = try owner.read { try $0.messageCount(inThread: others[0].id) }
            await #expect(throws: (any Error).self) { try await own.queueOutbound(threadId: others[0].id, actor: .sitter, body: "Hi") }
            await #expect(throws: (any Error).self) { try await own.markThreadRead(others[0].id) }
            #expect(try owner.read { try $0.messageCount(inThread: others[0].id) } == before)
        }
    }
}
