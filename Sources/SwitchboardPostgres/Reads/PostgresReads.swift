import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The console's reads on PostgreSQL, inside one read transaction (``PostgresReadConnection``):
/// the same questions as SQLite's `StoreReads`, with PostgreSQL's SQL, answered with the
/// same values. What the rows mean is decided once, in the store (`ReadShaping`).
struct PostgresReads: StoreReading {
    let session: PostgresReadSession

    /// The mailbox rule, spelt as the `message_thread_mailbox` index spells it, so a mailbox's
    /// list is a range of that index.
    private static let mailboxKey = PostgresMigrations.mailboxKey

    func orgs() throws -> [Org] { try session.records("SELECT id, name, time_zone FROM org ORDER BY id") }

    func threadCount(in mailbox: Mailbox, of orgId: RowID, matching search: String?) throws -> Int {
        if let search, !search.isEmpty {
            let pattern = ThreadSearch.likePattern(search)
            return try session.count(
                PostgresQuery(
                    unsafeSQL: "SELECT count(*) FROM message_thread WHERE \(Self.searchFilter(orgId: "$1", mailbox: "$2", pattern: "$3"))",
                    binds: try Self.binds(orgId, mailbox.key, pattern)))
        }
        return try session.count(
            "SELECT threads FROM mailbox_stats WHERE org_id = \(orgId) AND mailbox_key = \(mailbox.key)")
    }

    func threads(in mailbox: Mailbox, of orgId: RowID, matching search: String?, page: Page) throws -> [ThreadSummary] {
        if let search, !search.isEmpty {
            let pattern = ThreadSearch.likePattern(search)
            let ids = try session.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id FROM message_thread WHERE \(Self.searchFilter(orgId: "$1", mailbox: "$2", pattern: "$3"))
                        ORDER BY last_message_at DESC, id DESC LIMIT $4 OFFSET $5
                        """,
                    binds: try Self.binds(orgId, mailbox.key, pattern, Int64(page.limit), Int64(page.offset)))
            ).map { try $0[0].decode(Int64.self) }
            return try ids.compactMap(threadSummary)
        }
        return try session.rows(
            """
            WITH page AS (
                SELECT * FROM message_thread
                WHERE org_id = \(orgId) AND \(unescaped: Self.mailboxKey) = \(mailbox.key)
                ORDER BY last_message_at DESC, id DESC
                LIMIT \(Int64(page.limit)) OFFSET \(Int64(page.offset))
            )
            SELECT page.*,
                   client.name AS client_name, client.opted_out AS client_opted_out,
                   sitter.name AS sitter_name, sitter.opted_out AS sitter_opted_out,
                   booking.code AS booking_code,
                   (SELECT body FROM message_event
                    WHERE thread_id = page.id ORDER BY created_at DESC, id DESC LIMIT 1) AS last_body
            FROM page
            LEFT JOIN client ON client.id = page.client_id
            LEFT JOIN sitter ON sitter.id = page.assigned_sitter_id
            LEFT JOIN booking ON booking.id = page.booking_id
            ORDER BY page.last_message_at DESC, page.id DESC
            """
        ).map(Self.threadSummary)
    }

    func nextThread(in mailbox: Mailbox, of orgId: RowID, after threadId: RowID?, matching filter: ThreadFilter) throws -> RowID? {
        let condition =
            switch filter {
            case .unread: "unread > 0"
            case .unassigned: "scope IN ('client_booking', 'client_general') AND assigned_sitter_id IS NULL"
            }
        let base = "SELECT id FROM message_thread WHERE org_id = $1 AND \(Self.mailboxKey) = $2 AND \(condition)"
        let order = "ORDER BY last_message_at DESC, id DESC LIMIT 1"
        if let threadId, let thread = try thread(threadId),
            let next = try session.value(
                PostgresQuery(
                    unsafeSQL: "\(base) AND (last_message_at, id) < ($3, $4) \(order)",
                    binds: try Self.binds(orgId, mailbox.key, thread.lastMessageAt, threadId)),
                as: Int64.self)
        {
            return next
        }
        return try session.value(PostgresQuery(unsafeSQL: "\(base) \(order)", binds: try Self.binds(orgId, mailbox.key)), as: Int64.self)
    }

    func position(ofThread threadId: RowID, in mailbox: Mailbox, of orgId: RowID) throws -> Int? {
        guard let thread = try thread(threadId), thread.orgId == orgId, thread.mailbox == mailbox else { return nil }
        return try session.count(
            """
            SELECT count(*) FROM message_thread
            WHERE org_id = \(orgId) AND \(unescaped: Self.mailboxKey) = \(mailbox.key)
              AND (last_message_at, id) > (\(thread.lastMessageAt), \(threadId))
            """)
    }

    func unreadThreadCount(in mailbox: Mailbox, of orgId: RowID) throws -> Int {
        try session.count("SELECT unread_threads FROM mailbox_stats WHERE org_id = \(orgId) AND mailbox_key = \(mailbox.key)")
    }

    func unassignedThreadCount(of orgId: RowID) throws -> Int {
        try session.count("SELECT unassigned_threads FROM mailbox_stats WHERE org_id = \(orgId) AND mailbox_key = 0")
    }

    func sitterCount(of orgId: RowID) throws -> Int { try session.count("SELECT count(*) FROM sitter WHERE org_id = \(orgId)") }

    /// A sitters-pane row: the sitter, her unread threads, pending offers and tier. Her open
    /// offers are counted in her mailbox's row (migration v8), less those past their expiry
    /// that the sweep has not closed yet.
    private static let sitterMailboxColumns = """
        SELECT s.id, s.name, s.active, m.unread_threads,
          coalesce(m.offered, 0) - (SELECT count(*) FROM offer_event o
           WHERE o.org_id = s.org_id AND o.sitter_id = s.id AND o.status = 'offered' AND o.expires_at <= $1),
          (SELECT tier FROM sitter_metrics_window w WHERE w.sitter_id = s.id)
        FROM sitter s LEFT JOIN mailbox_stats m ON m.org_id = s.org_id AND m.mailbox_key = s.id
        """

    private static func sitterMailbox(_ row: PostgresRandomAccessRow) throws -> SitterMailbox {
        SitterMailbox(
            id: try row[0].decode(Int64.self), name: try row[1].decode(String.self),
            unread: Int(try row[3].decode(Int64?.self) ?? 0), pendingOffers: Int(try row[4].decode(Int64.self)),
            tier: try row[5].decode(String?.self), active: try row[2].decode(Bool.self))
    }

    func sitterMailboxes(of orgId: RowID, page: Page, now: Date) throws -> [SitterMailbox] {
        try session.rows(
            PostgresQuery(
                unsafeSQL: Self.sitterMailboxColumns + " WHERE s.org_id = $2 ORDER BY lower(s.name), s.id LIMIT $3 OFFSET $4",
                binds: try Self.binds(now, orgId, Int64(page.limit), Int64(page.offset)))
        ).map(Self.sitterMailbox)
    }

    func sitterMailbox(_ sitterId: RowID, now: Date) throws -> SitterMailbox? {
        try session.first(
            PostgresQuery(unsafeSQL: Self.sitterMailboxColumns + " WHERE s.id = $2", binds: try Self.binds(now, sitterId))
        ).map(Self.sitterMailbox)
    }

    func sitter(_ id: RowID) throws -> Sitter? {
        try session.records("SELECT * FROM sitter WHERE id = \(id)", as: Sitter.self).first
    }

    func thread(_ id: RowID) throws -> MessageThread? {
        try session.records("SELECT * FROM message_thread WHERE id = \(id)", as: MessageThread.self).first
    }

    func sitters(of orgId: RowID) throws -> [Sitter] {
        try session.records("SELECT * FROM sitter WHERE org_id = \(orgId) ORDER BY lower(name), id")
    }

    func tierRows(of orgId: RowID, page: Page) throws -> [TierRow] {
        let sitters: [Sitter] = try session.records(
            "SELECT * FROM sitter WHERE org_id = \(orgId) ORDER BY lower(name), id LIMIT \(Int64(page.limit)) OFFSET \(Int64(page.offset))")
        let ids = sitters.compactMap(\.id)
        let windows: [SitterMetricsWindow] = try session.records(
            "SELECT * FROM sitter_metrics_window WHERE sitter_id = ANY(\(ids))")
        let bySitter = Dictionary(windows.map { ($0.sitterId, $0) }, uniquingKeysWith: { first, _ in first })
        return sitters.map { TierRow(sitter: $0, window: $0.id.flatMap { bySitter[$0] }) }
    }

    func tierRow(ofSitter sitterId: RowID) throws -> TierRow? {
        guard let sitter = try sitter(sitterId) else { return nil }
        let window = try session.records(
            "SELECT * FROM sitter_metrics_window WHERE sitter_id = \(sitterId)", as: SitterMetricsWindow.self
        ).first
        return TierRow(sitter: sitter, window: window)
    }

    func messageCount(inThread threadId: RowID) throws -> Int {
        try session.count("SELECT count(*) FROM message_event WHERE thread_id = \(threadId)")
    }

    func firstMessages(inThread threadId: RowID, limit: Int) throws -> [MessageEvent] {
        try session.records(
            "SELECT * FROM message_event WHERE thread_id = \(threadId) ORDER BY created_at, id LIMIT \(Int64(limit))")
    }

    func messages(inThread threadId: RowID, limit: Int, skippingNewest skip: Int) throws -> [MessageEvent] {
        let newest: [MessageEvent] = try session.records(
            """
            SELECT * FROM message_event WHERE thread_id = \(threadId)
            ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit)) OFFSET \(Int64(skip))
            """)
        return newest.reversed()
    }

    func media(ofMessages messageIds: [RowID]) throws -> [RowID: [MediaItem]] {
        guard !messageIds.isEmpty else { return [:] }
        let rows: [MessageMedia] = try session.records(
            "SELECT * FROM message_media WHERE message_event_id = ANY(\(messageIds)) ORDER BY message_event_id, position")
        return Dictionary(grouping: rows, by: \.messageEventId).mapValues { media in
            media.map { MediaItem(url: $0.url, contentType: $0.contentType) }
        }
    }

    func outboxNotes(ofMessages messageIds: [RowID]) throws -> [RowID: OutboxNote] {
        guard !messageIds.isEmpty else { return [:] }
        var notes: [RowID: OutboxNote] = [:]
        for row in try session.rows(
            "SELECT message_event_id, attempts, next_attempt_at, last_error FROM outbox WHERE message_event_id = ANY(\(messageIds))")
        {
            notes[try row[0].decode(Int64.self)] = OutboxNote(
                attempts: Int(try row[1].decode(Int64.self)), nextAttemptAt: try row[2].decode(Date.self),
                lastError: try row[3].decode(String?.self))
        }
        return notes
    }

    func messageCount(inThread threadId: RowID, newerThan messageId: RowID) throws -> Int? {
        guard
            let createdAt = try session.value(
                "SELECT created_at FROM message_event WHERE id = \(messageId) AND thread_id = \(threadId)", as: Date.self)
        else { return nil }
        return try session.count(
            """
            SELECT count(*) FROM message_event
            WHERE thread_id = \(threadId) AND (created_at, id) > (\(createdAt), \(messageId))
            """)
    }

    func newestMessageId() throws -> RowID? { try session.value("SELECT max(id) FROM message_event", as: Int64.self) }

    func inboundMessageCount(after id: RowID) throws -> Int {
        try session.count("SELECT count(*) FROM message_event WHERE id > \(id) AND direction = 'inbound'")
    }

    func webhookCounts() throws -> WebhookCounts {
        var counts: [WebhookVerdict: Int] = [:]
        for row in try session.rows("SELECT verdict, count FROM webhook_tally") {
            if let verdict = WebhookVerdict(rawValue: try row[0].decode(String.self)) { counts[verdict] = Int(try row[1].decode(Int64.self)) }
        }
        return WebhookCounts(byVerdict: counts)
    }

    func unroutedMessages(limit: Int, offset: Int) throws -> [UnroutedMessage] {
        try session.records(
            "SELECT * FROM webhook_receipt WHERE verdict = 'unrouted' ORDER BY id DESC LIMIT \(Int64(limit)) OFFSET \(Int64(offset))",
            as: WebhookReceipt.self
        ).map(UnroutedMessage.init)
    }

    func pendingOffers(ofSitter sitterId: RowID, now: Date, limit: Int) throws -> [PendingOffer] {
        try session.rows(
            """
            SELECT booking.id, booking.code, booking.service, booking.starts_at, booking.ends_at,
                   offer_event.expires_at, client.name AS client_name
            FROM offer_event JOIN booking ON booking.id = offer_event.booking_id
            LEFT JOIN client ON client.id = booking.client_id
            WHERE offer_event.sitter_id = \(sitterId) AND offer_event.status = 'offered' AND offer_event.expires_at > \(now)
            ORDER BY booking.starts_at, booking.id LIMIT \(Int64(limit))
            """
        ).map { row in
            PendingOffer(
                bookingId: try row[0].decode(Int64.self), code: try row[1].decode(String.self), service: try row[2].decode(String.self),
                startsAt: try row[3].decode(Date.self), endsAt: try row[4].decode(Date.self), expiresAt: try row[5].decode(Date.self),
                clientName: try row[6].decode(String?.self))
        }
    }

    func openBookings(of orgId: RowID, limit: Int) throws -> [OpenBooking] {
        try session.rows(
            """
            SELECT booking.id, booking.code, booking.service, booking.starts_at, client.name
            FROM booking LEFT JOIN client ON client.id = booking.client_id
            WHERE booking.org_id = \(orgId) AND booking.status = 'open'
            ORDER BY booking.starts_at, booking.id LIMIT \(Int64(limit))
            """
        ).map { row in
            OpenBooking(
                id: try row[0].decode(Int64.self), code: try row[1].decode(String.self), service: try row[2].decode(String.self),
                clientName: try row[4].decode(String?.self), startsAt: try row[3].decode(Date.self))
        }
    }

    func sitter(named text: String) throws -> Sitter {
        try Sitter.named(text, among: session.records("SELECT * FROM sitter ORDER BY lower(name), id"))
    }

    func isThread(_ threadId: RowID, in mailbox: Mailbox) throws -> Bool {
        guard let thread = try thread(threadId) else { return false }
        return thread.mailbox == mailbox
    }

    func listenerState(now: Date) throws -> ListenerState {
        let listeners = try session.rows(
            "SELECT address, public_url, pid, started_at, heartbeat_at, stopped_at FROM listener_presence ORDER BY id DESC LIMIT 20"
        ).map { row in
            ListenerPresence(
                address: try row[0].decode(String.self), publicURL: try row[1].decode(String.self), pid: try row[2].decode(Int.self),
                startedAt: try row[3].decode(Date.self), heartbeatAt: try row[4].decode(Date.self), stoppedAt: try row[5].decode(Date?.self))
        }
        return ListenerState(newestFirst: listeners, now: now)
    }

    // MARK: Receipts

    func receipts(_ filter: ReceiptFilter) throws -> [ReceiptSummary] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let verdict = filter.verdict {
            binds.append(verdict.rawValue)
            conditions.append("verdict = $\(binds.count)")
        }
        if let since = filter.since {
            // PostgreSQL keeps no rowid order of its own to search: created_at is compared
            // directly, and ids still give the order.
            binds.append(since)
            conditions.append("created_at >= $\(binds.count)")
        }
        binds.append(Int64(max(0, filter.limit)))
        binds.append(Int64(max(0, filter.offset)))
        let sql = """
            SELECT * FROM webhook_receipt \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
            """
        return try session.records(PostgresQuery(unsafeSQL: sql, binds: binds), as: WebhookReceipt.self).map(ReceiptSummary.init)
    }

    func receiptCount(verdict: WebhookVerdict?, upTo cap: Int) throws -> Int {
        if let verdict {
            return try session.count(
                "SELECT count(*) FROM (SELECT 1 FROM webhook_receipt WHERE verdict = \(verdict.rawValue) LIMIT \(Int64(cap))) AS capped")
        }
        return try session.count("SELECT count(*) FROM (SELECT 1 FROM webhook_receipt LIMIT \(Int64(cap))) AS capped")
    }

    func receipt(id: RowID) throws -> ReceiptDetail? {
        try session.records("SELECT * FROM webhook_receipt WHERE id = \(id)", as: WebhookReceipt.self).first.map(ReceiptDetail.init)
    }

    func receipt(messageSid: String) throws -> ReceiptDetail? {
        try session.records(
            "SELECT * FROM webhook_receipt WHERE message_sid = \(messageSid) AND dedupe_key IS NOT NULL ORDER BY id LIMIT 1",
            as: WebhookReceipt.self
        ).first.map(ReceiptDetail.init)
    }

    func receiptPosition(of id: RowID, verdict: WebhookVerdict?) throws -> Int? {
        if let verdict {
            guard try session.first("SELECT 1 FROM webhook_receipt WHERE id = \(id) AND verdict = \(verdict.rawValue)") != nil
            else { return nil }
            return try session.count("SELECT count(*) FROM webhook_receipt WHERE id > \(id) AND verdict = \(verdict.rawValue)")
        }
        guard try session.first("SELECT 1 FROM webhook_receipt WHERE id = \(id)") != nil else { return nil }
        return try session.count("SELECT count(*) FROM webhook_receipt WHERE id > \(id)")
    }

    // MARK: Search and summaries

    /// A search: the other party's name or phone, or any message's body, ignoring case.
    private static func searchFilter(orgId: String, mailbox: String, pattern: String) -> String {
        """
        org_id = \(orgId) AND \(mailboxKey) = \(mailbox) AND (
            counterpart_e164 ILIKE \(pattern)
            OR EXISTS (SELECT 1 FROM client WHERE client.id = message_thread.client_id AND client.name ILIKE \(pattern))
            OR EXISTS (SELECT 1 FROM sitter WHERE sitter.id = message_thread.assigned_sitter_id AND sitter.name ILIKE \(pattern))
            OR EXISTS (SELECT 1 FROM message_event WHERE message_event.thread_id = message_thread.id AND body ILIKE \(pattern))
        )
        """
    }

    private func threadSummary(_ threadId: RowID) throws -> ThreadSummary? {
        try session.first(
            """
            SELECT message_thread.*,
                   client.name AS client_name, sitter.name AS sitter_name, booking.code AS booking_code,
                   client.opted_out AS client_opted_out, sitter.opted_out AS sitter_opted_out,
                   (SELECT body FROM message_event WHERE thread_id = message_thread.id
                    ORDER BY created_at DESC, id DESC LIMIT 1) AS last_body
            FROM message_thread
            LEFT JOIN client ON client.id = message_thread.client_id
            LEFT JOIN sitter ON sitter.id = message_thread.assigned_sitter_id
            LEFT JOIN booking ON booking.id = message_thread.booking_id
            WHERE message_thread.id = \(threadId)
            """
        ).map(Self.threadSummary)
    }

    private static func threadSummary(_ row: PostgresRandomAccessRow) throws -> ThreadSummary {
        let thread = try row.record(MessageThread.self)
        let optedOut = try row[thread.scope == .ownerSitter ? "sitter_opted_out" : "client_opted_out"].decode(Bool?.self)
        return ThreadSummary(
            thread: thread, clientName: try row["client_name"].decode(String?.self), sitterName: try row["sitter_name"].decode(String?.self),
            bookingCode: try row["booking_code"].decode(String?.self), lastBody: try row["last_body"].decode(String?.self),
            counterpartOptedOut: optedOut ?? false)
    }

    static func binds(_ values: any PostgresEncodable...) throws -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { try binds.append(value) }
        return binds
    }
}
