import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SwitchboardStore

/// The one connection a process's synchronous reads run on: a console frame's reads, the
/// `status` and `receipts` commands. Reads are made from the console's own thread, so they
/// wait on SwiftNIO futures (completed by the connection's event loop), never on a task of
/// the cooperative pool, which a waiting thread could starve.
///
/// Each ``transaction(_:)`` is one `REPEATABLE READ READ ONLY` transaction, so the reads of
/// a frame see one committed state, as SQLite's read transaction gives them. Transactions
/// take turns; a connection the server dropped is opened again at the next one.
final class PostgresReadConnection: @unchecked Sendable {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    /// Guards `connection`, and makes transactions take turns on it.
    private let lock = NSLock()
    private var connection: PostgresConnection?

    init(location: PostgresLocation, logger: Logger) {
        self.configuration = PostgresDatabase.connectionConfiguration(location)
        self.logger = logger
    }

    func transaction<T>(_ body: (PostgresReadSession) throws -> T) throws -> T {
        if MultiThreadedEventLoopGroup.currentEventLoop != nil {
            throw StoreError(.refused, "a synchronous PostgreSQL read was made on an event loop, where waiting would block the loop; call it from a thread of its own, or use the async API")
        }
        lock.lock()
        defer { lock.unlock() }
        let session = PostgresReadSession(connection: try open(), logger: logger)
        do {
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let value = try body(session)
            try session.execute("COMMIT")
            return value
        } catch {
            _ = try? session.execute("ROLLBACK")
            if session.connection.isClosed { connection = nil }
            throw error
        }
    }

    /// A store dropped without ``close()`` (a command that ends) still closes its read
    /// connection: the close holds the connection until it is done.
    deinit {
        if let connection, !connection.isClosed {
            connection.close().whenComplete { _ in _ = connection }
        }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        try? connection?.close().wait()
        connection = nil
    }

    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        do {
            let opened = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 0, logger: logger
            ).wait()
            connection = opened
            return opened
        } catch {
            throw StoreError(.cannotOpen, "cannot read from PostgreSQL: \(PostgresDatabase.describe(error))")
        }
    }
}

/// The statements of one read transaction, each waited for.
struct PostgresReadSession {
    let connection: PostgresConnection
    let logger: Logger

    func execute(_ query: PostgresQuery) throws {
        _ = try connection.query(query, logger: logger).wait()
    }

    func rows(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        do {
            return try connection.query(query, logger: logger).wait().rows.map { $0.makeRandomAccess() }
        } catch let error as PSQLError {
            throw StoreError(.refused, "PostgreSQL refused a read: \(PostgresDatabase.describe(error))")
        }
    }

    func first(_ query: PostgresQuery) throws -> PostgresRandomAccessRow? { try rows(query).first }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) throws -> T? {
        guard let cell = try first(query)?[0], cell.bytes != nil else { return nil }
        return try cell.decode(T.self)
    }

    func records<T: Decodable>(_ query: PostgresQuery, as type: T.Type = T.self) throws -> [T] {
        try rows(query).map { try $0.record(T.self) }
    }

    func count(_ query: PostgresQuery) throws -> Int { Int(try value(query, as: Int64.self) ?? 0) }
}
