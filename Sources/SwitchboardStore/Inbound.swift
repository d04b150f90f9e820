import Foundation
import GRDB
import SwitchboardCore

/// A webhook whose signature has been proven, ready to be ingested in one transaction.
public struct InboundRequest: Sendable {
    /// The path it was posted to, for the receipt.
    public var path: String
    public var parameters: FormParameters
    /// The body exactly as received (valid UTF-8: it parsed as a form), kept for replay.
    public var rawBody: String
    public var headers: ReceiptHeaders

    public init(path: String, parameters: FormParameters, rawBody: String, headers: ReceiptHeaders) {
        self.path = path
        self.parameters = parameters
        self.rawBody = rawBody
        self.headers = headers
    }
}

/// What to answer a webhook, as stored on its receipt.
public struct WebhookAnswer: Sendable, Equatable {
    public var statusCode: Int
    /// TwiML for a `200`, a plain-text reason otherwise.
    public var body: String
    public var verdict: WebhookVerdict

    public init(statusCode: Int, body: String, verdict: WebhookVerdict) {
        self.statusCode = statusCode
        self.body = body
        self.verdict = verdict
    }

    public var isTwiML: Bool { statusCode == 200 }
}

extension AppDatabase {
    // MARK: - Inbound SMS (inside a caller's transaction)

    /// Ingests one signed inbound SMS webhook (SPEC §3, steps 2 to 8): everything it changes,
    /// and its receipt, are written in the caller's transaction, so the answer is sent only
    /// once they are committed. Takes the database and the request, and reads only rows
    /// reached through indexes, so several requests can share one transaction.
    ///
    /// A `MessageSid` seen before gets the first answer again and changes nothing else.
    public func ingestInbound(_ db: Database, _ request: InboundRequest, now: Date) throws -> WebhookAnswer {
        let form = request.parameters
        let missing = ["MessageSid", "From", "To"].filter { (form[$0] ?? "").isEmpty }
        guard missing.isEmpty, let sid = form["MessageSid"], let from = form["From"], let to = form["To"] else {
            let answer = WebhookAnswer(
                statusCode: 400, body: "missing \(missing.joined(separator: ", ")): an inbound SMS webhook needs MessageSid, From and To",
                verdict: .malformed)
            try Self.recordReceipt(db, receipt(for: request, sid: form["MessageSid"], dedupeKey: nil, orgId: nil, answer: answer, now: now))
            return answer
        }
        let dedupeKey = Self.inboundDedupeKey(messageSid: sid)
        if let first = try Self.firstAnswer(db, dedupeKey: dedupeKey) {
            try Self.recordReceipt(db, receipt(for: request, sid: sid, dedupeKey: nil, orgId: first.orgId, answer: first.answer, now: now))
            return first.answer
        }

        var orgId: RowID?
        let answer: WebhookAnswer
        if try db.exists(cached: HotSQL.messageBySid, [sid]) {
            // Stored already by another path (an import, an outbound send): nothing to add.
            answer = WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .duplicate)
        } else if let number = try db.fetchFirst(cached: HotSQL.numberByE164, [to], MessageNumber.init(hotRow:)) {
            orgId = number.orgId
            var message = InboundMessage(sid: sid, from: from, to: number, body: form["Body"] ?? "", optOutType: form["OptOutType"])
            answer = try route(db, &message, now: now)
        } else {
            // Not one of our numbers: the receipt keeps it for the Unrouted view.
            answer = WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .unrouted)
        }
        try Self.recordReceipt(db, receipt(for: request, sid: sid, dedupeKey: dedupeKey, orgId: orgId, answer: answer, now: now))
        return answer
    }

    /// Ingests one signed status callback: the delivery status of an outbound message.
    public func ingestStatus(_ db: Database, _ request: InboundRequest, now: Date) throws -> WebhookAnswer {
        let form = request.parameters
        let sid = form["MessageSid"] ?? form["SmsSid"]
        let statusText = form["MessageStatus"] ?? form["SmsStatus"]
        guard let sid, !sid.isEmpty, let statusText, !statusText.isEmpty else {
            let answer = WebhookAnswer(
                statusCode: 400, body: "missing MessageSid or MessageStatus: a status callback needs both", verdict: .malformed)
            try Self.recordReceipt(db, receipt(for: request, sid: sid, dedupeKey: nil, orgId: nil, answer: answer, now: now))
            return answer
        }
        guard let status = DeliveryStatus(rawValue: statusText.lowercased()) else {
            let answer = WebhookAnswer(
                statusCode: 400, body: "MessageStatus \"\(statusText)\" is not a Twilio message status", verdict: .malformed)
            try Self.recordReceipt(db, receipt(for: request, sid: sid, dedupeKey: nil, orgId: nil, answer: answer, now: now))
            return answer
        }
        // Twilio calls back once per status; a retry repeats the same status.
        let dedupeKey = Self.statusDedupeKey(messageSid: sid, status: status)
        if let first = try Self.firstAnswer(db, dedupeKey: dedupeKey) {
            try Self.recordReceipt(db, receipt(for: request, sid: sid, dedupeKey: nil, orgId: first.orgId, answer: first.answer, now: now))
            return first.answer
        }
        let event = try Self.applyDeliveryStatus(db, messageSid: sid, status: status, errorCode: form["ErrorCode"], now: now)
        let answer = WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: event == nil ? .unknownMessage : .accepted)
        try Self.recordReceipt(db, receipt(for: request, sid: sid, dedupeKey: dedupeKey, orgId: event?.orgId, answer: answer, now: now))
        return answer
    }

    // MARK: - Writes

    /// Ingests an inbound SMS, sharing a transaction with the webhooks that arrive at the
    /// same moment (group commit), and returns once that transaction has committed.
    public func ingestInbound(_ request: InboundRequest) async throws -> WebhookAnswer {
        try await ingestQueue.submit { db in try self.ingestInbound(db, request, now: self.clock.now) }
    }

    /// Ingests a status callback, with group commit, as ``ingestInbound(_:)``.
    public func ingestStatus(_ request: InboundRequest) async throws -> WebhookAnswer {
        try await ingestQueue.submit { db in try self.ingestStatus(db, request, now: self.clock.now) }
    }

    // MARK: - Routing

    struct InboundMessage {
        var sid: String
        var from: String
        var to: MessageNumber
        var body: String
        var optOutType: String?
    }

    private func route(_ db: Database, _ message: inout InboundMessage, now: Date) throws -> WebhookAnswer {
        let orgId = message.to.orgId
        let sitter = try db.fetchFirst(cached: HotSQL.sitterByPhone, [orgId, message.from], Sitter.init(hotRow:))
        let consent = ConsentKeyword.detect(body: message.body, optOutType: message.optOutType)
        let route = InboundRoute.decide(
            number: .init(numberClass: message.to.numberClass, assignedSitterId: message.to.assignedSitterId),
            senderSitterId: sitter?.id, body: message.body, consent: consent)

        switch route {
        case .unrouted:
            return WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .unrouted)

        case .offerCommand(_, let command):
            guard let sitter else { break }
            let thread = try ownerSitterThread(db, sitter: sitter, now: now)
            let appended = try append(
                db, to: thread, direction: .inbound, actor: .sitter, body: message.body, sid: message.sid,
                status: .received, now: now)
            let reply = try answerOffer(db, sitter: sitter, command: command, channel: "sms", now: now)
            // The reply goes back as TwiML; it is stored so the owner sees the exchange.
            _ = try Self.appendMessage(
                db, to: appended.thread, direction: .outbound, actor: .system, body: reply.text, providerMessageSid: nil,
                at: now, deliveryStatus: .queued)
            return WebhookAnswer(statusCode: 200, body: TwiML.message(reply.text), verdict: .accepted)

        case .sitterReply:
            guard let sitter else { break }
            if let waiting = try waitingClientThread(db, on: message.to.e164), let client = waiting.counterpartE164 {
                if (try? Self.checkNotOptedOut(db, phone: client, orgId: orgId)) != nil {
                    // Relayed: the sitter's answer to the client, sent from the masked number.
                    _ = try append(
                        db, to: waiting, direction: .outbound, actor: .sitter, body: message.body, sid: message.sid,
                        status: .queued, now: now)
                    let relay = TwiML.Message(message.body, to: client, from: message.to.e164)
                    return WebhookAnswer(statusCode: 200, body: TwiML.response([relay]), verdict: .accepted)
                }
                try store(db, message, in: ownerSitterThread(db, sitter: sitter, now: now), actor: .sitter, now: now)
                return WebhookAnswer(
                    statusCode: 200, body: TwiML.message("Not sent: that client has opted out of texts. The office has your message."),
                    verdict: .accepted)
            }
            try store(db, message, in: ownerSitterThread(db, sitter: sitter, now: now), actor: .sitter, now: now)
            return WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .accepted)

        case .sitterToOwner:
            guard var sitter else { break }
            if let consent { try applyConsent(db, consent, contact: &sitter, now: now) }
            try store(db, message, in: ownerSitterThread(db, sitter: sitter, now: now), actor: .sitter, now: now)
            return WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .accepted)

        case .clientToSitter(let sitterId):
            var client = try findOrCreateClient(db, orgId: orgId, phone: message.from)
            if let consent { try applyConsent(db, consent, contact: &client, now: now) }
            let thread = try clientThread(db, client: client, number: message.to, sitterId: sitterId, now: now)
            try store(db, message, in: thread, actor: .client, now: now, requiresResponse: consent == nil)
            // Forward to the sitter's own phone, so they can answer through the masked number.
            if consent == nil, let assigned = try db.fetchFirst(cached: HotSQL.sitterById, [sitterId], Sitter.init(hotRow:)),
                assigned.active, !assigned.optedOut
            {
                let forward = TwiML.Message(message.body, to: assigned.phoneE164, from: message.to.e164)
                return WebhookAnswer(statusCode: 200, body: TwiML.response([forward]), verdict: .accepted)
            }
            return WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .accepted)

        case .clientToFrontDesk:
            var client = try findOrCreateClient(db, orgId: orgId, phone: message.from)
            if let consent { try applyConsent(db, consent, contact: &client, now: now) }
            let thread = try clientThread(db, client: client, number: message.to, sitterId: nil, now: now)
            try store(db, message, in: thread, actor: .client, now: now, requiresResponse: consent == nil)
            return WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .accepted)
        }
        // Sitter routes are decided only when a sitter sent the message: not reached.
        return WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: .accepted)
    }

    /// Stores an inbound message. A consent keyword (STOP, HELP…) asks for no answer, so the
    /// response link it would open is removed: it must not count against the sitter.
    private func store(
        _ db: Database, _ message: InboundMessage, in thread: MessageThread, actor: ActorType, now: Date,
        requiresResponse: Bool = true
    ) throws {
        let appended = try append(
            db, to: thread, direction: .inbound, actor: actor, body: message.body, sid: message.sid, status: .received,
            now: now)
        if !requiresResponse, let link = appended.openedLink {
            _ = try link.delete(db)
        }
    }

    /// Records a STOP/START from a client or a sitter: the same rule and audit row for both.
    private func applyConsent<Contact: ConsentingContact>(
        _ db: Database, _ consent: ConsentKeyword, contact: inout Contact, now: Date
    ) throws {
        guard consent != .help, contact.optedOut != (consent == .optOut) else { return }
        contact.optedOut = consent == .optOut
        try contact.update(db, columns: ["opted_out"])
        try Self.logEvent(
            db, orgId: contact.orgId, type: contact.optedOut ? "contact.opted_out" : "contact.opted_in",
            metadata: [Contact.idMetadataKey: String(contact.id ?? 0), "phone": contact.phoneE164], at: now)
    }

    // MARK: - Threads and contacts

    /// The client with this phone, or a new unnamed contact.
    func findOrCreateClient(_ db: Database, orgId: RowID, phone: String) throws -> Client {
        if let client = try db.fetchFirst(cached: HotSQL.clientByPhone, [orgId, phone], Client.init(hotRow:)) {
            return client
        }
        var client = Client(orgId: orgId, name: nil, phoneE164: phone)
        client.id = try db.insert(cached: HotSQL.insertClient, [client.orgId, client.name, client.phoneE164, client.optedOut])
        return client
    }

    /// The conversation between `client` and `number`, created when new: in `sitterId`'s
    /// mailbox (scope `client_booking` when the client has a booking assigned to that sitter,
    /// else `client_general`), or unassigned in the owner inbox when `sitterId` is nil.
    func clientThread(_ db: Database, client: Client, number: MessageNumber, sitterId: RowID?, now: Date) throws -> MessageThread {
        if let thread = try db.fetchFirst(
            cached: HotSQL.clientThread, [number.e164, client.phoneE164, number.orgId], MessageThread.init(hotRow:))
        {
            return thread
        }
        var bookingId: RowID?
        if let sitterId {
            // The booking the conversation is most likely about: the next one not yet over.
            bookingId = try RowID.fetchOne(
                db,
                sql: """
                    SELECT id FROM booking WHERE client_id = ? AND sitter_id = ? AND status = 'assigned'
                    ORDER BY ends_at < ?, starts_at LIMIT 1
                    """,
                arguments: [client.id, sitterId, now])
        }
        var thread = MessageThread(
            orgId: number.orgId, assignedSitterId: sitterId, scope: bookingId == nil ? .clientGeneral : .clientBooking,
            bookingId: bookingId, clientId: client.id, counterpartE164: client.phoneE164, maskedNumberE164: number.e164,
            numberClass: number.numberClass, createdAt: now.storedPrecision)
        try Self.insertThread(db, &thread)
        return thread
    }

    /// The sitter's conversation with the office (the owner inbox), created when new.
    func ownerSitterThread(_ db: Database, sitter: Sitter, now: Date) throws -> MessageThread {
        if let thread = try db.fetchFirst(cached: HotSQL.ownerSitterThread, [sitter.id], MessageThread.init(hotRow:)) {
            return thread
        }
        let frontDesk = try String.fetchOne(
            db, sql: "SELECT e164 FROM message_number WHERE org_id = ? AND number_class = 'front_desk' ORDER BY id LIMIT 1",
            arguments: [sitter.orgId])
        var thread = MessageThread(
            orgId: sitter.orgId, assignedSitterId: sitter.id, scope: .ownerSitter, counterpartE164: sitter.phoneE164,
            maskedNumberE164: frontDesk, numberClass: .frontDesk, createdAt: now.storedPrecision)
        try Self.insertThread(db, &thread)
        return thread
    }

    /// The client thread on `masked` that waits for an answer, the most recent question first
    /// (SPEC §3.5): a sitter's reply is taken as the answer to the latest question.
    func waitingClientThread(_ db: Database, on masked: String) throws -> MessageThread? {
        try db.fetchFirst(cached: HotSQL.waitingClientThread, [masked], MessageThread.init(hotRow:))
    }

    // MARK: - Receipts

    static func firstAnswer(_ db: Database, dedupeKey: String) throws -> (answer: WebhookAnswer, orgId: RowID?)? {
        try db.fetchFirst(cached: HotSQL.receiptByDedupeKey, [dedupeKey]) { row in
            (WebhookAnswer(statusCode: row[0], body: row[1], verdict: .duplicate), row[2])
        }
    }

    private func receipt(
        for request: InboundRequest, sid: String?, dedupeKey: String?, orgId: RowID?, answer: WebhookAnswer, now: Date
    ) -> WebhookReceipt {
        WebhookReceipt(
            orgId: orgId, path: request.path, messageSid: sid, dedupeKey: dedupeKey, rawBody: request.rawBody,
            headers: request.headers.json, verdict: answer.verdict, statusCode: answer.statusCode,
            responseBody: answer.body, createdAt: now)
    }
}

/// A person who can text STOP and START: clients and sitters.
protocol ConsentingContact: MutablePersistableRecord {
    var id: RowID? { get }
    var orgId: RowID { get }
    var phoneE164: String { get }
    var optedOut: Bool { get set }
    /// How the audit row names this kind of contact.
    static var idMetadataKey: String { get }
}

extension Client: ConsentingContact {
    static var idMetadataKey: String { "client_id" }
}

extension Sitter: ConsentingContact {
    static var idMetadataKey: String { "sitter_id" }
}
