import Foundation
import GRDB
@testable import SwitchboardStore
import Testing

/// Issue 13: what a stranger on the internet can make the store grow, and who may read it.
@Suite struct BoundedGrowthTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func theDatabaseAndItsWALAndSHMAreCreatedPrivate() async throws {
        let (store, path) = try makeTemporaryDatabase()
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (x)") }
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            #expect(Self.mode(file) == 0o600, "\(file) is \(String(Self.mode(file) ?? 0, radix: 8))")
        }
    }

    @Test func aDatabaseLeftReadableByOthersIsMadePrivateWhenOpened() async throws {
        let (store, path) = try makeTemporaryDatabase()
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (x)") }
        try (store.writer as! DatabasePool).close()
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        _ = try AppDatabase.open(path: path)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(Self.mode(file) == 0o600, "\(file)")
        }
    }

    @Test func theWALIsCutToNothingOnceTheWriterIsIdle() async throws {
        let (store, path) = try makeTemporaryDatabase()
        func walSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
        let service = Task { try await CheckpointService(store: store, interval: .milliseconds(20)).run() }
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch (payload BLOB)") }
        // About 8 MB through the WAL, in many commits, as a flood would.
        for _ in 0..<100 {
            try await store.writer.write { db in
                for _ in 0..<10 { try db.execute(sql: "INSERT INTO scratch VALUES (zeroblob(8000))") }
            }
        }
        var size = walSize()
        for _ in 0..<250 where size > 0 {
            try await Task.sleep(for: .milliseconds(20))
            size = walSize()
        }
        #expect(size == 0, "the idle WAL is truncated (\(size) bytes left)")
        let limit = try await store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA journal_size_limit") }
        #expect(limit == CheckpointService.walSizeLimit)
        service.cancel()
        _ = try await service.value
    }
}
