import Foundation
import GRDB
import Synchronization
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Counts commits, to prove concurrent writes share transactions.
final class CommitCounter: TransactionObserver, Sendable {
    let commits = Mutex(0)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

struct GroupCommitTests {
    @Test("Concurrent writes share transactions, and each caller gets its own result after the commit")
    func concurrentWritesShareCommits() async throws {
        let (store, _) = try makeTemporaryDatabase()
        let org = try await store.writer.write { db in try SmallWorld.make(db).org }
        let counter = CommitCounter()
        store.writer.add(transactionObserver: counter, extent: .databaseLifetime)
        let queue = GroupCommitQueue(writer: store.writer)
        let writes = 200
        let results = try await withThrowingTaskGroup(of: (Int, RowID, Bool).self) { group in
            for index in 0..<writes {
                group.addTask {
                    let id = try await queue.submit { db -> RowID in
                        var thread = MessageThread(orgId: org.id!, scope: .internal, createdAt: Date())
                        try thread.insert(db)
                        return thread.id!
                    }
                    // Visible to a separate reader as soon as the call returns: committed.
                    let visible = try await store.reader.read { db in try MessageThread.exists(db, key: id) }
                    return (index, id, visible)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == writes)
        #expect(Set(results.map(\.1)).count == writes, "every caller got its own row")
        #expect(results.allSatisfy { $0.2 }, "every row was committed before its caller resumed")
        let commits = counter.commits.withLock { $0 }
        #expect(commits < writes, "\(commits) commits for \(writes) writes: batches were shared")
    }

    @Test("A write that throws is rolled back alone; the others in its batch commit")
    func failingWriteIsIsolated() async throws {
        let (store, _) = try makeTemporaryDatabase()
        let org = try await store.writer.write { db in try SmallWorld.make(db).org }
        let queue = GroupCommitQueue(writer: store.writer)
        struct Refused: Error {}
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    do {
                        _ = try await queue.submit { db -> Int in
                            var thread = MessageThread(orgId: org.id!, scope: .internal, createdAt: Date(), unread: index)
                            try thread.insert(db)
                            if index.isMultiple(of: 5) { throw Refused() }
                            return index
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 40)
        let stored = try await store.reader.read { db in try Int.fetchAll(db, sql: "SELECT unread FROM message_thread") }
        #expect(stored.count == 40)
        #expect(stored.allSatisfy { value in !value.isMultiple(of: 5) }, "the refused writes left nothing behind")
    }
}
