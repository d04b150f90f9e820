import PostgresNIO
import SwitchboardStore

/// Applies ``PostgresMigrations`` in order, each once, recording each identifier in
/// `switchboard_migrations` (the table GRDB calls `grdb_migrations` on SQLite).
///
/// Everything runs in one transaction under an advisory lock, so two listeners starting
/// together migrate once, and a failure leaves the database as it was. A database that
/// holds an identifier this build does not know was written by a newer Switchboard and is
/// refused before anything is written.
enum PostgresMigrator {
    /// The advisory lock key of migrations (any constant; "sbmg" in ASCII).
    static let lockKey: Int64 = 0x7362_6D67

    static func migrate(_ database: PostgresDatabase) async throws {
        do {
            try await database.transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: database.logger).consume()
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS switchboard_migrations (
                        identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: database.logger
                ).consume()
                var applied: Set<String> = []
                for try await identifier in try await connection.query(
                    "SELECT identifier FROM switchboard_migrations", logger: database.logger
                ).decode(String.self) {
                    applied.insert(identifier)
                }
                let known = Set(PostgresMigrations.identifiers)
                if !applied.isSubset(of: known) {
                    throw StoreError(
                        .newerSchema,
                        "\(database.location) was written by a newer version of Switchboard; upgrade Switchboard, or use another --db")
                }
                for migration in PostgresMigrations.all where !applied.contains(migration.identifier) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: database.logger).consume()
                    }
                    try await connection.query(
                        "INSERT INTO switchboard_migrations (identifier) VALUES (\(migration.identifier))", logger: database.logger
                    ).consume()
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot migrate \(database.location): \(PostgresDatabase.describe(error)); the role in the URL must own the database (or be allowed to create tables in it)")
        }
    }

    /// The identifiers recorded in the database, in the order they were applied.
    static func appliedIdentifiers(_ database: PostgresDatabase) async throws -> [String] {
        var identifiers: [String] = []
        for try await identifier in try await database.client.query(
            "SELECT identifier FROM switchboard_migrations ORDER BY applied_at, identifier", logger: database.logger
        ).decode(String.self) {
            identifiers.append(identifier)
        }
        return identifiers
    }
}
