import Foundation
import PostgresNIO
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// A sitter's role, connected with raw SQL, sees her mailbox and nothing else: the mailbox
/// rule as row-level security, not as the console's good manners.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct RowLevelSecurityTests {
    /// Sets up the fixture and the roles, then runs `body` connected as Maya's role.
    func asMaya(_ body: (PostgresConnection, RowLevelSecurityFixture, PostgresLocation) async throws -> Void) async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let fixture = try await PostgresTestServer.connect(location) { try await RowLevelSecurityFixture.make($0) }
            let outcome = try await SitterRoles.sync(database)
            await database.close()
            let maya = SitterRoles.roleName(database: location.database, sitterId: fixture.mayaId)
            #expect(outcome.created.contains(maya))
            var asMaya = location
            asMaya.user = maya
            asMaya.password = nil
            try await PostgresTestServer.connect(asMaya) { try await body($0, fixture, location) }
        }
    }

    func ids(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(query, logger: PostgresTestServer.logger).decode(Int64.self) { ids.append(id) }
        return ids.sorted()
    }

    func sqlState(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as PSQLError {
            return error.serverInfo?[.sqlState]
        } catch {
            return "\(error)"
        }
    }

    @Test func aSitterReadsOnlyHerMailbox() async throws {
        try await asMaya { (connection: PostgresConnection, fixture: RowLevelSecurityFixture, _: PostgresLocation) async throws in
            #expect(try await ids(connection, "SELECT id FROM message_thread") == [fixture.mayaThreadId])
            // Another mailbox's thread, asked for by id: none.
            #expect(try await ids(connection, "SELECT id FROM message_thread WHERE id = \(fixture.diegoThreadId)") == [])
            #expect(try await ids(connection, "SELECT id FROM message_thread WHERE id = \(fixture.ownerThreadId)") == [])
            // Her chat with the front desk is the owner's mailbox by the rule.
            #expect(try await ids(connection, "SELECT id FROM message_thread WHERE id = \(fixture.mayaChatThreadId)") == [])
            #expect(try await ids(connection, "SELECT thread_id FROM message_event") == [fixture.mayaThreadId])
            #expect(try await ids(connection, "SELECT count(*) FROM message_event WHERE thread_id = \(fixture.diegoThreadId)") == [0])
            #expect(try await ids(connection, "SELECT id FROM sitter") == [fixture.mayaId])
            #expect(try await ids(connection, "SELECT id FROM org") == [fixture.orgId])
            // The clients of her threads only (Zoë, not Omar).
            #expect(try await ids(connection, "SELECT count(*) FROM client") == [1])
            #expect(try await ids(connection, "SELECT mailbox_key FROM mailbox_stats") == [fixture.mayaId])
        }
    }

    @Test func aSitterCannotWriteDirectlyNorReadTheRest() async throws {
        try await asMaya { (connection: PostgresConnection, fixture: RowLevelSecurityFixture, _: PostgresLocation) async throws in
            let log = PostgresTestServer.logger
            #expect(
                await sqlState {
                    try await connection.query(
                        """
                        INSERT INTO message_event (org_id, thread_id, direction, actor_type, body, created_at)
                        VALUES (\(fixture.orgId), \(fixture.diegoThreadId), 'outbound', 'sitter', 'sneaky', now())
                        """, logger: log
                    ).consume()
                } == "42501")
            #expect(
                await sqlState {
                    try await connection.query(
                        "UPDATE message_thread SET assigned_sitter_id = \(fixture.mayaId) WHERE id = \(fixture.diegoThreadId)", logger: log
                    ).consume()
                } == "42501")
            #expect(
                await sqlState {
                    try await connection.query("UPDATE message_thread SET unread = 0", logger: log).consume()
                } == "42501")
            for table in ["webhook_receipt", "event_log", "message_response_link", "switchboard_migrations"] {
                #expect(
                    await sqlState { try await connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM \(table)"), logger: log).consume() }
                        == "42501", "\(table)")
            }
            // The owner's queueing path is not hers either: only the checked one.
            #expect(
                await sqlState {
                    try await connection.query(
                        "SELECT switchboard_queue_outbound(\(fixture.diegoThreadId), 'sitter', 'sneaky', NULL, now())", logger: log
                    ).consume()
                } == "42501")
        }
    }

    @Test func aSitterRepliesAndMarksReadOnlyInHerMailbox() async throws {
        try await asMaya { (connection: PostgresConnection, fixture: RowLevelSecurityFixture, _: PostgresLocation) async throws in
            let log = PostgresTestServer.logger
            #expect(
                await sqlState {
                    try await connection.query("SELECT switchboard_sitter_reply(\(fixture.diegoThreadId), 'mine now')", logger: log).consume()
                } == "42501")
            #expect(
                await sqlState {
                    try await connection.query("SELECT switchboard_sitter_mark_read(\(fixture.ownerThreadId))", logger: log).consume()
                } == "42501")
            let replyIds = try await ids(connection, "SELECT switchboard_sitter_reply(\(fixture.mayaThreadId), 'On my way with Gus')")
            #expect(replyIds.count == 1)
            #expect(try await ids(connection, "SELECT id FROM message_event WHERE direction = 'outbound'") == replyIds)
            _ = try await ids(connection, "SELECT switchboard_sitter_mark_read(\(fixture.mayaThreadId))::int::bigint")
            #expect(try await ids(connection, "SELECT unread FROM message_thread") == [0])
        }
    }

    /// Her reply is queued in the outbox as the owner's would be; Diego's thread is untouched.
    @Test func herReplyIsInTheOutboxAndNothingElseChanged() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let fixture = try await PostgresTestServer.connect(location) { try await RowLevelSecurityFixture.make($0) }
            _ = try await SitterRoles.sync(database)
            await database.close()
            var asMaya = location
            asMaya.user = SitterRoles.roleName(database: location.database, sitterId: fixture.mayaId)
            let replyIds = try await PostgresTestServer.connect(asMaya) { connection in
                try await ids(connection, "SELECT switchboard_sitter_reply(\(fixture.mayaThreadId), 'On my way')")
            }
            try await PostgresTestServer.connect(location) { (connection: PostgresConnection) async throws -> Void in
                // The owner queues a text in Diego's thread: in the outbox, but not Maya's to see.
                let ownerIds = try await ids(
                    connection, "SELECT switchboard_queue_outbound(\(fixture.diegoThreadId), 'owner', 'Hi Diego', NULL, now())")
                #expect(try await ids(connection, "SELECT message_event_id FROM outbox ORDER BY 1") == (replyIds + ownerIds).sorted())
                #expect(try await ids(connection, "SELECT thread_id FROM message_event WHERE actor_type = 'sitter'") == [fixture.mayaThreadId])
                #expect(try await ids(connection, "SELECT unread FROM message_thread WHERE id = \(fixture.diegoThreadId)") == [1])
            }
            // Her console sees where her own reply stands in the outbox, and no other row of it.
            try await PostgresTestServer.connect(asMaya) { (connection: PostgresConnection) async throws -> Void in
                #expect(try await ids(connection, "SELECT message_event_id FROM outbox") == replyIds)
            }
        }
    }

    @Test func aDeactivatedSitterSeesNothingEvenBeforeTheSync() async throws {
        try await asMaya { (connection: PostgresConnection, fixture: RowLevelSecurityFixture, location: PostgresLocation) async throws in
            try await PostgresTestServer.connect(location) { owner in
                try await owner.query("UPDATE sitter SET active = false WHERE id = \(fixture.mayaId)", logger: PostgresTestServer.logger).consume()
            }
            #expect(try await ids(connection, "SELECT id FROM message_thread") == [])
            #expect(try await ids(connection, "SELECT id FROM sitter") == [])
        }
    }
}
