import GRDB
import Logging
import ServiceLifecycle

/// Moves WAL checkpoints off the commit path.
///
/// SQLite checkpoints inside the commit that takes the WAL past its threshold: that commit
/// copies pages into the database file and syncs it while every webhook of its batch
/// waits. This service checkpoints from a connection of its own, beside the writer (in WAL
/// mode a checkpoint runs while the writer appends), so commits only append to the WAL. The
/// writer keeps its automatic checkpoint at a higher threshold, as a backstop for a burst
/// that outruns the service; when the service stops it restores SQLite's default.
public struct CheckpointService: Service {
    let store: AppDatabase
    let interval: Duration
    let logger: Logger

    /// WAL pages after which the writer checkpoints by itself while this service runs.
    static let backstopPages = 16_384
    static let sqliteDefaultPages = 1_000

    public init(
        store: AppDatabase, interval: Duration = .milliseconds(100), logger: Logger = Logger(label: "switchboard.checkpoint")
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // An in-memory database has no WAL: nothing to do.
        guard let pool = store.writer as? DatabasePool else {
            // Waits for the shutdown, like every service.
            try? await cancelWhenGracefulShutdown { while true { try await Task.sleep(for: .seconds(3600)) } }
            return
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let connection = try DatabaseQueue(path: pool.path, configuration: configuration)
        try await setWriterThreshold(Self.backstopPages)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    try await connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
                } catch is CancellationError {
                    break
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    // Another connection is checkpointing (the writer's backstop, or one that
                    // closed last): nothing to do until the next turn.
                    logger.debug("checkpoint skipped: another one is running")
                } catch {
                    logger.warning("checkpoint failed; the writer's own checkpoint takes over", metadata: ["error": "\(error)"])
                }
            }
        }
        // Stopping is usually a cancellation: restore from a task of its own, which is not.
        try await Task { try await setWriterThreshold(Self.sqliteDefaultPages) }.value
        try connection.close()
    }

    private func setWriterThreshold(_ pages: Int) async throws {
        try await store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
        }
    }
}
