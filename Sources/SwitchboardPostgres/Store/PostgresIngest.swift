import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The webhook path on PostgreSQL: the same steps as SQLite's `Ingest/Inbound.swift`, the
/// decisions taken by Core (``InboundRoute``, ``RelayDecision``, ``ConsentKeyword``), with
/// what several listeners on one database need:
///
/// - a `MessageSid` is ingested by one transaction at a time, whichever listener it reached
///   (an advisory lock on its dedupe key), and its receipt is inserted `ON CONFLICT DO
///   NOTHING` on the unique `dedupe_key`: a listener that finds the sid stored (or loses the
///   race) answers with the first answer stored, and stores nothing else.
extension PostgresStore {
    /// Thrown inside a transaction that found its receipt stored by another listener first.
    struct LostTheRace: Error {}

    public func ingest(
        _ sms: InboundSMS, received: ReceivedWebhook, answer render: @escaping AnswerRenderer<InboundOutcome>
    ) async throws -> WebhookAnswer {
        let key = AppDatabase.inboundDedupeKey(messageSid: sms.sid)
        let now = clock.now.storedPrecision
        do {
            return try await database.transaction { c in
                try await c.run("SELECT pg_advisory_xact_lock(hashtext(\(key)))")
                if let first = try await Self.firstAnswer(c, dedupeKey: key) {
                    try await Self.recordReceipt(c, received, sid: sms.sid, dedupeKey: nil, orgId: first.orgId, answer: first.answer, now: now)
                    return first.answer
                }
                var orgId: RowID?
                let outcome: InboundOutcome
                if try await c.exists("SELECT 1 FROM message_event WHERE provider_message_sid = \(sms.sid)") {
                    outcome = InboundOutcome(verdict: .duplicate)
                } else if let row = try await c.rows("SELECT \(unescaped: PostgresColumns.number) FROM message_number WHERE e164 = \(sms.to)").first {
                    let number = try MessageNumber(postgres: row)
                    orgId = number.orgId
                    outcome = try await route(c, sms, to: number, now: now)
                } else {
                    outcome = InboundOutcome(verdict: .unrouted)
                }
                let answer = render(outcome)
                try await Self.recordReceipt(c, received, sid: sms.sid, dedupeKey: key, orgId: orgId, answer: answer, now: now)
                return answer
            }
        } catch is LostTheRace {
            return try await firstAnswer(dedupeKey: key)
        }
    }

    public func ingest(
        _ callback: StatusCallback, received: ReceivedWebhook, answer render: @escaping AnswerRenderer<WebhookVerdict>
    ) async throws -> WebhookAnswer {
        let key = AppDatabase.statusDedupeKey(messageSid: callback.sid, status: callback.status)
        let now = clock.now.storedPrecision
        do {
            return try await database.transaction { c in
                try await c.run("SELECT pg_advisory_xact_lock(hashtext(\(key)))")
                if let first = try await Self.firstAnswer(c, dedupeKey: key) {
                    try await Self.recordReceipt(c, received, sid: callback.sid, dedupeKey: nil, orgId: first.orgId, answer: first.answer, now: now)
                    return first.answer
                }
                let event = try await Self.applyDeliveryStatus(c, callback, now: now)
                let answer = render(event == nil ? .ignored : .accepted)
                try await Self.recordReceipt(c, received, sid: callback.sid, dedupeKey: key, orgId: event?.orgId, answer: answer, now: now)
                return answer
            }
        } catch is LostTheRace {
            return try await firstAnswer(dedupeKey: key)
        }
    }

    public func recordRefusal(
        path: String, body: [UInt8], headers: ReceiptHeaders, verdict: WebhookVerdict, statusCode: Int, reason: String,
        arrivedAt: ContinuousClock.Instant?
    ) async throws {
        let now = clock.now.storedPrecision
        // PostgreSQL's text holds no NUL: like SQLite's sample, it becomes U+FFFD.
        let sample = String(decoding: body.prefix(AppDatabase.refusedBodyLimit), as: UTF8.self)
            .replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        let latency = arrivedAt.map(Self.secondsSince)
        let limit = AppDatabase.refusedSampleLimit
        try await database.transaction { c in
            try await c.run(
                """
                INSERT INTO webhook_receipt (org_id, path, message_sid, dedupe_key, raw_body, headers, verdict, status_code,
                    response_body, created_at, latency_seconds)
                VALUES (NULL, \(String(path.prefix(512))), NULL, NULL, \(sample), \(headers.json), \(verdict.rawValue),
                    \(Int64(statusCode)), \(reason), \(now), \(latency))
                """)
            try await Self.tally(c, verdict, at: now)
            try await c.run(
                """
                DELETE FROM webhook_receipt WHERE verdict = \(verdict.rawValue) AND id <= (
                    SELECT id FROM webhook_receipt WHERE verdict = \(verdict.rawValue) ORDER BY id DESC LIMIT 1 OFFSET \(Int64(limit)))
                """)
        }
    }

    // MARK: - Receipts

    func firstAnswer(dedupeKey: String) async throws -> WebhookAnswer {
        try await database.transaction { c in
            guard let first = try await Self.firstAnswer(c, dedupeKey: dedupeKey) else {
                throw StoreError(.notFound, "the receipt of \(dedupeKey) vanished after another listener stored it")
            }
            return first.answer
        }
    }

    static func firstAnswer(_ c: PostgresConnection, dedupeKey: String) async throws -> (answer: WebhookAnswer, orgId: RowID?)? {
        guard let row = try await c.rows(
            "SELECT status_code, response_body, org_id FROM webhook_receipt WHERE dedupe_key = \(dedupeKey)").first
        else { return nil }
        let (status, body, orgId) = try row.decode((Int64, String, Int64?).self)
        return (WebhookAnswer(statusCode: Int(status), body: body, verdict: .duplicate), orgId)
    }

    /// The receipt (and the tally). With a dedupe key, another listener's receipt stored
    /// first means this transaction lost the race: it is rolled back and the first answer given.
    static func recordReceipt(
        _ c: PostgresConnection, _ received: ReceivedWebhook, sid: String?, dedupeKey: String?, orgId: RowID?,
        answer: WebhookAnswer, now: Date
    ) async throws {
        let latency = received.arrivedAt.map(secondsSince)
        let inserted = try await c.rows(
            """
            INSERT INTO webhook_receipt (org_id, path, message_sid, dedupe_key, raw_body, headers, verdict, status_code,
                response_body, created_at, latency_seconds)
            VALUES (\(orgId), \(received.path), \(sid), \(dedupeKey), \(received.rawBody), \(received.headers.json),
                \(answer.verdict.rawValue), \(Int64(answer.statusCode)), \(answer.body), \(now), \(latency))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
            """)
        if inserted.isEmpty { throw LostTheRace() }
        try await tally(c, answer.verdict, at: now)
        if answer.verdict == .duplicate, dedupeKey == nil {
            let limit = Int64(AppDatabase.duplicateSampleLimit)
            try await c.run(
                """
                DELETE FROM webhook_receipt WHERE verdict = 'duplicate' AND dedupe_key IS NULL AND id <= (
                    SELECT id FROM webhook_receipt WHERE verdict = 'duplicate' AND dedupe_key IS NULL ORDER BY id DESC LIMIT 1 OFFSET \(limit))
                """)
        }
    }

    static func tally(_ c: PostgresConnection, _ verdict: WebhookVerdict, at now: Date) async throws {
        try await c.run(
            """
            INSERT INTO webhook_tally (verdict, count, last_at) VALUES (\(verdict.rawValue), 1, \(now))
            ON CONFLICT (verdict) DO UPDATE SET count = webhook_tally.count + 1, last_at = excluded.last_at
            """)
    }

    static func secondsSince(_ instant: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - instant
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    // MARK: - Routing

    /// SQLite's `route`: the facts read here, the rules Core's.
    func route(_ c: PostgresConnection, _ sms: InboundSMS, to number: MessageNumber, now: Date) async throws -> InboundOutcome {
        let orgId = number.orgId
        let sender = try await c.rows(
            "SELECT \(unescaped: PostgresColumns.sitter) FROM sitter WHERE org_id = \(orgId) AND phone_e164 = \(sms.from)"
        ).first.map(Sitter.init(postgres:))
        let consent = ConsentKeyword.detect(body: sms.body, optOutType: sms.optOutType)
        let route = InboundRoute.decide(
            number: .init(numberClass: number.numberClass, assignedSitterId: number.assignedSitterId),
            senderSitterId: sender?.id, body: sms.body, consent: consent)

        switch (route, sender) {
        case (.unrouted, _):
            return InboundOutcome(verdict: .unrouted)

        case (.offerCommand(_, let command), let sitter?):
            let thread = try await Self.ownerSitterThread(c, sitter: sitter, now: now)
            let stored = try await store(c, sms, in: thread, actor: .sitter, now: now)
            let reply = try await answerOffer(c, sitter: sitter, command: command, channel: "sms", now: now)
            return InboundOutcome(verdict: .accepted, replies: [try await systemReply(c, reply.text, in: stored.thread, now: now)])

        case (.sitterToClient, let sitter?):
            return try await relay(c, sms, from: sitter, on: number, now: now)

        case (.sitterToOwner, var sitter?):
            if let consent { try await applyConsent(c, consent, table: "sitter", key: "sitter_id", id: sitter.id!, orgId: sitter.orgId, phone: sitter.phoneE164, optedOut: &sitter.optedOut, now: now) }
            try await store(c, sms, in: Self.ownerSitterThread(c, sitter: sitter, now: now), actor: .sitter, now: now)
            return InboundOutcome(verdict: .accepted)

        case (.clientToSitter(let sitterId), _):
            var client = try await findOrCreateClient(c, orgId: orgId, phone: sms.from)
            if let consent { try await applyConsent(c, consent, table: "client", key: "client_id", id: client.id!, orgId: client.orgId, phone: client.phoneE164, optedOut: &client.optedOut, now: now) }
            let thread = try await clientThread(c, client: client, number: number, sitterId: sitterId, now: now)
            let stored = try await store(c, sms, in: thread, actor: .client, now: now, requiresResponse: consent == nil)
            guard consent == nil, let threadId = stored.thread.id, stored.thread.assignedSitterId == sitterId,
                let assigned = try await c.rows("SELECT \(unescaped: PostgresColumns.sitter) FROM sitter WHERE id = \(sitterId)")
                    .first.map(Sitter.init(postgres:)),
                assigned.active, !assigned.optedOut
            else { return InboundOutcome(verdict: .accepted) }
            let label = RelayCandidate(threadId: threadId, clientName: client.name, isWaiting: true).label
            let forward = OutboundSMS(
                text: sms.body.isEmpty ? label + ":" : "\(label): \(sms.body)", to: assigned.phoneE164, from: number.e164,
                media: sms.media)
            return InboundOutcome(verdict: .accepted, replies: [forward])

        case (.clientToFrontDesk, _):
            var client = try await findOrCreateClient(c, orgId: orgId, phone: sms.from)
            if let consent { try await applyConsent(c, consent, table: "client", key: "client_id", id: client.id!, orgId: client.orgId, phone: client.phoneE164, optedOut: &client.optedOut, now: now) }
            let thread = try await clientThread(c, client: client, number: number, sitterId: nil, now: now)
            try await store(c, sms, in: thread, actor: .client, now: now, requiresResponse: consent == nil)
            return InboundOutcome(verdict: .accepted)

        case (.offerCommand, nil), (.sitterToClient, nil), (.sitterToOwner, nil):
            throw StoreError(.refused, "a sitter's route was decided for a phone that is no sitter's; this is a bug in Switchboard")
        }
    }

    private func relay(_ c: PostgresConnection, _ sms: InboundSMS, from sitter: Sitter, on number: MessageNumber, now: Date) async throws
        -> InboundOutcome
    {
        var candidates: [RelayCandidate] = []
        for row in try await c.rows(
            """
            SELECT message_thread.id, client.name,
                   EXISTS (SELECT 1 FROM message_response_link
                           WHERE thread_id = message_thread.id AND response_event_id IS NULL),
                   coalesce(client.opted_out, false)
            FROM message_thread
            LEFT JOIN client ON client.id = message_thread.client_id
            WHERE message_thread.assigned_sitter_id = \(sitter.id!)
              AND message_thread.scope IN ('client_booking','client_general')
              AND message_thread.masked_number_e164 = \(number.e164)
            ORDER BY message_thread.last_message_at DESC, message_thread.id DESC
            """)
        {
            let (id, name, waiting, optedOut) = try row.decode((Int64, String?, Bool, Bool).self)
            candidates.append(RelayCandidate(threadId: id, clientName: name, isWaiting: waiting, clientOptedOut: optedOut))
        }
        let decision = RelayDecision.decide(body: sms.body, candidates: candidates)
        if case .relay(let threadId, let body) = decision,
            let thread = try await Self.thread(c, id: threadId), let client = thread.counterpartE164
        {
            var relayed = sms
            relayed.body = body
            let stored = try await store(c, relayed, in: thread, direction: .outbound, actor: .sitter, status: .queued, now: now)
            let message = OutboundSMS(text: body, to: client, from: number.e164, media: sms.media, statusEventId: stored.event.id)
            return InboundOutcome(verdict: .accepted, replies: [message])
        }
        let held = try await store(c, sms, in: Self.ownerSitterThread(c, sitter: sitter, now: now), actor: .sitter, now: now)
        guard let notice = decision.sitterNotice else { return InboundOutcome(verdict: .accepted) }
        return InboundOutcome(verdict: .accepted, replies: [try await systemReply(c, notice, in: held.thread, now: now)])
    }

    func systemReply(_ c: PostgresConnection, _ text: String, in thread: MessageThread, now: Date) async throws -> OutboundSMS {
        let reply = try await Self.append(
            c, to: thread, direction: .outbound, actor: .system, body: text, sid: nil, status: .queued, now: now)
        return OutboundSMS(text: text, statusEventId: reply.event.id)
    }

    @discardableResult
    private func store(
        _ c: PostgresConnection, _ sms: InboundSMS, in thread: MessageThread, direction: MessageDirection = .inbound,
        actor: ActorType, status: DeliveryStatus = .received, now: Date, requiresResponse: Bool = true
    ) async throws -> Appended {
        let appended = try await Self.append(
            c, to: thread, direction: direction, actor: actor, body: sms.body, sid: sms.sid, status: status, now: now)
        if !requiresResponse, let link = appended.openedLinkId {
            try await c.run("DELETE FROM message_response_link WHERE id = \(link)")
        }
        for (position, item) in sms.media.enumerated() {
            try await c.run(
                """
                INSERT INTO message_media (message_event_id, position, url, content_type)
                VALUES (\(appended.event.id!), \(Int64(position)), \(item.url), \(item.contentType))
                """)
        }
        return appended
    }

    /// A STOP/START from a client or a sitter: the same rule and audit row for both.
    private func applyConsent(
        _ c: PostgresConnection, _ consent: ConsentKeyword, table: String, key: String, id: RowID, orgId: RowID, phone: String,
        optedOut: inout Bool, now: Date
    ) async throws {
        guard consent != .help, optedOut != (consent == .optOut) else { return }
        optedOut = consent == .optOut
        let value = optedOut
        if table == "sitter" {
            try await c.run("UPDATE sitter SET opted_out = \(value) WHERE id = \(id)")
        } else {
            try await c.run("UPDATE client SET opted_out = \(value) WHERE id = \(id)")
        }
        try await Self.logEvent(
            c, orgId: orgId, type: optedOut ? "contact.opted_out" : "contact.opted_in",
            metadata: [key: String(id), "phone": phone], at: now)
    }

    // MARK: - Threads, contacts, messages

    static func thread(_ c: PostgresConnection, id: RowID) async throws -> MessageThread? {
        try await c.rows("SELECT \(unescaped: PostgresColumns.thread) FROM message_thread WHERE id = \(id)").first.map(MessageThread.init(postgres:))
    }

    func findOrCreateClient(_ c: PostgresConnection, orgId: RowID, phone: String) async throws -> Client {
        if let row = try await c.rows(
            "SELECT \(unescaped: PostgresColumns.client) FROM client WHERE org_id = \(orgId) AND phone_e164 = \(phone)").first
        {
            return try Client(postgres: row)
        }
        // Two listeners meeting a new client at once: one insert wins, both use its row.
        try await c.run(
            "INSERT INTO client (org_id, name, phone_e164, opted_out) VALUES (\(orgId), NULL, \(phone), false) ON CONFLICT DO NOTHING")
        guard let row = try await c.rows(
            "SELECT \(unescaped: PostgresColumns.client) FROM client WHERE org_id = \(orgId) AND phone_e164 = \(phone)").first
        else { throw StoreError(.notFound, "the client \(phone) could not be stored") }
        return try Client(postgres: row)
    }

    func clientThread(_ c: PostgresConnection, client: Client, number: MessageNumber, sitterId: RowID?, now: Date) async throws
        -> MessageThread
    {
        if let row = try await c.rows(
            """
            SELECT \(unescaped: PostgresColumns.thread) FROM message_thread
            WHERE masked_number_e164 = \(number.e164) AND counterpart_e164 = \(client.phoneE164) AND org_id = \(number.orgId)
              AND scope IN ('client_booking','client_general')
            ORDER BY last_message_at DESC, id DESC LIMIT 1
            """).first
        {
            return try MessageThread(postgres: row)
        }
        var bookingId: RowID?
        if let sitterId {
            bookingId = try await c.first(
                """
                SELECT id FROM booking WHERE client_id = \(client.id!) AND sitter_id = \(sitterId) AND status = 'assigned'
                ORDER BY ends_at < \(now), starts_at LIMIT 1
                """, as: Int64.self)
        }
        var thread = MessageThread(
            orgId: number.orgId, assignedSitterId: sitterId, scope: bookingId == nil ? .clientGeneral : .clientBooking,
            bookingId: bookingId, clientId: client.id, counterpartE164: client.phoneE164, maskedNumberE164: number.e164,
            numberClass: number.numberClass, createdAt: now)
        thread.id = try await Self.insertThread(c, thread)
        return thread
    }

    static func ownerSitterThread(_ c: PostgresConnection, sitter: Sitter, now: Date) async throws -> MessageThread {
        if let row = try await c.rows(
            """
            SELECT \(unescaped: PostgresColumns.thread) FROM message_thread
            WHERE assigned_sitter_id = \(sitter.id!) AND scope = 'owner_sitter'
            ORDER BY last_message_at DESC, id DESC LIMIT 1
            """).first
        {
            return try MessageThread(postgres: row)
        }
        let frontDesk = try await c.first(
            "SELECT e164 FROM message_number WHERE org_id = \(sitter.orgId) AND number_class = 'front_desk' ORDER BY id LIMIT 1",
            as: String.self)
        var thread = MessageThread(
            orgId: sitter.orgId, assignedSitterId: sitter.id, scope: .ownerSitter, counterpartE164: sitter.phoneE164,
            maskedNumberE164: frontDesk, numberClass: .frontDesk, createdAt: now)
        thread.id = try await insertThread(c, thread)
        return thread
    }

    static func insertThread(_ c: PostgresConnection, _ thread: MessageThread) async throws -> RowID {
        guard let id = try await c.first(
            """
            INSERT INTO message_thread (org_id, assigned_sitter_id, scope, booking_id, client_id, counterpart_e164,
                masked_number_e164, number_class, created_at, last_message_at, unread)
            VALUES (\(thread.orgId), \(thread.assignedSitterId), \(thread.scope.rawValue), \(thread.bookingId), \(thread.clientId),
                \(thread.counterpartE164), \(thread.maskedNumberE164), \(thread.numberClass?.rawValue), \(thread.createdAt),
                \(thread.lastMessageAt), \(Int64(thread.unread)))
            RETURNING id
            """, as: Int64.self)
        else { throw StoreError(.notFound, "a new thread was not stored") }
        return id
    }

    /// What appending one message changed.
    struct Appended {
        var event: MessageEvent
        var thread: MessageThread
        var openedLinkId: RowID?
    }

    /// SQLite's `appendMessage`: the message, the thread's `last_message_at` and `unread`,
    /// and the response links of SPEC §5 (a client's message opens one; the first later
    /// answer closes it and marks the sitter's metrics stale).
    static func append(
        _ c: PostgresConnection, to thread: MessageThread, direction: MessageDirection, actor: ActorType, body: String,
        sid: String?, status: DeliveryStatus?, now: Date
    ) async throws -> Appended {
        guard let threadId = thread.id else { throw StoreError(.notFound, "cannot append to a thread that was never saved") }
        var event = MessageEvent(
            orgId: thread.orgId, threadId: threadId, direction: direction, actorType: actor, body: body,
            providerMessageSid: sid, createdAt: now, deliveryStatus: status)
        event.id = try await c.first(
            """
            INSERT INTO message_event (org_id, thread_id, direction, actor_type, body, provider_message_sid, created_at, delivery_status)
            VALUES (\(thread.orgId), \(threadId), \(direction.rawValue), \(actor.rawValue), \(body), \(sid), \(now), \(status?.rawValue))
            RETURNING id
            """, as: Int64.self)
        var thread = thread
        if now >= thread.lastMessageAt { thread.lastMessageAt = now }
        if direction == .inbound { thread.unread += 1 }
        try await c.run(
            "UPDATE message_thread SET last_message_at = \(thread.lastMessageAt), unread = \(Int64(thread.unread)) WHERE id = \(threadId)")
        var opened: RowID?
        let openRow = try await c.rows(
            "SELECT id, requires_at FROM message_response_link WHERE thread_id = \(threadId) AND response_event_id IS NULL LIMIT 1"
        ).first
        let open: (id: Int64, requiresAt: Date)? = try openRow.map { try $0.decode((Int64, Date).self) }
        if direction == .inbound, actor == .client, thread.scope.isClientThread, open == nil {
            opened = try await c.first(
                """
                INSERT INTO message_response_link (org_id, thread_id, requires_response_event_id, requires_at)
                VALUES (\(thread.orgId), \(threadId), \(event.id!), \(now)) RETURNING id
                """, as: Int64.self)
            if case .sitter(let sitterId) = thread.mailbox { try await markMetricsStale(c, sitterId: sitterId) }
        } else if direction == .outbound, let link = open, now >= link.requiresAt {
            try await c.run(
                """
                UPDATE message_response_link SET response_event_id = \(event.id!), response_seconds = \(now.timeIntervalSince(link.requiresAt))
                WHERE id = \(link.id)
                """)
            if case .sitter(let sitterId) = thread.mailbox { try await markMetricsStale(c, sitterId: sitterId) }
        }
        return Appended(event: event, thread: thread, openedLinkId: opened)
    }

    static func markMetricsStale(_ c: PostgresConnection, sitterId: RowID) async throws {
        try await c.run("INSERT INTO metrics_stale (sitter_id) VALUES (\(sitterId)) ON CONFLICT DO NOTHING")
    }

    static func logEvent(
        _ c: PostgresConnection, orgId: RowID, type: String, status: String = "ok", metadata: [String: String],
        bookingId: RowID? = nil, at now: Date
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        try await c.run(
            """
            INSERT INTO event_log (org_id, event_type, status, metadata, booking_id, created_at)
            VALUES (\(orgId), \(type), \(status), \(json), \(bookingId), \(now))
            """)
    }

    // MARK: - Delivery status

    /// SQLite's `applyDeliveryStatus`: applied unless the message is already further along.
    static func applyDeliveryStatus(_ c: PostgresConnection, _ callback: StatusCallback, now: Date) async throws -> MessageEvent? {
        let row: PostgresRow?
        if let eventId = callback.eventId {
            row = try await c.rows("SELECT \(unescaped: PostgresColumns.event) FROM message_event WHERE id = \(eventId) FOR UPDATE").first
        } else {
            row = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.event) FROM message_event WHERE provider_message_sid = \(callback.sid) FOR UPDATE"
            ).first
        }
        guard let row else { return nil }
        var event = try MessageEvent(postgres: row)
        guard event.direction == .outbound, let eventId = event.id else { return nil }
        var changed = false
        if callback.eventId != nil, event.providerMessageSid != callback.sid,
            try await !c.exists("SELECT 1 FROM message_event WHERE provider_message_sid = \(callback.sid)")
        {
            event.providerMessageSid = callback.sid
            try await c.run("UPDATE message_event SET provider_message_sid = \(callback.sid) WHERE id = \(eventId)")
            changed = true
        }
        let status = callback.status
        let isProgress = event.deliveryStatus.map { $0 != status && $0.progress <= status.progress } ?? true
        if isProgress {
            event.deliveryStatus = status
            try await c.run("UPDATE message_event SET delivery_status = \(status.rawValue) WHERE id = \(eventId)")
            changed = true
        }
        guard changed else { return event }
        try await c.run("UPDATE message_thread SET last_message_at = last_message_at WHERE id = \(event.threadId)")
        if isProgress, status == .failed || status == .undelivered {
            try await logEvent(
                c, orgId: event.orgId, type: "message.\(status.rawValue)", status: "error",
                metadata: ["message_sid": callback.sid, "error_code": callback.errorCode ?? "", "thread_id": String(event.threadId)],
                at: now)
        }
        return event
    }
}
