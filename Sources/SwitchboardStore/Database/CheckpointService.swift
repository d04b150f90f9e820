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
///
/// It also bounds the WAL on disk. A passive checkpoint never catches up with a writer
/// that never pauses (a flood), and SQLite restarts the WAL only once it has: so when the
/// WAL passes ``walSizeLimit`` the service runs a truncating checkpoint, which holds new
/// commits back for as long as it copies (they wait, batched, and are answered after).
/// Once everything is checkpointed and nothing new arrived for a whole turn (the writer is
/// idle), it truncates the WAL to zero bytes; `journal_size_limit` cuts it back to
/// ``walSizeLimit`` whenever SQLite restarts it.
public struct CheckpointService: Service {
    let store: AppDatabase
    let interval: Duration
    let logger: Logger

    /// WAL pages after which the writer checkpoints by itself while this service runs.
    static let backstopPages = 16_384
    static let sqliteDefaultPages = 1_000
    /// The size, in bytes, SQLite cuts the WAL back to after a checkpoint (`journal_size_limit`).
    public static let walSizeLimit = 4 * 1024 * 1024

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
            var framesBefore = 0
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    // An empty WAL (truncated while idle, nothing written since) needs no
                    // checkpoint: a stat, not a database call, while nothing happens.
                    if framesBefore == 0, store.walBytes == 0 { continue }
                    let previous = framesBefore
                    framesBefore = try await connection.writeWithoutTransaction { db in
                        let (frames, checkpointed) = try Self.checkpoint(db, mode: "PASSIVE")
                        let idle = frames > 0 && frames == checkpointed && frames == previous
                        let oversized = frames * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096) > Self.walSizeLimit
                        if idle || oversized {
                            // Idle: nothing came in for a turn and all is in the database file;
                            // never wait for a reader or the writer then. Oversized: wait a
                            // moment for the commit in progress. Else try again next turn.
                            try db.execute(sql: "PRAGMA busy_timeout = \(idle ? 0 : 200)")
                            defer { try? db.execute(sql: "PRAGMA busy_timeout = 5000") }
                            return try Self.checkpoint(db, mode: "TRUNCATE").frames
                        }
                        return frames
                    }
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

    /// Runs `PRAGMA wal_checkpoint(mode)`: the WAL's frames, and how many of them are now in
    /// the database file.
    static func checkpoint(_ db: Database, mode: String) throws -> (frames: Int, checkpointed: Int) {
        let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode))")
        if row?[0] as Int? == 1 { throw DatabaseError(resultCode: .SQLITE_BUSY) }
        return (row?[1] ?? 0, row?[2] ?? 0)
    }

    private func setWriterThreshold(_ pages: Int) async throws {
        try await store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
        }
    }
}
