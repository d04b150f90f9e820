import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// "Since" over receipts is an id found by a binary search (ids grow with time), so no
/// index on `created_at` costs every webhook a write.
@Suite struct ReceiptSinceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Receipts one minute apart, ids 1…count, then the ids in `deleted` removed (as the
    /// trimming of refusals and repeats does).
    static func store(count: Int, deleted: Set<Int> = []) throws -> AppDatabase {
        let store = try AppDatabase.makeEmpty(clock: .fixed(start))
        try store.writer.write { db in
            for minute in 0..<count {
                var receipt = WebhookReceipt(
                    path: "/api/twilio/inbound", messageSid: "SM\(minute)", dedupeKey: nil, rawBody: "", headers: "{}",
                    verdict: .accepted, statusCode: 200, responseBody: "", createdAt: start.addingTimeInterval(Double(minute) * 60))
                try receipt.insert(db)
            }
            for id in deleted { try db.execute(sql: "DELETE FROM webhook_receipt WHERE id = ?", arguments: [id]) }
        }
        return store
    }

    @Test("the first receipt at or after a moment, with gaps in the ids, at both ends and past them")
    func firstIdSince() throws {
        let store = try Self.store(count: 100, deleted: [1, 2, 50, 51, 52, 100])
        func first(_ minutes: Double) throws -> RowID {
            return try store.writer.read { db in try AppDatabase.firstReceiptId(db, receivedSince: Self.start.addingTimeInterval(minutes * 60)) }
        }
        #expect(try first(-10) == 3, "before every receipt: the oldest left")
        #expect(try first(10) == 11)
        #expect(try first(10.5) == 12, "between two receipts: the later")
        #expect(try first(49) == 53, "inside a gap: the first after it")
        #expect(try first(98) == 99)
        #expect(try first(99) == 100, "after the newest: one past it")
        #expect(try first(500) == 100)
        #expect(try AppDatabase.makeEmpty().writer.read { db in try AppDatabase.firstReceiptId(db, receivedSince: Self.start) } == 0)
    }

    @Test("receipts --since and prune use it: the newest only, the oldest only")
    func sinceAndPrune() async throws {
        let store = try Self.store(count: 30)
        let lastTen = try store.receipts(ReceiptFilter(since: Self.start.addingTimeInterval(20 * 60), limit: 100))
        #expect(lastTen.map(\.messageSid) == (20..<30).reversed().map { "SM\($0)" })
        // The same file, with a clock 30 minutes on.
        let later = try AppDatabase(try store.writer as! DatabaseQueue, clock: .fixed(Self.start.addingTimeInterval(30 * 60)))
        #expect(try await later.pruneReceiptBodies(olderThan: 20 * 60) == 10, "SM0…SM9 are more than 20 minutes old")
        #expect(try later.receipts(ReceiptFilter(limit: 100)).filter { $0.bodyPrunedAt != nil }.compactMap(\.messageSid).sorted()
            == (0..<10).map { "SM\($0)" }.sorted())
    }

    @Test("prune works through any number of receipts a batch per transaction, and stops at the age")
    func pruneInBatches() async throws {
        let count = AppDatabase.pruneBatchSize * 2 + 37
        let store = try Self.store(count: count + 10)
        let later = try AppDatabase(try store.writer as! DatabaseQueue, clock: .fixed(Self.start.addingTimeInterval(Double(count + 10) * 60)))
        #expect(try await later.pruneReceiptBodies(olderThan: 10 * 60 + 1) == count)
        #expect(try await later.pruneReceiptBodies(olderThan: 10 * 60 + 1) == 0)
        let kept = try later.receipts(ReceiptFilter(limit: 20)).filter { $0.bodyPrunedAt == nil }.count
        #expect(kept == 10)
    }
}
