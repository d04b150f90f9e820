import Foundation
import GRDB
import SwitchboardCore
import Synchronization
@testable import SwitchboardStore
import Testing

/// SPEC §9: a console attached to a store that another process writes to sees every commit.
/// Two `AppDatabase`s on one file stand for two processes: neither's in-process observation
/// sees the other's commits, only the file does.
@Suite struct CrossProcessChangeTests {
    /// Waits for the next element of `changes`, or gives up after `seconds`.
    static func nextChange(_ changes: AsyncStream<Void>, within seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var iterator = changes.makeAsyncIterator()
                return await iterator.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test("Given two stores on one file, when one commits, then the other's change stream yields")
    func anotherConnectionsCommitIsAnnounced() async throws {
        let (listener, path) = try makeTemporaryDatabase()
        let console = try AppDatabase.open(path: path)
        let world = try await listener.writer.write { db in try SmallWorld.make(db) }
        // The watcher has its first data_version when `changes()` returns: commit elsewhere at once.
        let changes = console.changes()
        _ = try await listener.writer.write { db in
            var thread = MessageThread(
                orgId: world.org.id!, scope: .clientGeneral, clientId: world.client.id, counterpartE164: world.client.phoneE164,
                maskedNumberE164: world.frontDesk.e164, numberClass: .frontDesk, createdAt: Date())
            try thread.insert(db)
        }
        #expect(await Self.nextChange(changes, within: 5), "the other store's commit reached this one's stream")
    }

    @Test("Given two change streams of one store, when another store commits, then both yield, through one shared watcher")
    func twoStreamsShareOneWatcher() async throws {
        let (listener, path) = try makeTemporaryDatabase()
        let console = try AppDatabase.open(path: path)
        let world = try await listener.writer.write { db in try SmallWorld.make(db) }
        final class Seen: Sendable { let counts = Mutex([0, 0]) }
        let seen = Seen()
        let screen = Task { for await _ in console.changes() { seen.counts.withLock { $0[0] += 1 } } }
        let outbox = Task { for await _ in console.outboxChanges() { seen.counts.withLock { $0[1] += 1 } } }
        /// Waits until `condition` holds, up to five seconds.
        func eventually(_ condition: () -> Bool) async -> Bool {
            for _ in 0..<500 {
                if condition() { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return condition()
        }
        #expect(await eventually { console.commitWatcher.status.subscribers == 2 })
        #expect(console.commitWatcher.status.watching)
        _ = try await listener.writer.write { db in
            var thread = MessageThread(
                orgId: world.org.id!, scope: .clientGeneral, clientId: world.client.id, counterpartE164: world.client.phoneE164,
                maskedNumberE164: world.frontDesk.e164, numberClass: .frontDesk, createdAt: Date())
            try thread.insert(db)
        }
        #expect(await eventually { seen.counts.withLock { $0[0] >= 1 && $0[1] >= 1 } }, "both streams saw the other store's commit")
        screen.cancel()
        #expect(await eventually { console.commitWatcher.status.subscribers == 1 })
        #expect(console.commitWatcher.status.watching, "one subscriber is left")
        outbox.cancel()
        #expect(await eventually { console.commitWatcher.status.subscribers == 0 })
        #expect(!console.commitWatcher.status.watching, "the last subscriber gone, the watcher stops")
    }

    @Test("Given a watched file, when nobody writes, then nothing is announced")
    func anIdleFileIsQuiet() async throws {
        let (listener, path) = try makeTemporaryDatabase()
        let console = try AppDatabase.open(path: path)
        _ = try await listener.writer.write { db in try SmallWorld.make(db) }
        let changes = console.changes()
        // Reads by either side are not commits.
        _ = try await listener.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sitter") }
        _ = try await console.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sitter") }
        #expect(await Self.nextChange(changes, within: 0.5) == false)
    }

    @Test("Given a burst of commits by another store, when they are coalesced, then the stream still yields after the last one")
    func aBurstEndsWithItsLastCommitSeen() async throws {
        let (listener, path) = try makeTemporaryDatabase()
        let console = try AppDatabase.open(path: path)
        let world = try await listener.writer.write { db in try SmallWorld.make(db) }
        let changes = console.changes()
        try await Task.sleep(for: .milliseconds(50))
        let burst = 300
        // The console re-reads on every yield, as a screen does; the last read must see the last commit.
        let seen = Task {
            var count = 0
            for await _ in changes {
                count = try await console.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message_thread") ?? 0 }
                if count == burst { break }
            }
            return count
        }
        for _ in 0..<burst {
            _ = try await listener.writer.write { db in
                var thread = MessageThread(
                    orgId: world.org.id!, scope: .clientGeneral, clientId: world.client.id,
                    counterpartE164: world.client.phoneE164, maskedNumberE164: world.frontDesk.e164,
                    numberClass: .frontDesk, createdAt: Date())
                try thread.insert(db)
            }
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(10))
            seen.cancel()
        }
        defer { timeout.cancel() }
        #expect(try await seen.value == burst, "the commits of the burst were all announced, the last one included")
    }
}
