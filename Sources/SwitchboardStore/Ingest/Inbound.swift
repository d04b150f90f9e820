import Foundation
import GRDB
import SwitchboardCore

/// A webhook whose signature has been proven, as its receipt keeps it.
public struct ReceivedWebhook: Sendable {
    /// The path and query it was posted to, exactly as received, so it can be re-verified
    /// and replayed.
    public var path: String
    /// The body exactly as received (valid UTF-8: it parsed as a form).
    public var rawBody: String
    public var headers: ReceiptHeaders
    /// When the request arrived, on a monotonic clock: its receipt keeps the latency from
    /// here to its write.
    public var arrivedAt: ContinuousClock.Instant?

    public init(path: String, rawBody: String, headers: ReceiptHeaders, arrivedAt: ContinuousClock.Instant? = nil) {
        self.path = path
        self.rawBody = rawBody
        self.headers = headers
        self.arrivedAt = arrivedAt
    }
}

/// The answer to a webhook as its receipt keeps it, so a redelivery gets exactly the first
/// answer. The store never writes one: the webhook layer renders it from the outcome.
public struct WebhookAnswer: Sendable, Equatable {
    public var statusCode: Int
    public var body: String
    public var verdict: WebhookVerdict

    public init(statusCode: Int, body: String, verdict: WebhookVerdict) {
        self.statusCode = statusCode
        self.body = body
        self.verdict = verdict
    }
}

/// What ingesting an inbound SMS did, in domain terms: its verdict and the messages to send
/// back in the answer (an offer reply, a relay to a client, a forward to a sitter…).
public struct InboundOutcome: Sendable, Equatable {
    public var verdict: WebhookVerdict
    public var replies: [OutboundSMS]

    public init(verdict: WebhookVerdict, replies: [OutboundSMS] = []) {
        self.verdict = verdict
        self.replies = replies
    }
}

/// Renders an outcome into the answer the receipt keeps; called inside the transaction.
public typealias AnswerRenderer<Outcome> = @Sendable (Outcome) -> WebhookAnswer

extension AppDatabase {
    // MARK: - Inbound SMS (inside a caller's transaction)

    /// Ingests one signed inbound SMS (SPEC §3, steps 3 to 8): everything it changes, and
    /// its receipt, are written in the caller's transaction, so the answer is sent only once
    /// they are committed. Reads only rows reached through indexes, so several requests can
    /// share one transaction.
    ///
    /// A `MessageSid` seen before gets the first answer again and changes nothing else.
    func ingest(
        _ db: Database, _ sms: InboundSMS, received: ReceivedWebhook, answer render: AnswerRenderer<InboundOutcome>,
        now: Date
    ) throws -> WebhookAnswer {
        let dedupeKey = Self.inboundDedupeKey(messageSid: sms.sid)
        // Both redelivery checks in one read: the first receipt, else a stored `MessageSid`.
        let earlier = try db.fetchFirst(hot: .firstAnswerOrStoredSid, { row -> (answer: WebhookAnswer, orgId: RowID?)? in
            let isReceipt: Bool = row[3]
            return isReceipt ? (WebhookAnswer(statusCode: row[0], body: row[1], verdict: .duplicate), row[2]) : nil
        }, dedupeKey, sms.sid)
        if let first = earlier ?? nil {
            try Self.recordReceipt(db, receipt(for: received, sid: sms.sid, dedupeKey: nil, orgId: first.orgId, answer: first.answer, now: now))
            return first.answer
        }
        var orgId: RowID?
        let outcome: InboundOutcome
        if earlier != nil {
            // Stored already by another path (an import, an outbound send): nothing to add.
            outcome = InboundOutcome(verdict: .duplicate)
        } else if let facts = try db.fetchFirst(hot: .numberAndSitters, RoutingFacts.init(joinedRow:), sms.from, sms.to) {
            orgId = facts.number.orgId
            outcome = try route(db, sms, facts: facts, now: now)
        } else {
            // Not one of our numbers: the receipt keeps it for the Unrouted view.
            outcome = InboundOutcome(verdict: .unrouted)
        }
        let answer = render(outcome)
        try Self.recordReceipt(db, receipt(for: received, sid: sms.sid, dedupeKey: dedupeKey, orgId: orgId, answer: answer, now: now))
        return answer
    }

    /// Ingests one signed status callback: the delivery status of an outbound message. A
    /// callback naming an inbound or unknown message changes nothing (verdict `ignored`).
    func ingest(
        _ db: Database, _ callback: StatusCallback, received: ReceivedWebhook, answer render: AnswerRenderer<WebhookVerdict>,
        now: Date
    ) throws -> WebhookAnswer {
        // Twilio calls back once per status; a retry repeats the same status.
        let dedupeKey = Self.statusDedupeKey(messageSid: callback.sid, status: callback.status)
        if let first = try Self.firstAnswer(db, dedupeKey: dedupeKey) {
            try Self.recordReceipt(db, receipt(for: received, sid: callback.sid, dedupeKey: nil, orgId: first.orgId, answer: first.answer, now: now))
            return first.answer
        }
        let event = try Self.applyDeliveryStatus(db, callback, now: now)
        let answer = render(event == nil ? .ignored : .accepted)
        try Self.recordReceipt(db, receipt(for: received, sid: callback.sid, dedupeKey: dedupeKey, orgId: event?.orgId, answer: answer, now: now))
        return answer
    }

    // MARK: - Writes

    /// Ingests an inbound SMS, sharing a transaction with the webhooks that arrive at the
    /// same moment (group commit), and returns once that transaction has committed.
    ///
    /// When the write fails (a full disk), a `MessageSid` stored before is still answered with
    /// its first answer: a redelivery needs no new row to be answered.
    public func ingest(
        _ sms: InboundSMS, received: ReceivedWebhook, answer: @escaping AnswerRenderer<InboundOutcome>
    ) async throws -> WebhookAnswer {
        do {
            return try await ingestQueue.submit { db in try self.ingest(db, sms, received: received, answer: answer, now: self.clock.now) }
        } catch {
            guard let known = try? await firstAnswer(dedupeKey: Self.inboundDedupeKey(messageSid: sms.sid)) else { throw error }
            return known
        }
    }

    /// Ingests a status callback, with group commit and the same recall of a first answer,
    /// as ``ingest(_:received:answer:)``.
    public func ingest(
        _ callback: StatusCallback, received: ReceivedWebhook, answer: @escaping AnswerRenderer<WebhookVerdict>
    ) async throws -> WebhookAnswer {
        do {
            return try await ingestQueue.submit { db in
                try self.ingest(db, callback, received: received, answer: answer, now: self.clock.now)
            }
        } catch {
            let key = Self.statusDedupeKey(messageSid: callback.sid, status: callback.status)
            guard let known = try? await firstAnswer(dedupeKey: key) else { throw error }
            return known
        }
    }

    // MARK: - Routing

    /// Applies the one routing decision of Core (``InboundRoute``, ``RelayDecision``) to the
    /// store: the facts are read here, the rules live there.
    func route(_ db: Database, _ sms: InboundSMS, to number: MessageNumber, now: Date) throws -> InboundOutcome {
        let sender = try db.fetchFirst(hot: .sitterByPhone, Sitter.init(hotRow:), number.orgId, sms.from)
        let owner = try number.assignedSitterId.flatMap { try db.fetchFirst(hot: .sitterById, Sitter.init(hotRow:), $0) }
        return try route(db, sms, facts: RoutingFacts(number: number, sender: sender, numberSitter: owner), now: now)
    }

    /// Routes with the facts read already (by one joined read, on the webhook path).
    private func route(_ db: Database, _ sms: InboundSMS, facts: RoutingFacts, now: Date) throws -> InboundOutcome {
        let number = facts.number, sender = facts.sender
        let orgId = number.orgId
        let consent = ConsentKeyword.detect(body: sms.body, optOutType: sms.optOutType)
        let route = InboundRoute.decide(
            number: .init(numberClass: number.numberClass, assignedSitterId: number.assignedSitterId),
            senderSitterId: sender?.id, body: sms.body, consent: consent)

        switch (route, sender) {
        case (.unrouted, _):
            return InboundOutcome(verdict: .unrouted)

        case (.offerCommand(_, let command), let sitter?):
            let thread = try ownerSitterThread(db, sitter: sitter, now: now)
            let stored = try store(db, sms, in: thread, actor: .sitter, now: now)
            let reply = try answerOffer(db, sitter: sitter, command: command, channel: "sms", now: now)
            return InboundOutcome(verdict: .accepted, replies: [try systemReply(db, reply.text, in: stored.thread, now: now)])

        case (.sitterToClient, let sitter?):
            return try relay(db, sms, from: sitter, on: number, now: now)

        case (.sitterToOwner, var sitter?):
            if let consent { try applyConsent(db, consent, contact: &sitter, now: now) }
            try store(db, sms, in: ownerSitterThread(db, sitter: sitter, now: now), actor: .sitter, now: now)
            return InboundOutcome(verdict: .accepted)

        case (.clientToSitter(let sitterId), _):
            var client = try findOrCreateClient(db, orgId: orgId, phone: sms.from)
            if let consent { try applyConsent(db, consent, contact: &client, now: now) }
            let thread = try clientThread(db, client: client, number: number, sitterId: sitterId, now: now)
            let stored = try store(db, sms, in: thread, actor: .client, now: now, requiresResponse: consent == nil)
            // Forwarded to the sitter whose conversation it is, from her masked number, so she
            // can answer through it; a thread reassigned away from the number's sitter is the
            // owner's to handle (its new sitter could not answer through this number).
            guard consent == nil, let threadId = stored.thread.id, stored.thread.assignedSitterId == sitterId,
                let assigned = facts.numberSitter, assigned.id == sitterId, assigned.active, !assigned.optedOut
            else { return InboundOutcome(verdict: .accepted) }
            let label = RelayCandidate(threadId: threadId, clientName: client.name, isWaiting: true).label
            let forward = OutboundSMS(
                text: sms.body.isEmpty ? label + ":" : "\(label): \(sms.body)", to: assigned.phoneE164, from: number.e164,
                media: sms.media)
            return InboundOutcome(verdict: .accepted, replies: [forward])

        case (.clientToFrontDesk, _):
            var client = try findOrCreateClient(db, orgId: orgId, phone: sms.from)
            if let consent { try applyConsent(db, consent, contact: &client, now: now) }
            let thread = try clientThread(db, client: client, number: number, sitterId: nil, now: now)
            try store(db, sms, in: thread, actor: .client, now: now, requiresResponse: consent == nil)
            return InboundOutcome(verdict: .accepted)

        case (.offerCommand, nil), (.sitterToClient, nil), (.sitterToOwner, nil):
            preconditionFailure("InboundRoute.decide returns sitter routes only for a sitter's phone")
        }
    }

    /// A sitter's text to her own masked number: relayed to the one client it is certainly
    /// for, else kept for the office and the sitter told how to choose (SPEC §3.5).
    private func relay(_ db: Database, _ sms: InboundSMS, from sitter: Sitter, on number: MessageNumber, now: Date) throws -> InboundOutcome {
        let candidates = try relayCandidates(db, sitterId: sitter.id!, number: number.e164)
        let decision = RelayDecision.decide(body: sms.body, candidates: candidates)
        if case .relay(let threadId, let body) = decision,
            let thread = try MessageThread.fetchOne(db, key: threadId), let client = thread.counterpartE164
        {
            var relayed = sms
            relayed.body = body
            let stored = try store(db, relayed, in: thread, direction: .outbound, actor: .sitter, status: .queued, now: now)
            let message = OutboundSMS(
                text: body, to: client, from: number.e164, media: sms.media, statusEventId: stored.event.id)
            return InboundOutcome(verdict: .accepted, replies: [message])
        }
        let held = try store(db, sms, in: ownerSitterThread(db, sitter: sitter, now: now), actor: .sitter, now: now)
        guard let notice = decision.sitterNotice else { return InboundOutcome(verdict: .accepted) }
        return InboundOutcome(verdict: .accepted, replies: [try systemReply(db, notice, in: held.thread, now: now)])
    }

    /// The client threads on `number` in the sitter's mailbox now, newest first.
    func relayCandidates(_ db: Database, sitterId: RowID, number: String) throws -> [RelayCandidate] {
        let statement = try HotStatementSet.statement(.relayCandidates, in: db)
        statement.bindHot(sitterId, number)
        return try Row.fetchAll(statement).map { row in
            RelayCandidate(threadId: row[0], clientName: row[1], isWaiting: row[2], clientOptedOut: row[3])
        }
    }

    /// A text the system answers the sender with, kept in `thread` so the owner sees the
    /// exchange, and queued until Twilio reports its status through the answer's `action`.
    private func systemReply(_ db: Database, _ text: String, in thread: MessageThread, now: Date) throws -> OutboundSMS {
        let reply = try Self.appendMessage(
            db, to: thread, direction: .outbound, actor: .system, body: text, providerMessageSid: nil, at: now,
            deliveryStatus: .queued)
        return OutboundSMS(text: text, statusEventId: reply.event.id)
    }

    /// Stores a message of the webhook with its media. An inbound consent keyword (STOP,
    /// HELP…) asks for no answer, so the response link it would open is removed: it must not
    /// count against the sitter.
    @discardableResult
    private func store(
        _ db: Database, _ sms: InboundSMS, in thread: MessageThread, direction: MessageDirection = .inbound,
        actor: ActorType, status: DeliveryStatus = .received, now: Date, requiresResponse: Bool = true
    ) throws -> AppendedMessage {
        let appended = try append(
            db, to: thread, direction: direction, actor: actor, body: sms.body, sid: sms.sid, status: status, now: now)
        if !requiresResponse, let link = appended.openedLink {
            _ = try link.delete(db)
        }
        for (position, item) in sms.media.enumerated() {
            try db.run(hot: .insertMedia, appended.event.id, position, item.url, item.contentType)
        }
        return appended
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
        if let client = try db.fetchFirst(hot: .clientByPhone, Client.init(hotRow:), orgId, phone) {
            return client
        }
        var client = Client(orgId: orgId, name: nil, phoneE164: phone)
        client.id = try db.insert(hot: .insertClient, client.orgId, client.name, client.phoneE164, client.optedOut)
        return client
    }

    /// The conversation between `client` and `number`, created when new: in `sitterId`'s
    /// mailbox (scope `client_booking` when the client has a booking assigned to that sitter,
    /// else `client_general`), or unassigned in the owner inbox when `sitterId` is nil.
    func clientThread(_ db: Database, client: Client, number: MessageNumber, sitterId: RowID?, now: Date) throws -> MessageThread {
        if let thread = try db.fetchFirst(
            hot: .clientThread, MessageThread.init(hotRow:), number.e164, client.phoneE164, number.orgId)
        {
            return thread
        }
        var bookingId: RowID?
        if let sitterId {
            // The booking the conversation is most likely about: the next one not yet over.
            bookingId = try db.fetchFirst(hot: .threadBooking, { row -> RowID in row[0] }, client.id, sitterId, now.storedText)
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
        if let thread = try db.fetchFirst(hot: .ownerSitterThread, MessageThread.init(hotRow:), sitter.id) {
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

    // MARK: - Receipts

    static func firstAnswer(_ db: Database, dedupeKey: String) throws -> (answer: WebhookAnswer, orgId: RowID?)? {
        try db.fetchFirst(hot: .receiptByDedupeKey, { row in
            (WebhookAnswer(statusCode: row[0], body: row[1], verdict: .duplicate), row[2])
        }, dedupeKey)
    }

    private func receipt(
        for received: ReceivedWebhook, sid: String?, dedupeKey: String?, orgId: RowID?, answer: WebhookAnswer, now: Date
    ) -> WebhookReceipt {
        WebhookReceipt(
            orgId: orgId, path: received.path, messageSid: sid, dedupeKey: dedupeKey, rawBody: received.rawBody,
            headers: received.headers.json, verdict: answer.verdict, statusCode: answer.statusCode,
            responseBody: answer.body, createdAt: now, latencySeconds: received.arrivedAt.map(Self.secondsSince))
    }

    /// Seconds from `instant` to now, on the monotonic clock.
    static func secondsSince(_ instant: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - instant
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// What routing a text needs to know of the number it was sent to: the number, the sitter
/// who sent it (when its sender is one of the org's sitters), and the sitter the number
/// belongs to (when it is a sitter's number).
struct RoutingFacts {
    var number: MessageNumber
    var sender: Sitter?
    var numberSitter: Sitter?

    /// Decodes a row of `HotSQL.numberAndSitters`.
    init(joinedRow row: HotRow) {
        number = MessageNumber(hotRow: row)
        sender = row.hasNull(atIndex: 5) ? nil : Sitter(hotRow: row, from: 5)
        numberSitter = row.hasNull(atIndex: 11) ? nil : Sitter(hotRow: row, from: 11)
    }

    init(number: MessageNumber, sender: Sitter?, numberSitter: Sitter?) {
        self.number = number
        self.sender = sender
        self.numberSitter = numberSitter
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
