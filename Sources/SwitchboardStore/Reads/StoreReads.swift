import Foundation
import GRDB
import SwitchboardCore

/// A sitter as the mailbox list shows it.
public struct SitterMailbox: Equatable, Sendable, Identifiable {
    public var id: RowID
    public var name: String
    /// Threads with unread messages in the sitter's mailbox.
    public var unread: Int
    public var pendingOffers: Int
    public var tier: String?
    public var active: Bool

    public init(id: RowID, name: String, unread: Int, pendingOffers: Int, tier: String?, active: Bool = true) {
        self.id = id
        self.name = name
        self.unread = unread
        self.pendingOffers = pendingOffers
        self.tier = tier
        self.active = active
    }
}

/// Which threads the triage keys jump between.
public enum ThreadFilter: Equatable, Sendable {
    case unread, unassigned
}

/// An offer waiting for a sitter's YES or NO, with its booking: for the answer picker.
public struct PendingOffer: Equatable, Sendable {
    public var bookingId: RowID
    public var code: String
    public var service: String
    public var startsAt: Date
    public var endsAt: Date
    public var expiresAt: Date
    public var clientName: String?

    public init(
        bookingId: RowID, code: String, service: String, startsAt: Date, endsAt: Date, expiresAt: Date, clientName: String?
    ) {
        self.bookingId = bookingId
        self.code = code
        self.service = service
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.expiresAt = expiresAt
        self.clientName = clientName
    }
}

/// An open booking, for the "offer a booking" picker.
public struct OpenBooking: Equatable, Sendable, Identifiable {
    public var id: RowID
    public var code: String
    public var service: String
    public var clientName: String?
    public var startsAt: Date

    public init(id: RowID, code: String, service: String, clientName: String?, startsAt: Date) {
        self.id = id
        self.code = code
        self.service = service
        self.clientName = clientName
        self.startsAt = startsAt
    }
}

/// One sitter's row of the tier table.
public struct TierRow: Equatable, Sendable {
    public var sitter: Sitter
    public var window: SitterMetricsWindow?

    public init(sitter: Sitter, window: SitterMetricsWindow?) {
        self.sitter = sitter
        self.window = window
    }
}

extension WebhookCounts {
    /// No webhook yet.
    public static let none = WebhookCounts(byVerdict: [:])
}

/// A page of a list: `limit` rows from position `offset`.
public struct Page: Equatable, Sendable {
    public var offset: Int
    public var limit: Int

    public init(offset: Int, limit: Int) {
        self.offset = offset
        self.limit = limit
    }
}

extension AppDatabase {
    /// Runs several reads in one read transaction, so together they see one committed state
    /// (a console screen: counts, a page of threads, the selected thread's messages).
    public func read<T>(_ reads: (any StoreReading) throws -> T) throws -> T {
        try reader.read { db in try reads(StoreReads(db: db)) }
    }
}

/// The reads one transaction offers, named for what they find. The connection stays inside
/// the store: callers ask by intent, never with SQL.
public struct StoreReads {
    let db: Database

    /// Every org of the database, by id: one database can serve several businesses.
    public func orgs() throws -> [Org] { try AppDatabase.orgs(db) }

    /// How many threads a mailbox holds, or how many of them match `search` (a name, a phone,
    /// or any message's text).
    public func threadCount(in mailbox: Mailbox, of orgId: RowID, matching search: String? = nil) throws -> Int {
        if let search, !search.isEmpty {
            return try AppDatabase.searchCount(db, orgId: orgId, mailbox: mailbox, text: search)
        }
        return try AppDatabase.threadCount(db, orgId: orgId, mailbox: mailbox)
    }

    /// A page of a mailbox's threads, newest first (matching `search` when given).
    public func threads(in mailbox: Mailbox, of orgId: RowID, matching search: String? = nil, page: Page) throws
        -> [ThreadSummary]
    {
        if let search, !search.isEmpty {
            return try AppDatabase.searchThreads(
                db, orgId: orgId, mailbox: mailbox, text: search, limit: page.limit, offset: page.offset)
        }
        return try AppDatabase.threads(db, orgId: orgId, mailbox: mailbox, limit: page.limit, offset: page.offset)
    }

    /// The next thread (older, wrapping round to the newest) after `threadId` in a mailbox
    /// that is unread or unassigned: what the triage keys jump to. Nil when there is none.
    public func nextThread(in mailbox: Mailbox, of orgId: RowID, after threadId: RowID?, matching filter: ThreadFilter) throws -> RowID? {
        let condition =
            switch filter {
            case .unread: "unread > 0"
            case .unassigned: "scope IN ('client_booking', 'client_general') AND assigned_sitter_id IS NULL"
            }
        let base = "SELECT id FROM message_thread WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ? AND \(condition)"
        let order = "ORDER BY last_message_at DESC, id DESC LIMIT 1"
        if let threadId, let thread = try MessageThread.fetchOne(db, key: threadId),
            let next = try RowID.fetchOne(
                db, sql: "\(base) AND (last_message_at, id) < (?, ?) \(order)",
                arguments: [orgId, mailbox.key, thread.lastMessageAt, threadId])
        {
            return next
        }
        return try RowID.fetchOne(db, sql: "\(base) \(order)", arguments: [orgId, mailbox.key])
    }

    /// Where a thread sits in its mailbox's list (0 = newest); nil when it is not there.
    public func position(ofThread threadId: RowID, in mailbox: Mailbox, of orgId: RowID) throws -> Int? {
        try AppDatabase.threadPosition(db, orgId: orgId, mailbox: mailbox, threadId: threadId)
    }

    /// Threads with unread messages in one mailbox.
    public func unreadThreadCount(in mailbox: Mailbox, of orgId: RowID) throws -> Int {
        try AppDatabase.unreadCount(db, orgId: orgId, mailbox: mailbox)
    }

    /// Client threads no sitter has: the owner's triage queue.
    public func unassignedThreadCount(of orgId: RowID) throws -> Int { try AppDatabase.unassignedCount(db, orgId: orgId) }

    public func sitterCount(of orgId: RowID) throws -> Int { try AppDatabase.sitterCount(db, orgId: orgId) }

    /// A page of the sitters, by name, each with unread threads, pending offers and tier.
    public func sitterMailboxes(of orgId: RowID, page: Page, now: Date) throws -> [SitterMailbox] {
        try AppDatabase.sitterMailboxes(db, orgId: orgId, offset: page.offset, limit: page.limit, now: now)
    }

    public func sitter(_ id: RowID) throws -> Sitter? {
        try db.cachedRow("SELECT \(Sitter.screenColumns) FROM sitter WHERE id = ?", [id], Sitter.init(screenRow:))
    }

    public func thread(_ id: RowID) throws -> MessageThread? { try AppDatabase.thread(db, id: id) }

    /// Every sitter of an org, by name.
    public func sitters(of orgId: RowID) throws -> [Sitter] { try AppDatabase.sitters(db, orgId: orgId) }

    /// A page of the tier table: sitters by name with their stored metrics.
    public func tierRows(of orgId: RowID, page: Page) throws -> [TierRow] {
        try AppDatabase.tierRows(db, orgId: orgId, offset: page.offset, limit: page.limit)
    }

    /// How many messages a thread holds.
    public func messageCount(inThread threadId: RowID) throws -> Int { try AppDatabase.messageCount(db, threadId: threadId) }

    /// A thread's first `limit` messages, oldest first.
    public func firstMessages(inThread threadId: RowID, limit: Int) throws -> [MessageEvent] {
        try db.cachedRows(
            "SELECT \(MessageEvent.screenColumns) FROM message_event WHERE thread_id = ? ORDER BY created_at, id LIMIT ?",
            [threadId, limit], MessageEvent.init(screenRow:))
    }

    /// The newest `limit` messages of a thread after skipping the `skip` newest, oldest first.
    public func messages(inThread threadId: RowID, limit: Int, skippingNewest skip: Int) throws -> [MessageEvent] {
        try AppDatabase.messages(db, threadId: threadId, limit: limit, skippingNewest: skip)
    }

    /// The photos and files of these messages (MMS), in Twilio's order, by message id.
    public func media(ofMessages messageIds: [RowID]) throws -> [RowID: [MediaItem]] {
        guard !messageIds.isEmpty else { return [:] }
        var media: [RowID: [MediaItem]] = [:]
        let sql = """
            SELECT message_event_id, url, content_type FROM message_media
            WHERE message_event_id IN (\(databaseQuestionMarks(count: messageIds.count)))
            ORDER BY message_event_id, position
            """
        for (messageId, item) in try db.cachedRows(sql, StatementArguments(messageIds), { row in
            (row[0] as RowID, MediaItem(url: row[1], contentType: row[2]))
        }) {
            media[messageId, default: []].append(item)
        }
        return media
    }

    /// Where those of `messageIds` that wait in the outbox stand (attempts, next try, last error).
    public func outboxNotes(ofMessages messageIds: [RowID]) throws -> [RowID: OutboxNote] {
        try AppDatabase.outboxNotes(db, ofMessages: messageIds)
    }

    /// How many messages of the thread come after `messageId`; nil when it is not in the thread.
    public func messageCount(inThread threadId: RowID, newerThan messageId: RowID) throws -> Int? {
        try AppDatabase.messagesNewer(db, than: messageId, threadId: threadId)
    }

    /// The newest message's id (messages are numbered in the order they are stored): where a
    /// paused console starts counting the texts that arrive.
    public func newestMessageId() throws -> RowID? {
        try db.cachedValue("SELECT max(id) FROM message_event")
    }

    /// Texts received (inbound messages) stored after message `id`: a range of the primary
    /// key, cheap however long the history.
    public func inboundMessageCount(after id: RowID) throws -> Int {
        try db.cachedValue("SELECT count(*) FROM message_event WHERE id > ? AND direction = 'inbound'", [id]) ?? 0
    }

    /// Webhooks received, by verdict.
    public func webhookCounts() throws -> WebhookCounts {
        var counts: [WebhookVerdict: Int] = [:]
        for (verdict, count) in try db.cachedRows("SELECT verdict, count FROM webhook_tally", []) { row in (row[0] as String, row[1] as Int) } {
            if let verdict = WebhookVerdict(rawValue: verdict) { counts[verdict] = count }
        }
        return WebhookCounts(byVerdict: counts)
    }

    /// Texts to numbers that are not ours, newest first: `limit` of them after the `offset` newest.
    public func unroutedMessages(limit: Int, offset: Int = 0) throws -> [UnroutedMessage] {
        try AppDatabase.unroutedMessages(db, limit: limit, offset: offset)
    }

    /// A sitter's offers still open to an answer (not expired), soonest booking first: what
    /// a YES or NO from that sitter could be about.
    public func pendingOffers(ofSitter sitterId: RowID, now: Date, limit: Int) throws -> [PendingOffer] {
        try db.cachedRows(
            """
            SELECT booking.id, booking.code, booking.service, booking.starts_at, booking.ends_at,
                   offer_event.expires_at, client.name AS client_name
            FROM offer_event JOIN booking ON booking.id = offer_event.booking_id
            LEFT JOIN client ON client.id = booking.client_id
            WHERE offer_event.sitter_id = ? AND offer_event.status = 'offered' AND offer_event.expires_at > ?
            ORDER BY booking.starts_at, booking.id LIMIT ?
            """,
            [sitterId, StoredDate.text(now), limit]
        ) { row in
            PendingOffer(
                bookingId: row[0], code: row[1], service: row[2], startsAt: row.storedDate(3), endsAt: row.storedDate(4),
                expiresAt: row.storedDate(5), clientName: row[6])
        }
    }

    /// Bookings still open, soonest first.
    public func openBookings(of orgId: RowID, limit: Int) throws -> [OpenBooking] {
        try AppDatabase.openBookings(db, orgId: orgId, limit: limit)
    }

    // MARK: One sitter's own view (`console --sitter`): nothing of the others

    /// The sitter's row of the sitters pane: her unread threads, pending offers and tier.
    public func sitterMailbox(_ sitterId: RowID, now: Date) throws -> SitterMailbox? {
        try AppDatabase.sitterMailbox(db, sitterId: sitterId, now: now)
    }

    /// The sitter's own tier figures.
    public func tierRow(ofSitter sitterId: RowID) throws -> TierRow? {
        try db.cachedRow(AppDatabase.tierRowColumns + " WHERE sitter.id = ?", [sitterId], AppDatabase.tierRow)
    }

    /// The sitter `text` names: her id, her whole name, or a part of it (first name) that
    /// names only her, ignoring case. Throws a sentence saying who the sitters are when it
    /// names none or several.
    public func sitter(named text: String) throws -> Sitter {
        try Sitter.named(text, among: Sitter.order(sql: "name COLLATE NOCASE, id").fetchAll(db))
    }

    /// Whether a thread is in `mailbox` by the mailbox rule: what a sitter's console checks
    /// before it acts on a thread.
    public func isThread(_ threadId: RowID, in mailbox: Mailbox) throws -> Bool {
        guard let thread = try AppDatabase.thread(db, id: threadId) else { return false }
        return Mailbox.of(assignedSitterID: thread.assignedSitterId, scope: thread.scope) == mailbox
    }
}

extension AppDatabase {
    // MARK: - Reads for the console's screens

    /// How many messages of the thread come after `messageId` (a range of the thread's
    /// index); nil when that message is not in the thread.
    static func messagesNewer(_ db: Database, than messageId: RowID, threadId: RowID) throws -> Int? {
        guard
            let createdAt = try db.cachedRow(
                "SELECT created_at FROM message_event WHERE id = ? AND thread_id = ?", [messageId, threadId], { $0[0] as DatabaseValue })
        else { return nil }
        return try db.cachedValue(
            """
            SELECT count(*) FROM message_event
            WHERE thread_id = ? AND (created_at, id) > (?, ?)
            """,
            [threadId, createdAt, messageId])
    }

    static func messageCount(_ db: Database, threadId: RowID) throws -> Int {
        try db.cachedValue("SELECT count(*) FROM message_event WHERE thread_id = ?", [threadId]) ?? 0
    }

    /// Where a thread sits in its mailbox's list (0 = newest): a count over the mailbox
    /// index up to the thread. Nil when the thread is not in that mailbox (any more).
    static func threadPosition(_ db: Database, orgId: RowID, mailbox: Mailbox, threadId: RowID) throws -> Int? {
        guard
            let (thread, lastMessageAt) = try db.cachedRow(
                "SELECT \(MessageThread.screenColumns) FROM message_thread WHERE id = ?", [threadId],
                { row in (MessageThread(screenRow: row), row[10] as DatabaseValue) }),
            thread.orgId == orgId, thread.mailbox == mailbox
        else { return nil }
        // Compared with the stored text itself: nothing to format. A row value, not
        // `a > ? OR (a = ? AND id > ?)`: SQLite reads that OR as two lookups merged by rowid,
        // each entry fetched from the table; the row value is one range of the index.
        return try db.cachedValue(
            """
            SELECT count(*) FROM message_thread
            WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ? AND (last_message_at, id) > (?, ?)
            """,
            [orgId, mailbox.key, lastMessageAt, threadId]) ?? 0
    }

    /// Client threads no sitter has: the owner's triage queue (kept in `mailbox_stats`).
    static func unassignedCount(_ db: Database, orgId: RowID) throws -> Int {
        try db.cachedValue("SELECT unassigned_threads FROM mailbox_stats WHERE org_id = ? AND mailbox_key = 0", [orgId]) ?? 0
    }

    /// A sitters-pane row's columns: the sitter, her unread threads, pending offers and tier.
    /// Her open offers are counted in her mailbox's row (migration v8); those past their
    /// expiry that the sweep has not closed yet are counted out here, a range that is empty
    /// where a listener runs.
    static let sitterMailboxColumns = """
        SELECT s.id, s.name, s.active, m.unread_threads,
          coalesce(m.offered, 0) - (SELECT count(*) FROM offer_event o
           WHERE o.org_id = s.org_id AND o.sitter_id = s.id AND o.status = 'offered' AND o.expires_at <= ?),
          (SELECT tier FROM sitter_metrics_window w WHERE w.sitter_id = s.id)
        FROM sitter s LEFT JOIN mailbox_stats m ON m.org_id = s.org_id AND m.mailbox_key = s.id
        """

    private static func sitterMailbox(_ row: Row) -> SitterMailbox {
        SitterMailbox(id: row[0], name: row[1], unread: row[3] ?? 0, pendingOffers: row[4], tier: row[5], active: row[2])
    }

    /// One page of the sitters pane, by name (the `sitter_list` index), each with its unread
    /// threads, pending offers and tier: lookups per visible sitter, none over all of them.
    static func sitterMailboxes(_ db: Database, orgId: RowID, offset: Int, limit: Int, now: Date) throws
        -> [SitterMailbox]
    {
        try db.cachedRows(
            sitterMailboxColumns + " WHERE s.org_id = ? ORDER BY s.name COLLATE NOCASE, s.id LIMIT ? OFFSET ?",
            [StoredDate.text(now), orgId, limit, offset], sitterMailbox)
    }

    static func sitterMailbox(_ db: Database, sitterId: RowID, now: Date) throws -> SitterMailbox? {
        try db.cachedRow(sitterMailboxColumns + " WHERE s.id = ?", [StoredDate.text(now), sitterId], sitterMailbox)
    }

    /// One page of the tier table: sitters by name (the `sitter_list` index) with their
    /// stored metrics (one row per sitter, by its unique `sitter_id`).
    static func tierRows(_ db: Database, orgId: RowID, offset: Int, limit: Int) throws -> [TierRow] {
        try db.cachedRows(
            tierRowColumns + " WHERE sitter.org_id = ? ORDER BY sitter.name COLLATE NOCASE, sitter.id LIMIT ? OFFSET ?",
            [orgId, limit, offset], tierRow)
    }

    /// A tier table row: the sitter, then her metrics window (NULLs when none is stored yet;
    /// `sitter_id` is unique there, so one row a sitter).
    static let tierRowColumns = """
        SELECT \(Sitter.screenColumns), \(SitterMetricsWindow.screenColumns)
        FROM sitter LEFT JOIN sitter_metrics_window ON sitter_metrics_window.sitter_id = sitter.id
        """

    static func tierRow(_ row: Row) -> TierRow {
        let windowOffset = Sitter.Columns.all.count
        let hasWindow = !(row[windowOffset] as DatabaseValue).isNull
        return TierRow(sitter: Sitter(screenRow: row), window: hasWindow ? SitterMetricsWindow(screenRow: row, from: windowOffset) : nil)
    }

    /// One thread by id.
    static func thread(_ db: Database, id: RowID) throws -> MessageThread? {
        try db.cachedRow("SELECT \(MessageThread.screenColumns) FROM message_thread WHERE id = ?", [id], MessageThread.init(screenRow:))
    }

    static func sitterCount(_ db: Database, orgId: RowID) throws -> Int {
        try db.cachedValue("SELECT count(*) FROM sitter WHERE org_id = ?", [orgId]) ?? 0
    }

    /// Bookings still open, soonest first.
    static func openBookings(_ db: Database, orgId: RowID, limit: Int) throws -> [OpenBooking] {
        try db.cachedRows(
            """
            SELECT booking.id, booking.code, booking.service, booking.starts_at, client.name AS client_name
            FROM booking LEFT JOIN client ON client.id = booking.client_id
            WHERE booking.org_id = ? AND booking.status = 'open'
            ORDER BY booking.starts_at, booking.id LIMIT ?
            """,
            [orgId, limit]
        ) { row in
            OpenBooking(id: row[0], code: row[1], service: row[2], clientName: row[4], startsAt: row.storedDate(3))
        }
    }

    /// The phones a sitter's own text travels between: from their personal phone to the
    /// org's front desk. What the console's "simulate YES/NO" sends, like a real phone would.
    public func sitterTextRoute(sitterId: RowID) throws -> (from: String, to: String) {
        try reader.read { db in
            guard let sitter = try Sitter.fetchOne(db, key: sitterId) else {
                throw StoreError(.notFound, "sitter \(sitterId) does not exist")
            }
            guard
                let frontDesk = try String.fetchOne(
                    db, sql: "SELECT e164 FROM message_number WHERE org_id = ? AND number_class = 'front_desk' ORDER BY id LIMIT 1",
                    arguments: [sitter.orgId])
            else { throw StoreError(.notFound, "the org has no front-desk number to text") }
            return (sitter.phoneE164, frontDesk)
        }
    }

    // MARK: - Search

    /// The filter of a search: the other party's name or phone, or any message's body.
    /// A search reads the mailbox's threads, so it costs more than a page; it runs only when
    /// the operator asks for one.
    static let searchFilter = """
        org_id = ? AND \(Mailbox.sqlKeyExpression) = ? AND (
            counterpart_e164 LIKE ? ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM client WHERE client.id = message_thread.client_id AND client.name LIKE ? ESCAPE '\\')
            OR EXISTS (SELECT 1 FROM sitter WHERE sitter.id = message_thread.assigned_sitter_id AND sitter.name LIKE ? ESCAPE '\\')
            OR EXISTS (SELECT 1 FROM message_event WHERE message_event.thread_id = message_thread.id AND body LIKE ? ESCAPE '\\')
        )
        """

    static func searchCount(_ db: Database, orgId: RowID, mailbox: Mailbox, text: String) throws -> Int {
        let pattern = ThreadSearch.likePattern(text)
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM message_thread WHERE \(searchFilter)",
            arguments: [orgId, mailbox.key, pattern, pattern, pattern, pattern]) ?? 0
    }

    static func searchThreads(
        _ db: Database, orgId: RowID, mailbox: Mailbox, text: String, limit: Int, offset: Int
    ) throws -> [ThreadSummary] {
        let pattern = ThreadSearch.likePattern(text)
        let ids = try RowID.fetchAll(
            db,
            sql: """
                SELECT id FROM message_thread WHERE \(searchFilter)
                ORDER BY last_message_at DESC, id DESC LIMIT ? OFFSET ?
                """,
            arguments: [orgId, mailbox.key, pattern, pattern, pattern, pattern, limit, offset])
        return try ids.compactMap { try threadSummary(db, threadId: $0) }
    }

    /// One thread as the list shows it.
    static func threadSummary(_ db: Database, threadId: RowID) throws -> ThreadSummary? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT message_thread.*,
                           client.name AS client_name, sitter.name AS sitter_name, booking.code AS booking_code,
                           client.opted_out AS client_opted_out, sitter.opted_out AS sitter_opted_out,
                           (SELECT body FROM message_event WHERE thread_id = message_thread.id
                            ORDER BY created_at DESC, id DESC LIMIT 1) AS last_body
                    FROM message_thread
                    LEFT JOIN client ON client.id = message_thread.client_id
                    LEFT JOIN sitter ON sitter.id = message_thread.assigned_sitter_id
                    LEFT JOIN booking ON booking.id = message_thread.booking_id
                    WHERE message_thread.id = ?
                    """,
                arguments: [threadId])
        else { return nil }
        return ThreadSummary(row: row, thread: try MessageThread(row: row))
    }
}
