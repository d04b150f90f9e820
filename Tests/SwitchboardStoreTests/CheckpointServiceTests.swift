import Foundation
import GRDB
@testable import SwitchboardStore
import Synchronization
import Testing

/// The checkpoint service copies the WAL into the database file from its own connection,
/// beside the writer, and never holds a flood's commits back while it can help it.
@Suite struct CheckpointServiceTests {
    @Test func checkpointsBesideTheWriterWhichKeepsSQLitesOwnCheckpoint() async throws {
        let (store, path) = try makeTemporaryDatabase()
        func fileSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (payload BLOB)") }
        try await store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = try fileSize()

        let service = Task { try await CheckpointService(store: store, interval: .milliseconds(20)).run() }
        // About 200 pages: below the writer's 1,000, so only the service can move them into the file.
        try await store.writer.write { db in
            for _ in 0..<100 { try db.execute(sql: "INSERT INTO scratch VALUES (zeroblob(8000))") }
        }
        var grown = false
        for _ in 0..<250 where !grown {
            try await Task.sleep(for: .milliseconds(20))
            grown = try fileSize() >= before + 800_000
        }
        #expect(grown, "the WAL was checkpointed into the database file")
        let threshold = try await store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")! }
        #expect(threshold == 1_000, "the writer keeps SQLite's own checkpoint, which restarts the WAL")
        service.cancel()
        _ = try await service.value
    }

    /// A truncating checkpoint holds every commit back while it copies and syncs: under a
    /// flood that made 25–40 ms stalls several times a second. While commits keep coming
    /// the WAL is bounded by the writer's own checkpoints, and the service never truncates.
    @Test func aWriterThatNeverPausesIsNeverHeldBackByATruncation() async throws {
        let (store, path) = try makeTemporaryDatabase()
        func walSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
        let truncations = Mutex<[CheckpointService.TruncationReason]>([])
        let flooding = Atomic<Bool>(true)
        let service = Task {
            try await CheckpointService(
                store: store, interval: .milliseconds(10), hardLimit: 8 * 1024 * 1024,
                onTruncate: { reason in if flooding.load(ordering: .sequentiallyConsistent) { truncations.withLock { $0.append(reason) } } }
            ).run()
        }
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (payload BLOB)") }
        // About 24 MB through the WAL, commits back to back: were the WAL not restarted by
        // the writer's own checkpoints, it would pass the 8 MiB limit three times over.
        var largest = 0
        for _ in 0..<3_000 {
            try await store.writer.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (zeroblob(8000))") }
            largest = max(largest, walSize())
        }
        flooding.store(false, ordering: .sequentiallyConsistent)
        service.cancel()
        _ = try await service.value
        #expect(truncations.withLock { $0 }.contains(.pastHardLimit) == false, "\(truncations.withLock { $0 })")
        #expect(largest < 3 * CheckpointService.walSizeLimit, "the WAL peaked at \(largest) bytes")
    }

    /// A reader that holds its snapshot (an export, say) keeps every checkpoint from
    /// finishing, so the WAL grows; once it lets go, a WAL past the hard limit is truncated
    /// even while commits keep coming.
    @Test func aWALPastTheHardLimitIsTruncated() async throws {
        let (store, path) = try makeTemporaryDatabase()
        func walSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
        // The writer's checkpoints could not finish either; leave the WAL to the service.
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let truncations = Mutex<[CheckpointService.TruncationReason]>([])
        let hardLimit = 1024 * 1024
        let service = Task {
            try await CheckpointService(
                store: store, interval: .milliseconds(10), hardLimit: hardLimit,
                onTruncate: { reason in truncations.withLock { $0.append(reason) } }
            ).run()
        }
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (payload BLOB)") }
        var reader: DatabaseSnapshot? = try (store.writer as! DatabasePool).makeSnapshot()
        for _ in 0..<300 {
            try await store.writer.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (zeroblob(8000))") }
        }
        let largestWhilePinned = walSize()
        reader = nil
        // Tries refused while the reader held on are spaced out (up to 5 s): keep writing.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, !truncations.withLock({ $0.contains(.pastHardLimit) }) {
            try await store.writer.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (zeroblob(8000))") }
            try await Task.sleep(for: .milliseconds(2))
        }
        service.cancel()
        _ = try await service.value
        #expect(reader == nil)
        #expect(largestWhilePinned > hardLimit, "the pinned WAL grew to \(largestWhilePinned) bytes")
        #expect(truncations.withLock { $0 }.contains(.pastHardLimit), "\(truncations.withLock { $0 })")
    }
}
