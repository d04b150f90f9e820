import Logging
import PostgresNIO

/// Commits by any process on the database, as the same signal SQLite's store gives
/// (`AsyncStream<Void>`, newest one buffered): statement triggers on the observed tables
/// `pg_notify` the table's name on ``PostgresMigrations/changeChannel`` (delivered at
/// commit), and one connection of the stream's own `LISTEN`s to it.
///
/// When that connection drops, the stream connects again (after 0.1 s, then longer, up to
/// 2 s) and yields once when it is back, since commits made meanwhile were not announced.
extension PostgresDatabase {
    /// Yields after every commit that touched a table the console shows.
    public func changes() -> AsyncStream<Void> { changes(of: Set(PostgresMigrations.v1ObservedTables)) }

    /// Yields after every commit that touched the outbox.
    public func outboxChanges() -> AsyncStream<Void> { changes(of: ["outbox"]) }

    /// Yields after every commit that touched one of `tables`.
    func changes(of tables: Set<String>) -> AsyncStream<Void> { changes(of: tables, ready: nil) }

    /// `ready` runs each time the `LISTEN` is in place (tests wait for it before writing).
    func changes(of tables: Set<String>, ready: (@Sendable () -> Void)?) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let location = self.location
        let logger = self.logger
        let task = Task {
            var delay: Duration = .milliseconds(100)
            var reconnecting = false
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        configuration: Self.connectionConfiguration(location), id: 1, logger: logger)
                    do {
                        // Closing the connection ends the wait for notifications when the stream stops.
                        try await withTaskCancellationHandler {
                            try await connection.listen(on: PostgresMigrations.changeChannel) { notifications in
                                ready?()
                                delay = .milliseconds(100)
                                if reconnecting { continuation.yield() }
                                for try await notification in notifications where tables.contains(notification.payload) {
                                    continuation.yield()
                                }
                            }
                        } onCancel: {
                            _ = connection.close() as EventLoopFuture<Void>
                        }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("the PostgreSQL change stream lost its connection; connecting again", metadata: ["error": "\(PostgresDatabase.describe(error))"])
                }
                reconnecting = true
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
