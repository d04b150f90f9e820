import Foundation
import GRDB

/// Figures about the store for the listener's `/metrics`: how big the WAL is and how many
/// messages wait in the outbox.
extension AppDatabase {
    /// The size of the WAL file in bytes (0 for an in-memory database or no WAL).
    public var walBytes: Int {
        guard let pool = writer as? DatabasePool else { return 0 }
        let size = try? FileManager.default.attributesOfItem(atPath: pool.path + "-wal")[.size] as? Int
        return size ?? 0
    }

    /// Messages in the outbox: queued by a console or the command line, not yet taken by
    /// Twilio (waiting, or waiting for a retry).
    public func outboxDepth() async throws -> Int {
        try await reader.read { db in try Self.outboxDepth(db) }
    }

    /// The one definition of the outbox's depth, for `/metrics` and `switchboard status`.
    static func outboxDepth(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0
    }
}

extension AppDatabase {
    /// Calls `observer` with the number of webhooks of every group commit from now on (the
    /// listener's metrics).
    public func observeCommitBatches(_ observer: @escaping @Sendable (Int) -> Void) {
        ingestQueue.observeBatches(observer)
    }
}
