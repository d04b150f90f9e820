import Foundation
import Logging
import PostgresNIO
import Synchronization
import SwitchboardStore

/// A PostgreSQL database Switchboard uses: a small pool of connections (postgres-nio's
/// `PostgresClient`, run in a task of its own for as long as the database is open), migrated
/// to the current schema when opened.
///
/// ```swift
/// let database = try await PostgresDatabase.open(PostgresLocation(url: "postgres://shop@/shop?host=/run/postgresql"))
/// defer { Task { await database.close() } }
/// ```
public final class PostgresDatabase: Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// The connection synchronous reads (a console frame) wait on.
    let readConnection: PostgresReadConnection

    /// At most this many connections per process: a listener's requests share them.
    public static let maximumConnections = 8

    private init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        var configuration = Self.clientConfiguration(location)
        configuration.options.maximumConnections = Self.maximumConnections
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.running = Task { await client.run() }
        self.readConnection = PostgresReadConnection(location: location, logger: logger)
    }

    /// Connects to `location`, checks the server answers, and migrates its schema (refusing
    /// a database a newer Switchboard wrote). Closes the pool again when any of it fails.
    public static func open(
        _ location: PostgresLocation, migrate: Bool = true, logger: Logger = Logger(label: "switchboard.postgres")
    ) async throws -> PostgresDatabase {
        let database = PostgresDatabase(location: location, logger: logger)
        do {
            try await database.checkConnection()
            if migrate { try await PostgresMigrator.migrate(database) }
            return database
        } catch {
            await database.close()
            throw error
        }
    }

    /// Closes every connection; queries after this fail.
    public func close() async {
        readConnection.close()
        running.cancel()
        await running.value
    }

    static func clientConfiguration(_ location: PostgresLocation) -> PostgresClient.Configuration {
        switch location.endpoint {
        case .tcp(let host, let port):
            // TLS when the server offers it; a server on loopback or a private network that
            // does not is used in the clear.
            return PostgresClient.Configuration(
                host: host, port: port, username: location.user, password: location.password, database: location.database,
                tls: .prefer(.makeClientConfiguration()))
        case .unixSocket:
            return PostgresClient.Configuration(
                unixSocketPath: location.endpoint.socketPath!, username: location.user, password: location.password,
                database: location.database)
        }
    }

    static func connectionConfiguration(_ location: PostgresLocation) -> PostgresConnection.Configuration {
        switch location.endpoint {
        case .tcp(let host, let port):
            return PostgresConnection.Configuration(
                host: host, port: port, username: location.user, password: location.password, database: location.database,
                tls: .prefer(try! .init(configuration: .makeClientConfiguration())))
        case .unixSocket:
            return PostgresConnection.Configuration(
                unixSocketPath: location.endpoint.socketPath!, username: location.user, password: location.password,
                database: location.database)
        }
    }

    /// One round trip, with a time limit, so a wrong URL is reported at once rather than as
    /// the first webhook's failure.
    private func checkConnection() async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.client.query("SELECT 1").consume() }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    throw StoreError(.cannotOpen, "PostgreSQL at \(self.location) did not answer within 10 seconds; check that the server runs and the URL's host and port")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot connect to PostgreSQL at \(location): \(Self.describe(error)); check that the server runs, that the user may log in there, and the URL (postgres://USER@HOST:PORT/DB, or ?host=/socket/dir for a Unix socket)")
        }
    }

    // MARK: - Running statements

    /// Runs one statement and drops its rows.
    func execute(_ query: PostgresQuery) async throws {
        try await client.query(query, logger: logger).consume()
    }

    /// Runs `body` in one transaction on one connection: committed when it returns,
    /// rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger).consume()
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger).consume()
                return value
            } catch {
                try? await connection.query("ROLLBACK", logger: logger).consume()
                throw error
            }
        }
    }

    // MARK: - The blocking bridge

    /// Runs `body` and waits for it on the calling thread: the store's synchronous reads,
    /// which the console makes from a thread of its own. Never call it from an event loop
    /// (it would wait for work that loop must do): that is refused with an error.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        if MultiThreadedEventLoopGroup.currentEventLoop != nil {
            throw StoreError(.refused, "a synchronous PostgreSQL read was made on an event loop, where waiting would block the loop; call it from a thread of its own, or use the async API")
        }
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    // MARK: - Errors

    /// A PostgreSQL error in words: the server's message when there is one (postgres-nio's
    /// own description hides it), never a password.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return message + detail
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? StoreError { return error.message }
        return "\(error)"
    }

    /// The SQLSTATE of a server error, such as `23505` for a unique violation.
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
