import Foundation
import GRDB
import SwitchboardCore

/// The request headers a receipt keeps: enough to replay a webhook and to see who sent it.
/// The auth token is never among them.
public struct ReceiptHeaders: Codable, Sendable, Equatable {
    public var signature: String?
    public var contentType: String?
    public var userAgent: String?

    public init(signature: String?, contentType: String?, userAgent: String?) {
        self.signature = signature
        self.contentType = contentType
        self.userAgent = userAgent
    }

    enum CodingKeys: String, CodingKey {
        case signature = "x_twilio_signature"
        case contentType = "content_type"
        case userAgent = "user_agent"
    }

    /// A JSON object with sorted keys and absent values left out. Headers are almost always
    /// plain ASCII, which needs no escaping and is written directly, as `JSONEncoder` would
    /// write it; anything else goes through `JSONEncoder`.
    public var json: String {
        let fields = [("content_type", contentType), ("user_agent", userAgent), ("x_twilio_signature", signature)]
        guard fields.allSatisfy({ $0.1.map(Self.needsNoEscaping) ?? true }) else { return encodedJSON }
        var out = "{"
        for case let (key, value?) in fields {
            if out.utf8.count > 1 { out += "," }
            out += "\"" + key + "\":\"" + value + "\""
        }
        return out + "}"
    }

    /// Printable ASCII other than `"` and `\`: written into JSON as it is.
    private static func needsNoEscaping(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    private var encodedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// How many webhooks arrived, by verdict: read from `webhook_tally`, one row per verdict.
public struct WebhookCounts: Sendable, Equatable {
    public var byVerdict: [WebhookVerdict: Int]

    public init(byVerdict: [WebhookVerdict: Int]) { self.byVerdict = byVerdict }

    /// Webhooks that were signed and taken (stored, or recognised as already stored).
    public var received: Int {
        [.accepted, .duplicate, .unrouted, .unknownMessage, .ignored].reduce(0) { $0 + (byVerdict[$1] ?? 0) }
    }

    /// Webhooks answered with a 4xx.
    public var rejected: Int {
        byVerdict.reduce(0) { $0 + ($1.key.isRefusal ? $1.value : 0) }
    }
}

/// A message sent to a number that is not ours: kept for the Unrouted view.
public struct UnroutedMessage: Sendable, Equatable, Identifiable {
    public var id: RowID
    public var messageSid: String?
    public var from: String?
    public var to: String?
    public var body: String?
    public var receivedAt: Date
}

extension WebhookVerdict {
    /// Verdicts answered with a 4xx.
    public var isRefusal: Bool {
        switch self {
        case .rejectedSignature, .malformed, .unsupportedMediaType, .tooLarge, .methodNotAllowed: true
        case .accepted, .duplicate, .unrouted, .unknownMessage, .ignored: false
        }
    }
}

extension AppDatabase {
    /// How many refused requests of each verdict are kept in `webhook_receipt`.
    public static let refusedSampleLimit = 100
    /// How much of a refused request's body is kept, in bytes.
    public static let refusedBodyLimit = 1024

    // MARK: - Writes (inside a caller's transaction)

    /// Stores the receipt of a signed webhook and counts it.
    static func recordReceipt(_ db: Database, _ receipt: WebhookReceipt) throws {
        // Formatted once for both rows: a date's text costs a DateFormatter call.
        let stamp = receipt.createdAt.databaseValue
        try insertReceipt(db, receipt, createdAt: stamp)
        try db.run(cached: HotSQL.tally, [receipt.verdict, stamp])
        if receipt.verdict == .duplicate && receipt.dedupeKey == nil { try trimDuplicateReceipts(db) }
    }

    /// Inserts a receipt through a cached statement: every webhook writes one.
    static func insertReceipt(_ db: Database, _ receipt: WebhookReceipt, createdAt: DatabaseValue? = nil) throws {
        _ = try db.insert(
            cached: HotSQL.insertReceipt,
            [
                receipt.orgId, receipt.path, receipt.messageSid, receipt.dedupeKey, receipt.rawBody, receipt.headers,
                receipt.verdict, receipt.statusCode, receipt.responseBody, createdAt ?? receipt.createdAt.databaseValue,
                receipt.latencySeconds,
            ])
    }

    /// Counts one webhook of `verdict`.
    static func tally(_ db: Database, _ verdict: WebhookVerdict, at date: Date) throws {
        try db.run(cached: HotSQL.tally, [verdict, date])
    }

    /// Records a request refused with a 4xx, in bounded form: it is always counted, its body
    /// is cut to ``refusedBodyLimit`` bytes, and only the newest ``refusedSampleLimit``
    /// refusals of each verdict are kept (SPEC §6).
    public static func recordRefusal(
        _ db: Database, path: String, body: some Collection<UInt8>, headers: ReceiptHeaders,
        verdict: WebhookVerdict, statusCode: Int, reason: String, at date: Date, arrivedAt: ContinuousClock.Instant? = nil
    ) throws {
        // Invalid UTF-8 and NUL (where SQLite would cut the text) become U+FFFD: a sample for
        // reading, the request's size and verdict are what is kept whole.
        let sample = String(decoding: body.prefix(refusedBodyLimit), as: UTF8.self)
            .replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        let receipt = WebhookReceipt(
            path: String(path.prefix(512)), messageSid: nil, dedupeKey: nil, rawBody: sample,
            headers: headers.json, verdict: verdict, statusCode: statusCode, responseBody: reason, createdAt: date,
            latencySeconds: arrivedAt.map(secondsSince))
        try insertReceipt(db, receipt)
        try tally(db, verdict, at: date)
        try db.execute(
            sql: """
                DELETE FROM webhook_receipt WHERE verdict = ? AND id <= (
                    SELECT id FROM webhook_receipt WHERE verdict = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                """,
            arguments: [verdict, verdict, refusedSampleLimit])
    }

    // MARK: - Writes

    /// Records a refused request, sharing a transaction with the webhooks of the same moment
    /// (group commit), so a flood of forgeries costs one commit per batch.
    public func recordRefusal(
        path: String, body: [UInt8], headers: ReceiptHeaders, verdict: WebhookVerdict, statusCode: Int, reason: String,
        arrivedAt: ContinuousClock.Instant? = nil
    ) async throws {
        try await ingestQueue.submit { db in
            try Self.recordRefusal(
                db, path: path, body: body, headers: headers, verdict: verdict, statusCode: statusCode,
                reason: reason, at: self.clock.now, arrivedAt: arrivedAt)
        }
    }

    // MARK: - Reads

    public static func webhookCounts(_ db: Database) throws -> WebhookCounts {
        var counts: [WebhookVerdict: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT verdict, count FROM webhook_tally") {
            if let verdict = WebhookVerdict(rawValue: row["verdict"]) { counts[verdict] = row["count"] }
        }
        return WebhookCounts(byVerdict: counts)
    }

    /// Messages sent to numbers that are not ours, newest first, after the `offset` newest.
    public static func unroutedMessages(_ db: Database, limit: Int, offset: Int = 0) throws -> [UnroutedMessage] {
        let receipts = try WebhookReceipt
            .filter(sql: "verdict = ?", arguments: [WebhookVerdict.unrouted])
            .order(sql: "id DESC").limit(limit, offset: offset).fetchAll(db)
        return receipts.map(UnroutedMessage.init)
    }
}
