import GRDB
import Logging
import ServiceLifecycle

/// Keeps the writer's WAL checkpoints short, and the WAL bounded.
///
/// SQLite checkpoints inside the commit that takes the WAL past 1,000 pages
/// (`wal_autocheckpoint`): that commit copies the WAL's pages into the database file and
/// syncs it while every webhook of its batch waits. This service runs a passive checkpoint
/// from a connection of its own every `interval`, beside the writer (a passive checkpoint
/// never holds a commit back), so when the writer's own checkpoint comes due most pages are
/// already in the file and it copies only the last few. The writer's checkpoint is the one
/// that lets SQLite restart the WAL from its start: it runs between two commits, so it can
/// finish, which a checkpoint beside a writer that never pauses cannot. `journal_size_limit`
/// then cuts the file back to ``walSizeLimit``.
///
/// Why not more: truncating the WAL whenever it passed 4 MiB (the service's rule until
/// issue 16) held every commit back for the truncating checkpoint's copy and sync, every
/// 0.3–0.6 s under a flood: 25–40 ms stalls, a p99 of 46 ms against the Flask peer's 15 ms.
///
/// Once everything is checkpointed and nothing new arrived for a whole turn (the writer is
/// idle), the service truncates the WAL to zero bytes. Only when a reader pins the WAL (an
/// export holding its snapshot) so long that no checkpoint can finish, and it passes
/// `hardLimit`, does the service truncate it while commits wait (up to 200 ms a try); while
/// the reader still holds on, tries are spaced 1, 2, 4 … 50 turns apart.
public struct CheckpointService: Service {
    let store: AppDatabase
    let interval: Duration
    let hardLimit: Int
    let logger: Logger
    /// Told of every truncating checkpoint the service ran: tests count them.
    let onTruncate: @Sendable (TruncationReason) -> Void

    /// The size, in bytes, SQLite cuts the WAL back to after a checkpoint (`journal_size_limit`).
    public static let walSizeLimit = 4 * 1024 * 1024
    /// The WAL's largest size, in bytes, before commits wait for a checkpoint.
    public static let walHardLimit = 64 * 1024 * 1024

    /// Why the service truncated the WAL.
    enum TruncationReason: Sendable { case idle, pastHardLimit }

    public init(
        store: AppDatabase, interval: Duration = .milliseconds(100), logger: Logger = Logger(label: "switchboard.checkpoint")
    ) {
        self.init(store: store, interval: interval, hardLimit: Self.walHardLimit, logger: logger, onTruncate: { _ in })
    }

    init(
        store: AppDatabase, interval: Duration, hardLimit: Int, logger: Logger = Logger(label: "switchboard.checkpoint"),
        onTruncate: @escaping @Sendable (TruncationReason) -> Void
    ) {
        self.store = store
        self.interval = interval
        self.hardLimit = hardLimit
        self.logger = logger
        self.onTruncate = onTruncate
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
        await cancelWhenGracefulShutdown {
            var framesBefore = 0
            // Turns to let pass before truncating past the hard limit again, after a reader
            // refused it: the attempt holds commits back while it waits for the reader.
            var hardLimitBackoff = 0, turnsToWait = 0
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    // An empty WAL (truncated while idle, nothing written since) needs no
                    // checkpoint: a stat, not a database call, while nothing happens.
                    if framesBefore == 0, store.walBytes == 0 { continue }
                    let previous = framesBefore
                    let mayTruncatePastLimit = turnsToWait == 0
                    turnsToWait = max(0, turnsToWait - 1)
                    let (frames, refused) = try await connection.writeWithoutTransaction { db -> (Int, Bool) in
                        let (frames, checkpointed) = try Self.checkpoint(db, mode: "PASSIVE")
                        let idle = frames > 0 && frames == checkpointed && frames == previous
                        let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                        let pastHardLimit = frames * pageSize > hardLimit && mayTruncatePastLimit
                        guard idle || pastHardLimit else { return (frames, false) }
                        // Idle: never wait for a reader or the writer. Past the limit: wait a
                        // moment for the commit in progress and the readers.
                        try db.execute(sql: "PRAGMA busy_timeout = \(idle ? 0 : 200)")
                        defer { try? db.execute(sql: "PRAGMA busy_timeout = 5000") }
                        do {
                            let left = try Self.checkpoint(db, mode: "TRUNCATE").frames
                            onTruncate(idle ? .idle : .pastHardLimit)
                            return (left, false)
                        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && !idle {
                            return (frames, true)
                        }
                    }
                    framesBefore = frames
                    if refused {
                        // 1, 2, 4 … 50 turns (5 s at 100 ms): commits wait at most 200 ms of that.
                        hardLimitBackoff = min(50, max(1, hardLimitBackoff * 2))
                        turnsToWait = hardLimitBackoff
                        logger.debug("WAL past its hard limit, held by a reader: retrying later", metadata: ["turns": "\(turnsToWait)"])
                    } else if mayTruncatePastLimit {
                        hardLimitBackoff = 0
                    }
                } catch is CancellationError {
                    break
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    // Another connection is checkpointing (the writer, or one that closed
                    // last), or a reader held on: nothing to do until the next turn.
                    logger.debug("checkpoint skipped: another one is running")
                } catch {
                    logger.warning("checkpoint failed; the writer's own checkpoint takes over", metadata: ["error": "\(error)"])
                }
            }
        }
        try connection.close()
    }

    /// Runs `PRAGMA wal_checkpoint(mode)`: the WAL's frames, and how many of them are now in
    /// the database file.
    static func checkpoint(_ db: Database, mode: String) throws -> (frames: Int, checkpointed: Int) {
        let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode))")
        if row?[0] as Int? == 1 { throw DatabaseError(resultCode: .SQLITE_BUSY) }
        return (row?[1] ?? 0, row?[2] ?? 0)
    }
}
