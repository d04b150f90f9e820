import Foundation
import GRDB
import SwitchboardCore

/// Redeliveries of a webhook already stored. Twilio retries, and so can anyone who captured
/// a signed request: each repeat is counted, but only the newest
/// ``duplicateSampleLimit`` repeats keep a receipt row, so replaying one request forever
/// cannot fill the disk. A repeat is answered from the first receipt, even when nothing
/// can be written (a full disk: see ``ingest(_:received:answer:)``).
extension AppDatabase {
    /// How many receipts of repeated webhooks are kept (the first receipt of each is always kept).
    public static let duplicateSampleLimit = 100

    /// The key under which the first receipt of an inbound SMS is found.
    public static func inboundDedupeKey(messageSid: String) -> String {
        "inbound:" + messageSid
    }

    /// The key of a status callback's first receipt: Twilio calls back once per status.
    public static func statusDedupeKey(messageSid: String, status: DeliveryStatus) -> String {
        "status:\(messageSid):\(status.rawValue)"
    }

    // MARK: - Writes (inside a caller's transaction)

    /// Deletes all but the newest ``duplicateSampleLimit`` receipts of repeats: those with the
    /// `duplicate` verdict and no key of their own (a first receipt always has one).
    static func trimDuplicateReceipts(_ db: Database) throws {
        try db.run(cached: Self.trimDuplicatesSQL, [WebhookVerdict.duplicate, WebhookVerdict.duplicate, duplicateSampleLimit])
    }

    private static let trimDuplicatesSQL = """
        DELETE FROM webhook_receipt WHERE verdict = ? AND dedupe_key IS NULL AND id <= (
            SELECT id FROM webhook_receipt WHERE verdict = ? AND dedupe_key IS NULL ORDER BY id DESC LIMIT 1 OFFSET ?)
        """

    // MARK: - Reads

    /// The answer stored with the first receipt under `dedupeKey`, read without writing.
    func firstAnswer(dedupeKey: String) async throws -> WebhookAnswer? {
        try await reader.read { db in try Self.firstAnswer(db, dedupeKey: dedupeKey)?.answer }
    }
}
