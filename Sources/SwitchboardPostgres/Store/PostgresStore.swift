import Foundation
import PostgresNIO
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore

/// The store on PostgreSQL: what `switchboard serve --db postgres://…` needs (webhooks,
/// YES/NO, the outbox, delivery status, presence, the expiry sweep, the tier engine, the
/// change stream), safe with several listeners on one database.
///
/// The other intents live beside it, by subject: `Reads/` (the console's reads, receipts,
/// exports), `Records/` (records, triage, offers, routing later), `Import/`.
public struct PostgresStore: Store {
    public let database: PostgresDatabase
    public let clock: WallClock
    public let tierSettings: TierSettings

    public init(database: PostgresDatabase, clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) {
        self.database = database
        self.clock = clock
        self.tierSettings = tierSettings
    }

    /// Connects to `location`, migrates it, and returns the store.
    public static func open(
        _ location: PostgresLocation, clock: WallClock = .system, tierSettings: TierSettings = TierSettings()
    ) async throws -> PostgresStore {
        PostgresStore(database: try await PostgresDatabase.open(location), clock: clock, tierSettings: tierSettings)
    }

    public var location: String { database.location.description }

    // MARK: - Changes

    public func changes() -> AsyncStream<Void> { database.changes() }
    public func outboxChanges() -> AsyncStream<Void> { database.outboxChanges() }
    /// PostgreSQL keeps its own log and vacuums itself: no upkeep of ours.
    public func upkeepServices() -> [any Service] { [] }
    public var walBytes: Int { 0 }
    /// Transactions are not grouped on PostgreSQL: the observer is never called.
    public func observeCommitBatches(_ observer: @escaping @Sendable (Int) -> Void) {}

    // MARK: - Presence

    public func publishListener(address: String, publicURL: String, pid: Int) async throws -> RowID {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            guard let id = try await c.first(
                """
                INSERT INTO listener_presence (pid, address, public_url, started_at, heartbeat_at)
                VALUES (\(Int64(pid)), \(address), \(publicURL), \(now), \(now)) RETURNING id
                """, as: Int64.self)
            else { throw StoreError(.notFound, "the listener's presence was not stored") }
            // Several listeners at once: keep the newest rows, enough for all of them.
            try await c.run("DELETE FROM listener_presence WHERE id <= \(id) - \(Int64(Self.presenceRowsKept))")
            return id
        }
    }

    static let presenceRowsKept = 20

    public func heartbeat(listenerId id: RowID) async throws {
        let now = clock.now.storedPrecision
        try await database.execute("UPDATE listener_presence SET heartbeat_at = \(now) WHERE id = \(id)")
    }

    public func retireListener(id: RowID) async throws {
        let now = clock.now.storedPrecision
        try await database.execute("UPDATE listener_presence SET stopped_at = \(now) WHERE id = \(id)")
    }

    public func listenerState() throws -> ListenerState {
        let now = clock.now
        return try database.blocking { try await listenerState(now: now) }
    }

    /// Up when any listener's heartbeat is fresh (several may be), else down since the last sign.
    func listenerState(now: Date) async throws -> ListenerState {
        let rows = try await database.client.query(
            """
            SELECT address, public_url, pid, started_at, heartbeat_at, stopped_at
            FROM listener_presence ORDER BY id DESC LIMIT \(Int64(Self.presenceRowsKept))
            """
        ).collect()
        var downSince: Date?
        for row in rows {
            let (address, publicURL, pid, started, heartbeat, stopped) = try row.decode((String, String, Int64, Date, Date, Date?).self)
            if stopped == nil, now.timeIntervalSince(heartbeat) <= AppDatabase.heartbeatTimeout {
                return .up(address: address, publicURL: publicURL, pid: Int(pid), since: started)
            }
            let since = stopped ?? heartbeat
            downSince = max(downSince ?? since, since)
        }
        return .down(since: downSince)
    }

    public func status() throws -> StoreStatus {
        let now = clock.now
        return try database.blocking {
            let listener = try await listenerState(now: now)
            let depth = try await outboxDepth()
            var last: StoreStatus.LastWebhook?
            if let row = try await database.client.query(
                "SELECT created_at, verdict, path, message_sid FROM webhook_receipt ORDER BY id DESC LIMIT 1"
            ).collect().first {
                let (at, verdict, path, sid) = try row.decode((Date, String, String, String?).self)
                last = StoreStatus.LastWebhook(at: at, verdict: try stored(verdict, as: WebhookVerdict.self), path: path, messageSid: sid)
            }
            var counts: [WebhookVerdict: Int] = [:]
            for row in try await database.client.query("SELECT verdict, count FROM webhook_tally").collect() {
                let (verdict, count) = try row.decode((String, Int64).self)
                if let verdict = WebhookVerdict(rawValue: verdict) { counts[verdict] = Int(count) }
            }
            return StoreStatus(listener: listener, queuedOutbound: depth, lastWebhook: last, webhooks: WebhookCounts(byVerdict: counts))
        }
    }

    // MARK: - Messages and the outbox

    public func markThreadRead(_ threadID: RowID) async throws {
        if sitterRoleId != nil {
            // Her role writes only through the function that checks the thread is hers.
            try await database.execute("SELECT switchboard_sitter_mark_read(\(threadID))")
            return
        }
        try await database.execute("UPDATE message_thread SET unread = 0 WHERE id = \(threadID) AND unread <> 0")
    }

    public func markThreadUnread(_ threadID: RowID, count: Int) async throws {
        let wanted = Int64(max(1, count))
        try await database.execute(
            """
            UPDATE message_thread SET unread = least(\(wanted), (SELECT count(*) FROM message_event WHERE thread_id = message_thread.id))
            WHERE id = \(threadID) AND unread < \(wanted)
            """)
    }


    /// The owner's (or a console's) reply: the same PL/pgSQL path a sitter's role writes through.
    public func queueOutbound(threadId: RowID, actor: ActorType, body: String) async throws -> PendingOutbound {
        let now = clock.now.storedPrecision
        do {
            return try await database.transaction { c in
                // A sitter's own role replies through the function that checks her mailbox.
                let queue: PostgresQuery =
                    sitterRoleId != nil
                    ? "SELECT switchboard_sitter_reply(\(threadId), \(body))"
                    : "SELECT switchboard_queue_outbound(\(threadId), \(actor.rawValue), \(body), NULL, \(now))"
                guard let eventId = try await c.first(queue, as: Int64.self),
                    let eventRow = try await c.rows("SELECT \(unescaped: PostgresColumns.event) FROM message_event WHERE id = \(eventId)").first,
                    let thread = try await Self.thread(c, id: threadId), let to = thread.counterpartE164, let from = thread.maskedNumberE164
                else { throw OutboundError(.notFound, "thread \(threadId) does not exist") }
                return PendingOutbound(event: try MessageEvent(postgres: eventRow), to: to, from: from)
            }
        } catch let error as PSQLError {
            if let refusal = Self.outboundError(error) { throw refusal }
            throw error
        }
    }

    /// The PL/pgSQL path's refusals as the store's ``OutboundError``s.
    static func outboundError(_ error: PSQLError) -> OutboundError? {
        guard let message = error.serverInfo?[.message] else { return nil }
        switch error.serverInfo?[.sqlState] {
        case "P0002": return OutboundError(.notFound, message)
        case "P0001" where message.contains("opted out"): return OutboundError(.optedOut, message)
        case "P0001": return OutboundError(.noRecipient, message)
        default: return nil
        }
    }

    /// Claims due messages with `FOR UPDATE SKIP LOCKED`: listeners claiming at the same
    /// moment take different rows, and a claim is a lease (as on SQLite) that another
    /// listener may take over once it ran out.
    public func claimDueOutbound(limit: Int) async throws -> [OutboxEntry] {
        let now = clock.now.storedPrecision
        let leaseEnd = now.addingTimeInterval(AppDatabase.outboxClaimLease)
        return try await database.transaction { c in
            let claimed = try await c.rows(
                """
                UPDATE outbox SET attempts = attempts + 1, claimed_until = \(leaseEnd)
                WHERE message_event_id IN (
                    SELECT message_event_id FROM outbox
                    WHERE next_attempt_at <= \(now) AND (claimed_until IS NULL OR claimed_until <= \(now))
                    ORDER BY next_attempt_at, message_event_id
                    LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING message_event_id, attempts
                """)
            var entries: [OutboxEntry] = []
            for row in claimed {
                let (eventId, attempt) = try row.decode((Int64, Int64).self)
                guard let eventRow = try await c.rows(
                    "SELECT \(unescaped: PostgresColumns.event) FROM message_event WHERE id = \(eventId)").first
                else { continue }
                let event = try MessageEvent(postgres: eventRow)
                guard let thread = try await Self.thread(c, id: event.threadId), let to = thread.counterpartE164,
                    let from = thread.maskedNumberE164
                else { continue }
                entries.append(OutboxEntry(message: PendingOutbound(event: event, to: to, from: from), attempt: Int(attempt)))
            }
            return entries.sorted { ($0.message.event.id ?? 0) < ($1.message.event.id ?? 0) }
        }
    }

    public func recordSent(eventId: RowID, messageSid: String, status: DeliveryStatus) async throws {
        try await database.transaction { c in
            try await c.run(
                "UPDATE message_event SET provider_message_sid = \(messageSid), delivery_status = \(status.rawValue) WHERE id = \(eventId)")
            try await c.run("DELETE FROM outbox WHERE message_event_id = \(eventId)")
        }
    }

    public func recordSendFailure(eventId: RowID, reason: String) async throws {
        let now = clock.now.storedPrecision
        try await database.transaction { c in
            try await c.run("DELETE FROM outbox WHERE message_event_id = \(eventId)")
            guard let row = try await c.rows(
                "UPDATE message_event SET delivery_status = 'failed' WHERE id = \(eventId) RETURNING org_id, thread_id").first
            else { return }
            let (orgId, threadId) = try row.decode((Int64, Int64).self)
            try await Self.logEvent(
                c, orgId: orgId, type: "message.failed", status: "error", metadata: ["reason": reason, "thread_id": String(threadId)],
                at: now)
        }
    }

    public func recordDeliveryFailure(eventId: RowID, reason: String, retryAt: Date?) async throws {
        guard let retryAt else { return try await recordSendFailure(eventId: eventId, reason: reason) }
        try await database.transaction { c in
            try await c.run(
                """
                UPDATE outbox SET next_attempt_at = \(retryAt.storedPrecision), claimed_until = NULL, last_error = \(reason)
                WHERE message_event_id = \(eventId)
                """)
            try await c.run(
                "UPDATE message_thread SET last_message_at = last_message_at WHERE id = (SELECT thread_id FROM message_event WHERE id = \(eventId))")
        }
    }

    public func applyDeliveryStatus(messageSid: String, status: DeliveryStatus, errorCode: String?) async throws -> MessageEvent? {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            try await Self.applyDeliveryStatus(c, StatusCallback(sid: messageSid, status: status, errorCode: errorCode), now: now)
        }
    }

    public func nextOutboundAttempt() throws -> Date? {
        try database.blocking {
            let next = try await database.client.query(
                "SELECT min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at))) FROM outbox"
            ).collect().first?.decode(Date?.self)
            return next ?? nil
        }
    }

    public func outboxDepth() async throws -> Int {
        let count = try await database.client.query("SELECT count(*) FROM outbox").collect().first?.decode(Int64.self)
        return Int(count ?? 0)
    }

    // MARK: - Offers

    public func expireOffers() async throws -> Int {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in try await expireOffers(c, now: now) }
    }

    // MARK: - Receipts

    public func pruneReceiptBodies(olderThan age: TimeInterval) async throws -> Int {
        let now = clock.now.storedPrecision
        let cutoff = now.addingTimeInterval(-age)
        return try await database.transaction { c in
            let due = try await c.rows(
                """
                SELECT id, raw_body FROM webhook_receipt
                WHERE verdict = 'accepted' AND created_at < \(cutoff) AND body_pruned_at IS NULL
                FOR UPDATE SKIP LOCKED
                """)
            for row in due {
                let (id, body) = try row.decode((Int64, String).self)
                let kept = (try? FormParameters.parse(Array(body.utf8)))
                    .map { FormParameters($0.pairs.filter { Self.parametersKeptByRetention.contains($0.name) }).encoded() } ?? ""
                try await c.run("UPDATE webhook_receipt SET raw_body = \(kept), body_pruned_at = \(now) WHERE id = \(id)")
            }
            return due.count
        }
    }

    /// The form parameters a pruned receipt keeps (SQLite's `parametersKeptByRetention`).
    static let parametersKeptByRetention: Set<String> = ["From", "To", "MessageStatus"]


    // MARK: - Reads not yet served

    public func population() throws -> (sitters: Int, clients: Int) {
        try database.blocking {
            let row = try await database.client.query("SELECT (SELECT count(*) FROM sitter), (SELECT count(*) FROM client)").collect()
            let (sitters, clients) = try row[0].decode((Int64, Int64).self)
            return (Int(sitters), Int(clients))
        }
    }
    public func storedCounts(messageSidPrefix prefix: String) throws -> (receipts: [String: Int], messages: [String: Int]) {
        try database.blocking {
            let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            var receipts: [String: Int] = [:]
            for row in try await database.client.query(
                "SELECT message_sid, count(*) FROM webhook_receipt WHERE message_sid LIKE \(pattern) AND dedupe_key IS NOT NULL GROUP BY message_sid"
            ).collect() {
                let (sid, count) = try row.decode((String, Int64).self)
                receipts[sid] = Int(count)
            }
            var messages: [String: Int] = [:]
            for row in try await database.client.query(
                "SELECT provider_message_sid, count(*) FROM message_event WHERE provider_message_sid LIKE \(pattern) GROUP BY provider_message_sid"
            ).collect() {
                let (sid, count) = try row.decode((String, Int64).self)
                messages[sid] = Int(count)
            }
            return (receipts, messages)
        }
    }

}
