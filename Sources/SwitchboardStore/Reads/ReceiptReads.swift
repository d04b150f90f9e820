import Foundation
import GRDB
import SwitchboardCore

/// One webhook as the receipts list shows it: when, what was decided, who to whom, how fast.
public struct ReceiptSummary: Sendable, Equatable, Identifiable {
    public var id: RowID
    public var receivedAt: Date
    public var verdict: WebhookVerdict
    public var statusCode: Int
    /// The path and query it was posted to, as received.
    public var path: String
    public var messageSid: String?
    /// `From` and `To` of its form, when its body still holds them.
    public var from: String?
    public var to: String?
    public var latencySeconds: Double?
    /// Set when an unrouted text was routed later (its verdict is then `accepted`).
    public var routedAt: Date?
    /// Set when retention removed its raw body.
    public var bodyPrunedAt: Date?
    /// What the listener answered: the TwiML, or for a refusal the reason (why it was refused).
    public var answer: String

    public init(
        id: RowID, receivedAt: Date, verdict: WebhookVerdict, statusCode: Int, path: String, messageSid: String? = nil,
        from: String? = nil, to: String? = nil, latencySeconds: Double? = nil, routedAt: Date? = nil,
        bodyPrunedAt: Date? = nil, answer: String = ""
    ) {
        self.answer = answer
        self.id = id
        self.receivedAt = receivedAt
        self.verdict = verdict
        self.statusCode = statusCode
        self.path = path
        self.messageSid = messageSid
        self.from = from
        self.to = to
        self.latencySeconds = latencySeconds
        self.routedAt = routedAt
        self.bodyPrunedAt = bodyPrunedAt
    }
}

/// One webhook in full: what the receipts view shows on `Enter` and what replay re-sends.
public struct ReceiptDetail: Sendable, Equatable {
    public var summary: ReceiptSummary
    /// The body exactly as received; once retention removed it, only its `From`, `To` and
    /// `MessageStatus` (see ``AppDatabase/pruneReceiptBodies(olderThan:)``); a refusal keeps
    /// a sample.
    public var rawBody: String
    /// The form's parameters in the order sent; empty when the body is not a form.
    public var parameters: [FormParameters.Pair]
    public var headers: ReceiptHeaders
    /// What the listener answered (TwiML, or a refusal's reason).
    public var responseBody: String

    public init(
        summary: ReceiptSummary, rawBody: String, parameters: [FormParameters.Pair], headers: ReceiptHeaders,
        responseBody: String
    ) {
        self.summary = summary
        self.rawBody = rawBody
        self.parameters = parameters
        self.headers = headers
        self.responseBody = responseBody
    }
}

/// Which receipts to list: newest first, at most `limit`, of one verdict, since a moment.
public struct ReceiptFilter: Sendable, Equatable {
    public var verdict: WebhookVerdict?
    public var since: Date?
    public var limit: Int
    /// Rows to skip from the newest (a page further down).
    public var offset: Int

    public init(verdict: WebhookVerdict? = nil, since: Date? = nil, limit: Int = 50, offset: Int = 0) {
        self.verdict = verdict
        self.since = since
        self.limit = limit
        self.offset = offset
    }
}

extension AppDatabase {
    // MARK: - Reads

    /// Receipts newest first, by filter. The verdict filter is a range of the
    /// `webhook_receipt_verdict` index; without one, the table's own order.
    static func receipts(_ db: Database, _ filter: ReceiptFilter) throws -> [ReceiptSummary] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let verdict = filter.verdict {
            conditions.append("verdict = ?")
            arguments += [verdict]
        }
        if let since = filter.since {
            conditions.append("id >= ?")
            arguments += [try firstReceiptId(db, receivedSince: since)]
        }
        arguments += [max(0, filter.limit), max(0, filter.offset)]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(summaryColumns) FROM webhook_receipt
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY id DESC LIMIT ? OFFSET ?
                """,
            arguments: arguments)
        return rows.map { summary($0).summary }
    }

    /// The id of the first receipt received at or after `date` (one past the newest when
    /// there is none). Receipts are written in time order, so ids grow with `created_at`: a
    /// binary search over the primary key (about 20 probes for a million receipts) finds it,
    /// where an index on `created_at` would cost every webhook one more write.
    static func firstReceiptId(_ db: Database, receivedSince date: Date) throws -> RowID {
        // Two queries: SQLite answers a lone min() or max() from the key, both at once by a scan.
        guard var low = try RowID.fetchOne(db, sql: "SELECT min(id) FROM webhook_receipt"),
            let newest = try RowID.fetchOne(db, sql: "SELECT max(id) FROM webhook_receipt")
        else { return 0 }
        var high = newest + 1
        let probe = try db.makeStatement(sql: "SELECT id, created_at FROM webhook_receipt WHERE id >= ? ORDER BY id LIMIT 1")
        // Invariant: the answer is in [low, high]; `high` past the newest means "none".
        while low < high {
            let middle = low + (high - low) / 2
            guard let row = try Row.fetchOne(probe, arguments: [middle]) else { high = middle; continue }
            let id: RowID = row[0]
            let receivedAt: Date = row[1]
            if receivedAt >= date { high = middle } else { low = id + 1 }
        }
        guard low <= newest, let row = try Row.fetchOne(probe, arguments: [low]) else { return newest + 1 }
        return row[0]
    }

    /// How many receipts there are (of one verdict, or of all), counting no further than
    /// `cap`: a screen read stays cheap however many receipts a year of webhooks leaves.
    static func receiptCount(_ db: Database, verdict: WebhookVerdict?, upTo cap: Int) throws -> Int {
        if let verdict {
            return try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT 1 FROM webhook_receipt WHERE verdict = ? LIMIT ?)", arguments: [verdict, cap]) ?? 0
        }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM webhook_receipt LIMIT ?)", arguments: [cap]) ?? 0
    }

    /// Where receipt `id` is in the list newest first (of one verdict, or of all): how many
    /// are newer. Nil when it is not in that list (any more).
    static func receiptPosition(_ db: Database, id: RowID, verdict: WebhookVerdict?) throws -> Int? {
        let verdictCondition = verdict == nil ? "" : " AND verdict = ?"
        var arguments: StatementArguments = [id]
        if let verdict { arguments += [verdict] }
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM webhook_receipt WHERE id = ?\(verdictCondition)", arguments: arguments) == true
        else { return nil }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook_receipt WHERE id > ?\(verdictCondition)", arguments: arguments)
    }

    /// One receipt in full, or nil when there is none with that id.
    static func receipt(_ db: Database, id: RowID) throws -> ReceiptDetail? {
        try Row.fetchOne(db, sql: "SELECT \(summaryColumns), headers FROM webhook_receipt WHERE id = ?", arguments: [id])
            .map(detail)
    }

    /// The first receipt of a `MessageSid` (for an SMS, the one its arrival wrote; else its
    /// first status callback), or nil. Found by the unique `dedupe_key`, an index lookup:
    /// `message_sid` has no index of its own.
    static func receipt(_ db: Database, messageSid: String) throws -> ReceiptDetail? {
        let statusPrefix = statusDedupeKey(messageSid: messageSid, status: .queued).dropLast(DeliveryStatus.queued.rawValue.count)
        return try Row.fetchOne(
            db,
            sql: """
                SELECT \(summaryColumns), headers FROM webhook_receipt
                WHERE dedupe_key = ? OR (dedupe_key >= ? AND dedupe_key < ?)
                ORDER BY id LIMIT 1
                """,
            arguments: [inboundDedupeKey(messageSid: messageSid), String(statusPrefix), String(statusPrefix.dropLast()) + ";"]
        ).map(detail)
    }

    private static let summaryColumns =
        "id, created_at, verdict, status_code, path, message_sid, raw_body, latency_seconds, routed_at, body_pruned_at, response_body"

    private static func summary(_ row: Row) -> (summary: ReceiptSummary, rawBody: String, form: FormParameters?) {
        let rawBody: String = row[6]
        let form = try? FormParameters.parse(Array(rawBody.utf8))
        // A verdict written by a newer version reads as what it answered.
        let verdict = WebhookVerdict(rawValue: row[2]) ?? .malformed
        let summary = ReceiptSummary(
            id: row[0], receivedAt: row[1], verdict: verdict, statusCode: row[3], path: row[4], messageSid: row[5],
            from: form?["From"], to: form?["To"], latencySeconds: row[7], routedAt: row[8], bodyPrunedAt: row[9],
            answer: row[10])
        return (summary, rawBody, form)
    }

    private static func detail(_ row: Row) -> ReceiptDetail {
        let (summary, rawBody, form) = summary(row)
        let headersJSON: String = row[11]
        let headers =
            (try? JSONDecoder().decode(ReceiptHeaders.self, from: Data(headersJSON.utf8)))
            ?? ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil)
        return ReceiptDetail(
            summary: summary, rawBody: rawBody, parameters: form?.pairs ?? [], headers: headers, responseBody: summary.answer)
    }

    /// Receipts newest first, by filter (`switchboard receipts`).
    public func receipts(_ filter: ReceiptFilter) throws -> [ReceiptSummary] {
        try reader.read { db in try Self.receipts(db, filter) }
    }

    /// One receipt in full, by id.
    public func receipt(id: RowID) throws -> ReceiptDetail? {
        try reader.read { db in try Self.receipt(db, id: id) }
    }

    /// The first receipt of a `MessageSid`.
    public func receipt(messageSid: String) throws -> ReceiptDetail? {
        try reader.read { db in try Self.receipt(db, messageSid: messageSid) }
    }
}

extension StoreReads {
    /// A page of receipts, newest first (the console's receipts view).
    public func receipts(_ filter: ReceiptFilter) throws -> [ReceiptSummary] { try AppDatabase.receipts(db, filter) }

    /// How many receipts there are, of one verdict or of all, counting no further than `cap`.
    public func receiptCount(verdict: WebhookVerdict?, upTo cap: Int) throws -> Int {
        try AppDatabase.receiptCount(db, verdict: verdict, upTo: cap)
    }

    /// One receipt in full.
    public func receipt(id: RowID) throws -> ReceiptDetail? { try AppDatabase.receipt(db, id: id) }

    /// How many receipts (of `verdict`, or of all) are newer than receipt `id`; nil when it
    /// is not among them.
    public func receiptPosition(of id: RowID, verdict: WebhookVerdict?) throws -> Int? {
        try AppDatabase.receiptPosition(db, id: id, verdict: verdict)
    }
}
