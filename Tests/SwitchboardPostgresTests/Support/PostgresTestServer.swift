import Foundation
import Logging
import PostgresNIO
import SwitchboardPostgres
import Testing

/// The PostgreSQL server the PostgreSQL half of the tests runs on: `SWITCHBOARD_TEST_POSTGRES`
/// names it (a URL whose role may create databases and roles, e.g.
/// `postgres://postgres@/postgres?host=/tmp/pg&port=5432`). Each test gets a database of its
/// own, created fresh and dropped after.
///
/// Unset, the PostgreSQL tests are skipped with a note saying how to run them; with
/// `CI=true`, unset is a failure (``PostgresHarnessTests``): CI never skips them.
enum PostgresTestServer {
    static let variable = "SWITCHBOARD_TEST_POSTGRES"

    static let url: String? = {
        let value = ProcessInfo.processInfo.environment[variable]
        if value?.isEmpty ?? true {
            print(
                """
                note: the PostgreSQL tests are skipped: \(variable) is not set. To run them, start a server \
                (Debian: apt-get install postgresql) and set \(variable)=postgres://USER@/postgres?host=/socket/dir&port=PORT \
                for a role that may create databases and roles (.ci/run does this with a throwaway cluster).
                """)
            return nil
        }
        return value
    }()

    static var isConfigured: Bool { url != nil }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The server's location (its maintenance database).
    static func server() throws -> PostgresLocation {
        guard let url else { throw HarnessError("\(variable) is not set") }
        return try PostgresLocation(url: url)
    }

    /// Runs `body` with a fresh, empty database of its own, dropped afterwards.
    static func withFreshDatabase<T>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        let server = try server()
        let name = "sbtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin(server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger).consume()
        }
        let location = server.with(database: name)
        do {
            let value = try await body(location)
            try await drop(name, on: server)
            return value
        } catch {
            try? await drop(name, on: server)
            throw error
        }
    }

    /// Drops a test database and the sitter roles named after it.
    static func drop(_ name: String, on server: PostgresLocation) async throws {
        try await admin(server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger).consume()
            var roles: [String] = []
            let pattern = "^\(name)_sitter_[0-9]+$"
            for try await role in try await connection.query("SELECT rolname FROM pg_roles WHERE rolname ~ \(pattern)", logger: logger)
                .decode(String.self)
            {
                roles.append(role)
            }
            for role in roles {
                try await connection.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \"\(role)\""), logger: logger).consume()
            }
        }
    }

    /// A connection as the server's role (to create and drop databases).
    static func admin<T>(_ location: PostgresLocation, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await connect(location, body)
    }

    /// A raw connection to `location` (any role, any database), closed after `body`.
    static func connect<T>(_ location: PostgresLocation, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let configuration: PostgresConnection.Configuration
        switch location.endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: location.user, password: location.password, database: location.database, tls: .disable)
        case .unixSocket:
            configuration = .init(unixSocketPath: location.endpoint.socketPath!, username: location.user, password: location.password, database: location.database)
        }
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static let logger = Logger(label: "switchboard.tests.postgres")
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// CI never skips the PostgreSQL half.
@Suite struct PostgresHarnessTests {
    @Test func ciRunsThePostgresHalf() {
        #expect(
            !PostgresTestServer.isCI || PostgresTestServer.isConfigured,
            "CI=true but \(PostgresTestServer.variable) is not set: CI must run the PostgreSQL tests (.ci/run starts a server)")
    }
}

extension PostgresRowSequence {
    /// Reads and drops every row: a statement run for what it does.
    func consume() async throws {
        for try await _ in self {}
    }
}
