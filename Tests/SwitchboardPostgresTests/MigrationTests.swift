import Foundation
import GRDB
import PostgresNIO
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// PostgreSQL's schema: SQLite's migrations under the same identifiers, applied once,
/// the same tables and columns, and a database from a newer Switchboard refused.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct MigrationTests {
    @Test func identifiersAreSQLitesInOrder() {
        #expect(PostgresMigrations.identifiers == AppDatabase.migrationIdentifiers)
    }

    @Test func migrationsApplyOnceAndAreIdempotent() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let first = try await PostgresDatabase.open(location)
            await first.close()
            // Two listeners starting together: both open, the schema is migrated once.
            async let second = PostgresDatabase.open(location)
            async let third = PostgresDatabase.open(location)
            let (a, b) = try await (second, third)
            await a.close()
            await b.close()
            try await PostgresTestServer.connect(location) { connection in
                var identifiers: [String] = []
                for try await identifier in try await connection.query(
                    "SELECT identifier FROM switchboard_migrations", logger: PostgresTestServer.logger
                ).decode(String.self) {
                    identifiers.append(identifier)
                }
                #expect(identifiers.sorted() == AppDatabase.migrationIdentifiers.sorted())
            }
        }
    }

    @Test func tablesAndColumnsAreSQLites() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg17-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("schema.sqlite").path
        _ = try AppDatabase.open(path: path)
        let sqlite = try DatabaseQueue(path: path)
        let sqliteColumns: Set<String> = try await sqlite.read { db in
            var columns: Set<String> = []
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
            for table in tables {
                for column in try db.columns(in: table) { columns.insert("\(table).\(column.name)") }
            }
            return columns
        }
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            await database.close()
            try await PostgresTestServer.connect(location) { connection in
                var columns: Set<String> = []
                for try await (table, column) in try await connection.query(
                    """
                    SELECT table_name::text, column_name::text FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name <> 'switchboard_migrations'
                    """, logger: PostgresTestServer.logger
                ).decode((String, String).self) {
                    columns.insert("\(table).\(column)")
                }
                #expect(columns == sqliteColumns)
                #expect(!columns.isEmpty)
            }
        }
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            await database.close()
            try await PostgresTestServer.connect(location) { connection in
                try await connection.query(
                    "INSERT INTO switchboard_migrations (identifier) VALUES ('v99 from the future')", logger: PostgresTestServer.logger
                ).consume()
            }
            do {
                let reopened = try await PostgresDatabase.open(location)
                await reopened.close()
                Issue.record("a database written by a newer Switchboard was opened")
            } catch let error as StoreError {
                #expect(error.code == .newerSchema)
                #expect(error.message == "\(location) was written by a newer version of Switchboard; upgrade Switchboard, or use another --db")
            }
        }
    }

    @Test func aWrongServerSaysWhatToCheck() async throws {
        let server = try PostgresTestServer.server()
        let nowhere = try PostgresLocation(url: "postgres://\(server.user)@/nope?host=/nonexistent-pg17-dir&port=18399", environment: [:])
        do {
            let database = try await PostgresDatabase.open(nowhere)
            await database.close()
            Issue.record("opened a server that does not exist")
        } catch let error as StoreError {
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains("PostgreSQL at postgres://\(server.user)@/nope?host=/nonexistent-pg17-dir"), "\(error.message)")
            #expect(error.message.contains("check that the server runs"), "\(error.message)")
        }
    }

    /// The mailbox counters (SQLite's three triggers, one PL/pgSQL function here) and the
    /// outbox's cancel trigger behave as on SQLite.
    @Test func triggersKeepCountersAndCancelClosedOffersTexts() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            await database.close()
            try await PostgresTestServer.connect(location) { connection in
                let fixture = try await RowLevelSecurityFixture.make(connection)
                func stats(_ key: Int64) async throws -> (Int64, Int64, Int64) {
                    let rows = try await connection.query(
                        "SELECT threads, unread_threads, unassigned_threads FROM mailbox_stats WHERE org_id = \(fixture.orgId) AND mailbox_key = \(key)",
                        logger: PostgresTestServer.logger)
                    for try await row in rows.decode((Int64, Int64, Int64).self) { return row }
                    return (0, 0, 0)
                }
                #expect(try await stats(fixture.mayaId) == (1, 1, 0))
                #expect(try await stats(0) == (2, 0, 1))  // the unassigned client thread and Maya's chat
                try await connection.query(
                    "UPDATE message_thread SET assigned_sitter_id = \(fixture.diegoId) WHERE id = \(fixture.ownerThreadId)",
                    logger: PostgresTestServer.logger
                ).consume()
                #expect(try await stats(0) == (1, 0, 0))
                #expect(try await stats(fixture.diegoId) == (2, 1, 0))

                // An offer whose text is still in the outbox, then withdrawn: the text is cancelled.
                var offerId: Int64 = 0
                for try await id in try await connection.query(
                    """
                    INSERT INTO offer_event (org_id, sitter_id, booking_id, status, offered_at, expires_at)
                    VALUES (\(fixture.orgId), \(fixture.mayaId), \(fixture.bookingId), 'offered', now(), now() + interval '2 hours')
                    RETURNING id
                    """, logger: PostgresTestServer.logger
                ).decode(Int64.self) { offerId = id }
                var textId: Int64 = 0
                for try await id in try await connection.query(
                    "SELECT switchboard_queue_outbound(\(fixture.mayaThreadId), 'system', 'Offer B1', \(offerId), now())",
                    logger: PostgresTestServer.logger
                ).decode(Int64.self) { textId = id }
                try await connection.query(
                    "UPDATE offer_event SET status = 'withdrawn' WHERE id = \(offerId)", logger: PostgresTestServer.logger
                ).consume()
                var status = ""
                for try await value in try await connection.query(
                    "SELECT delivery_status FROM message_event WHERE id = \(textId)", logger: PostgresTestServer.logger
                ).decode(String.self) { status = value }
                #expect(status == "canceled")
                var queued = -1
                for try await count in try await connection.query(
                    "SELECT count(*)::int FROM outbox", logger: PostgresTestServer.logger
                ).decode(Int.self) { queued = count }
                #expect(queued == 0)
            }
        }
    }
}
