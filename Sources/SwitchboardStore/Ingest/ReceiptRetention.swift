import Foundation
import GRDB
import Logging
import ServiceLifecycle
import SwitchboardCore

/// Retention of webhook receipts: an accepted webhook's raw body (the customer's text, in
/// full) is kept only for a while. After ``defaultReceiptBodyRetention`` it is removed; the
/// row, its verdict, answer, headers and latency stay, so the history of what arrived and
/// what was decided is kept.
extension AppDatabase {
    /// How long an accepted receipt keeps its raw body by default: 90 days.
    public static let defaultReceiptBodyRetention: TimeInterval = 90 * 86_400

    // MARK: - Writes

    /// The parameters a pruned receipt keeps, so the list still says who wrote to whom (and
    /// a status callback which status): routing facts, not what the customer wrote.
    static let parametersKeptByRetention: Set<String> = ["From", "To", "MessageStatus"]

    /// Removes the raw body of every accepted receipt received more than `age` ago (keeping
    /// only ``parametersKeptByRetention``, form-encoded); returns how many lost theirs.
    /// Receipts of other verdicts keep theirs (refusals are bounded samples already;
    /// unrouted texts wait to be routed).
    /// Receipts pruned per transaction: webhooks wait for the writer only that long (a few
    /// milliseconds), however many receipts are due.
    static let pruneBatchSize = 500

    @discardableResult
    public func pruneReceiptBodies(olderThan age: TimeInterval) async throws -> Int {
        let now = clock.now
        let cutoff = now.addingTimeInterval(-age)
        // Older than the cutoff is a range of ids (see firstReceiptId), read through the
        // (verdict, id) index, a batch per transaction, each starting where the last ended.
        let boundary = try await reader.read { db in try Self.firstReceiptId(db, receivedSince: cutoff) }
        var after: RowID = 0
        var pruned = 0
        while true {
            try Task.checkCancellation()
            let start = after
            let batch = try await writer.write { db -> (count: Int, last: RowID?) in
                let due = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, raw_body FROM webhook_receipt
                        WHERE verdict = ? AND id > ? AND id < ? AND body_pruned_at IS NULL ORDER BY id LIMIT ?
                        """,
                    arguments: [WebhookVerdict.accepted, start, boundary, Self.pruneBatchSize])
                let statement = try db.makeStatement(sql: "UPDATE webhook_receipt SET raw_body = ?, body_pruned_at = ? WHERE id = ?")
                let stamp = now.storedPrecision
                for row in due {
                    let body: String = row["raw_body"]
                    let kept = (try? FormParameters.parse(Array(body.utf8)))
                        .map { FormParameters($0.pairs.filter { Self.parametersKeptByRetention.contains($0.name) }).encoded() } ?? ""
                    try statement.execute(arguments: [kept, stamp, row["id"]])
                }
                return (due.count, due.last?["id"])
            }
            pruned += batch.count
            guard let last = batch.last, batch.count == Self.pruneBatchSize else { return pruned }
            after = last
        }
    }
}

/// Removes old accepted receipts' raw bodies once at start and then every `interval`
/// (a day by default), beside the listener in `serve`.
public struct ReceiptRetentionService: Service {
    let store: any Store
    let age: TimeInterval
    let interval: Duration
    let logger: Logger

    public init(store: any Store, age: TimeInterval, interval: Duration = .seconds(86_400), logger: Logger) {
        self.store = store
        self.age = age
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let pruned = try await store.pruneReceiptBodies(olderThan: age)
                    if pruned > 0 { logger.info("removed the raw body of \(pruned) receipts older than \(DurationText.short(age))") }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("receipt retention sweep failed: \(error)")
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
