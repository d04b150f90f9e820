import GRDB
import SwitchboardCore

extension AppDatabase {
    /// The tables whose commits change what the console shows.
    static let observedTables = [
        "message_thread", "message_event", "offer_event", "booking", "sitter", "client",
        "sitter_metrics_window", "webhook_receipt",
    ]

    /// Yields once after every committed transaction that touched a table the console shows.
    ///
    /// Built on `DatabaseRegionObservation`, which is notified on the writer's queue right
    /// after the commit; the stream only signals, so a slow reader coalesces bursts
    /// (`bufferingNewest(1)`) and then re-reads what it needs, never blocking the writer.
    public func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let observation = DatabaseRegionObservation(tracking: Self.observedTables.map { Table($0) })
        let cancellable = observation.start(in: writer) { _ in
            continuation.finish()
        } onChange: { _ in
            continuation.yield()
        }
        continuation.onTermination = { _ in cancellable.cancel() }
        return stream
    }
}
