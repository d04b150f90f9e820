import Foundation
import GRDB
import SwitchboardCore

/// Redeliveries of a webhook already stored. Twilio retries, and so can anyone who captured
/// a signed request: each repeat is counted, but only the newest
/// ``duplicateSampleLimit`` repeats keep a receipt row, so replaying one request forever
/// cannot fill the disk. A repeat is answered from the first receipt, even when nothing
/// can be written (a full disk).
extension AppDatabase {
    /// How many receipts of repeated webhooks are kept (the first receipt of each is always kept).
    public static let duplicateSampleLimit = 100

    /// The key under which the first receipt of an inbound SMS is found.
    static func inboundDedupeKey(messageSid: String) -> String {
        "inbound:" + messageSid
    }

    /// The key of a status callback's first receipt: Twilio calls back once per status.
    static func statusDedupeKey(messageSid: String, status: DeliveryStatus) -> String {
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

    // MARK: - Writes

    /// ``ingestInbound(_:)``, but when the write fails a `MessageSid` stored before is still
    /// answered with its first answer: a redelivery needs no new row to be answered.
    public func ingestInboundOrRecall(_ request: InboundRequest) async throws -> WebhookAnswer {
        do {
            return try await ingestInbound(request)
        } catch {
            guard let sid = request.parameters["MessageSid"], !sid.isEmpty,
                let known = try? await firstAnswer(dedupeKey: Self.inboundDedupeKey(messageSid: sid))
            else { throw error }
            return known
        }
    }

    /// ``ingestStatus(_:)``, answered from the first receipt when the write fails, as
    /// ``ingestInboundOrRecall(_:)``.
    public func ingestStatusOrRecall(_ request: InboundRequest) async throws -> WebhookAnswer {
        do {
            return try await ingestStatus(request)
        } catch {
            let form = request.parameters
            guard let sid = form["MessageSid"] ?? form["SmsSid"], !sid.isEmpty,
                let status = (form["MessageStatus"] ?? form["SmsStatus"]).flatMap({ DeliveryStatus(rawValue: $0.lowercased()) }),
                let known = try? await firstAnswer(dedupeKey: Self.statusDedupeKey(messageSid: sid, status: status))
            else { throw error }
            return known
        }
    }

    // MARK: - Reads

    /// The answer stored with the first receipt under `dedupeKey`, read without writing.
    func firstAnswer(dedupeKey: String) async throws -> WebhookAnswer? {
        try await reader.read { db in try Self.firstAnswer(db, dedupeKey: dedupeKey)?.answer }
    }
}
