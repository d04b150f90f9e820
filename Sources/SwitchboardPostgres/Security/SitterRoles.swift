import PostgresNIO
import SwitchboardStore

/// One PostgreSQL login role per active sitter, which row-level security limits to her
/// mailbox (the policies of ``PostgresMigrations``): her client threads by the mailbox rule,
/// their messages and media, her offers and their bookings, the clients of her threads, her
/// own sitter row, numbers and tier figures, and her org. Her writes (a reply, marking a
/// thread read) go through `SECURITY DEFINER` functions that check the thread is hers.
///
/// A role is named `<database>_sitter_<id>`: roles belong to the whole server, so the
/// database's name keeps two businesses' sitter 7 apart (and `switchboard_current_sitter()`
/// ignores a role whose prefix is not this database's). Roles get no password: a sitter logs
/// in the way the server's `pg_hba.conf` allows (`peer` on the Unix socket with a user map,
/// or a certificate); set one with `ALTER ROLE … PASSWORD` where password login is wanted.
public enum SitterRoles {
    /// What one sync did.
    public struct Outcome: Sendable, Equatable {
        public var created: [String]
        public var dropped: [String]
        public var kept: [String]

        public init(created: [String], dropped: [String], kept: [String]) {
            self.created = created
            self.dropped = dropped
            self.kept = kept
        }
    }

    /// The tables a sitter's console reads (rows limited by the policies).
    static let readableTables = [
        "org", "sitter", "client", "booking", "message_number", "message_thread", "mailbox_stats", "message_event",
        "message_media", "offer_event", "sitter_metrics_window", "listener_presence", "outbox",
    ]

    /// The functions a sitter's console writes through.
    static let writeFunctions = ["switchboard_sitter_reply(bigint, text)", "switchboard_sitter_mark_read(bigint)"]

    /// The role of sitter `id` in `database`.
    public static func roleName(database: String, sitterId: Int64) -> String { "\(database)_sitter_\(sitterId)" }

    /// Creates the roles of active sitters that have none, drops the roles of sitters that
    /// left (deactivated or deleted), and grants every sitter role what her console needs.
    /// The URL's role needs `CREATEROLE` (or to be a superuser).
    public static func sync(_ database: PostgresDatabase) async throws -> Outcome {
        let name = database.location.database
        guard name.range(of: "^[a-z_][a-z0-9_]{0,31}$", options: .regularExpression) != nil else {
            throw StoreError(.refused, "sitter roles are named after the database, and \"\(name)\" cannot be part of a role name; use a database named with lowercase letters, digits and _ (at most 32 characters)")
        }
        let prefix = "\(name)_sitter_"
        do {
            return try await database.transaction { connection in
                let logger = database.logger
                // Two syncs at once would race on CREATE ROLE: one at a time.
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrator.lockKey + 1))", logger: logger).consume()
                var active: [Int64] = []
                for try await id in try await connection.query("SELECT id FROM sitter WHERE active ORDER BY id", logger: logger)
                    .decode(Int64.self)
                {
                    active.append(id)
                }
                var existing: Set<String> = []
                let pattern = "^\(prefix)[0-9]+$"
                for try await role in try await connection.query(
                    "SELECT rolname FROM pg_roles WHERE rolname ~ \(pattern)", logger: logger
                ).decode(String.self) {
                    existing.insert(role)
                }
                let wanted = active.map { roleName(database: name, sitterId: $0) }
                var outcome = Outcome(created: [], dropped: [], kept: [])
                // Only the owner and the sitters' roles may connect to a database of customers' texts.
                try await run(connection, "REVOKE CONNECT ON DATABASE \(quoted(name)) FROM PUBLIC")
                for role in wanted {
                    if existing.contains(role) {
                        outcome.kept.append(role)
                    } else {
                        try await run(connection, "CREATE ROLE \(quoted(role)) LOGIN NOINHERIT")
                        outcome.created.append(role)
                    }
                    try await run(connection, "GRANT CONNECT ON DATABASE \(quoted(name)) TO \(quoted(role))")
                    try await run(connection, "GRANT USAGE ON SCHEMA public TO \(quoted(role))")
                    try await run(connection, "GRANT SELECT ON \(readableTables.joined(separator: ", ")) TO \(quoted(role))")
                    for function in writeFunctions {
                        try await run(connection, "GRANT EXECUTE ON FUNCTION \(function) TO \(quoted(role))")
                    }
                }
                for role in existing.subtracting(wanted).sorted() {
                    // Her privileges here go first (DROP OWNED revokes them); then the role.
                    try await run(connection, "DROP OWNED BY \(quoted(role))")
                    try await run(connection, "REVOKE CONNECT ON DATABASE \(quoted(name)) FROM \(quoted(role))")
                    try await run(connection, "DROP ROLE \(quoted(role))")
                    outcome.dropped.append(role)
                }
                return outcome
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.refused, "cannot sync the sitters' roles on \(database.location): \(PostgresDatabase.describe(error)); the URL's role needs CREATEROLE (ALTER ROLE … CREATEROLE) and must own the database")
        }
    }

    private static func run(_ connection: PostgresConnection, _ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: connection.logger).consume()
    }

    /// An identifier quoted for SQL (names here are checked, but quoting costs nothing).
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
