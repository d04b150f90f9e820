import Foundation
import GRDB
@testable import SwitchboardStore
import Testing

/// The checkpoint service copies the WAL into the database file from its own connection,
/// so commits do not; it hands checkpointing back to the writer when it stops.
@Suite struct CheckpointServiceTests {
    @Test func checkpointsBesideTheWriterAndRestoresTheWritersOwnCheckpointWhenStopped() async throws {
        let (store, path) = try makeTemporaryDatabase()
        func fileSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
        func writerThreshold() async throws -> Int {
            try await store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")! }
        }
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (payload BLOB)") }
        try await store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = try fileSize()

        let service = Task { try await CheckpointService(store: store, interval: .milliseconds(20)).run() }
        var threshold = 0
        for _ in 0..<100 where threshold != 16_384 {
            try await Task.sleep(for: .milliseconds(20))
            threshold = try await writerThreshold()
        }
        #expect(threshold == 16_384, "the writer only checkpoints as a backstop")

        // About 200 pages: below either threshold, so only the service can move them into the file.
        try await store.writer.write { db in
            for _ in 0..<100 { try db.execute(sql: "INSERT INTO scratch VALUES (zeroblob(8000))") }
        }
        var grown = false
        for _ in 0..<250 where !grown {
            try await Task.sleep(for: .milliseconds(20))
            grown = try fileSize() >= before + 800_000
        }
        #expect(grown, "the WAL was checkpointed into the database file")

        service.cancel()
        _ = try await service.value
        #expect(try await writerThreshold() == 1_000, "SQLite's own checkpoint is back")
    }
}
