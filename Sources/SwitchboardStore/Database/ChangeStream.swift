import GRDB
import SwitchboardCore

extension AppDatabase {
    /// The tables whose commits change what the console shows.
    static let observedTables = [
        "message_thread", "message_event", "offer_event", "booking", "sitter", "client",
        "sitter_metrics_window", "webhook_receipt",
    ]

    /// Yields once after every committed transaction that touched a table the console shows,
    /// and after every commit another process makes to the same file (`serve`, another
    /// console, `import`), so every attached screen follows every writer.
    ///
    /// This process's commits come from `DatabaseRegionObservation`, notified on the writer's
    /// queue right after the commit; other processes' from a ``CommitWatcher`` on the file.
    /// The stream only signals, so a slow reader coalesces bursts (`bufferingNewest(1)`) and
    /// then re-reads what it needs, never blocking the writer.
    public func changes() -> AsyncStream<Void> { changes(of: Self.observedTables) }

    /// Yields once after every commit of this process that touched one of `tables`, and after
    /// every commit of another process (see ``changes()``).
    func changes(of tables: [String]) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let observation = DatabaseRegionObservation(tracking: tables.map { Table($0) })
        let cancellable = observation.start(in: writer) { _ in
            continuation.finish()
        } onChange: { _ in
            continuation.yield()
        }
        // One watcher of the file for all of this store's streams (see SharedCommitWatcher).
        let watcher = writer is DatabasePool ? commitWatcher : nil
        let token = watcher?.subscribe { continuation.yield() }
        continuation.onTermination = { _ in
            cancellable.cancel()
            if let token { watcher?.unsubscribe(token) }
        }
        return stream
    }
}
