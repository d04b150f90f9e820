import Foundation
import GRDB
import SwitchboardCore

/// What the console asks for to draw one screen: which mailbox, which thread to keep
/// selected, and how many rows of each list are visible. Only those rows are read, so the
/// cost of a screen does not grow with the database.
public struct ConsoleViewQuery: Equatable, Sendable {
    /// Which thread the selection stays on: the same thread (by id) when others arrive, or a
    /// position when the operator moves through the list.
    public enum Anchor: Equatable, Sendable {
        case thread(RowID, fallbackIndex: Int)
        case index(Int)
    }

    public var mailbox: Mailbox
    /// Text to filter the mailbox's threads by (name, phone or message body).
    public var search: String?
    public var anchor: Anchor
    /// The first visible row of the thread list before this read.
    public var offset: Int
    public var threadRows: Int
    public var messageCount: Int
    /// The sitters pane's page: its first row and how many rows it shows.
    public var sitterOffset: Int
    public var sitterRows: Int
    /// When set, the thread list shows the mailbox of the sitter at this position of the
    /// sitters pane (the operator moved the cursor onto a row not read yet).
    public var sitterAtCursor: Int?
    /// The assign picker is open: read every sitter it can choose from.
    public var includeAssignableSitters: Bool
    /// How far the message view is scrolled back: the newest messages it leaves out, or
    /// ``ConsoleViewQuery/oldestMessages`` for the start of the thread.
    public var messageSkip: Int
    /// While scrolled back: the newest message on screen, which stays the newest on screen
    /// when more arrive (the skip grows by the arrivals). Nil at the newest message.
    public var messageAnchorId: RowID?
    /// The tier table's page: its first sitter and how many it shows (0: the table is closed).
    public var tierOffset: Int
    public var tierRows: Int
    public var unroutedRows: Int
    public var openBookingRows: Int

    public init(
        mailbox: Mailbox, search: String? = nil, anchor: Anchor = .index(0), offset: Int = 0, threadRows: Int,
        messageCount: Int, messageSkip: Int = 0, messageAnchorId: RowID? = nil, sitterOffset: Int = 0,
        sitterRows: Int = 50, sitterAtCursor: Int? = nil, includeAssignableSitters: Bool = false, tierOffset: Int = 0, tierRows: Int = 0,
        unroutedRows: Int = 0, openBookingRows: Int = 0
    ) {
        self.mailbox = mailbox
        self.search = search
        self.anchor = anchor
        self.offset = offset
        self.threadRows = threadRows
        self.messageCount = messageCount
        self.messageSkip = messageSkip
        self.messageAnchorId = messageAnchorId
        self.sitterOffset = sitterOffset
        self.sitterRows = sitterRows
        self.sitterAtCursor = sitterAtCursor
        self.includeAssignableSitters = includeAssignableSitters
        self.tierOffset = tierOffset
        self.tierRows = tierRows
        self.unroutedRows = unroutedRows
        self.openBookingRows = openBookingRows
    }

    /// A `messageSkip` that asks for the first messages of the thread.
    public static let oldestMessages = Int.max
}

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

/// Everything one console screen shows, read in one transaction.
public struct ConsoleViewData: Equatable, Sendable {
    public var orgName: String = ""
    public var ownerThreadCount = 0
    public var ownerUnread = 0
    public var ownerUnassigned = 0
    /// The sitters pane's visible rows, from position `sitterOffset` of `sitterCount`.
    public var sitters: [SitterMailbox] = []
    public var sitterOffset = 0
    public var sitterCount = 0
    /// The mailbox the thread list shows, and its sitter's name when it is a sitter's.
    public var mailbox: Mailbox = .owner
    public var mailboxSitterName: String?
    /// Every sitter, by name, while the assign picker is open.
    public var assignableSitters: [Sitter] = []
    public var search: String?
    /// Threads in the mailbox (matching the search, when there is one).
    public var threadCount = 0
    /// Absolute position of `threads[0]` in the mailbox's list.
    public var offset = 0
    public var threads: [ThreadSummary] = []
    /// Absolute position of the selected thread, nil when the list is empty.
    public var selectedIndex: Int?
    /// The selected thread's messages on screen, oldest first.
    public var messages: [MessageEvent] = []
    /// The newest messages of the thread left out of `messages` (the view is scrolled back).
    public var messageSkip = 0
    /// The thread has messages older than `messages[0]`.
    public var hasOlderMessages = false
    /// `messages` are the thread's first ones, read for a jump to its start.
    public var messagesFromStart = false
    public var webhooks = WebhookCounts(byVerdict: [:])
    /// The tier table's visible rows, from position `tierOffset` of `sitterCount` sitters.
    public var tiers: [TierRow] = []
    public var tierOffset = 0
    public var unrouted: [UnroutedMessage] = []
    public var openBookings: [OpenBooking] = []

    public init() {}

    public var selectedThread: ThreadSummary? {
        guard let index = selectedIndex, index >= offset, index - offset < threads.count else { return nil }
        return threads[index - offset]
    }
}

extension AppDatabase {
    // MARK: - Reads for the console

    /// Reads one console screen. Every list is limited to its visible rows; counts use the
    /// mailbox indexes.
    public func consoleView(_ query: ConsoleViewQuery, now: Date) throws -> ConsoleViewData {
        try reader.read { db in try Self.consoleView(db, query, now: now) }
    }

    public static func consoleView(_ db: Database, _ query: ConsoleViewQuery, now: Date) throws -> ConsoleViewData {
        var data = ConsoleViewData()
        guard let org = try primaryOrg(db), let orgId = org.id else { return data }
        data.orgName = org.name
        data.mailbox = query.mailbox
        data.search = query.search

        data.ownerUnread = try unreadCount(db, orgId: orgId, mailbox: .owner)
        data.ownerThreadCount = try threadCount(db, orgId: orgId, mailbox: .owner)
        data.ownerUnassigned = try unassignedCount(db, orgId: orgId)
        data.sitterCount = try sitterCount(db, orgId: orgId)
        let sitterRows = max(1, query.sitterRows)
        data.sitterOffset = min(max(0, query.sitterOffset), max(0, data.sitterCount - sitterRows))
        data.sitters = try sitterMailboxes(db, orgId: orgId, offset: data.sitterOffset, limit: sitterRows, now: now)
        if let cursor = query.sitterAtCursor, data.sitters.indices.contains(cursor - data.sitterOffset) {
            data.mailbox = .sitter(data.sitters[cursor - data.sitterOffset].id)
        }
        if case .sitter(let id) = data.mailbox {
            data.mailboxSitterName = try data.sitters.first { $0.id == id }?.name ?? Sitter.fetchOne(db, key: id)?.name
        }
        if query.includeAssignableSitters {
            data.assignableSitters = try sitters(db, orgId: orgId)
        }

        let rows = max(1, query.threadRows)
        if let search = query.search, !search.isEmpty {
            data.threadCount = try searchCount(db, orgId: orgId, mailbox: data.mailbox, text: search)
        } else {
            data.threadCount = try threadCount(db, orgId: orgId, mailbox: data.mailbox)
        }
        if data.threadCount > 0 {
            var position: Int
            switch query.anchor {
            case .index(let index):
                position = index
            case .thread(let id, let fallback):
                position =
                    query.search == nil
                    ? try threadPosition(db, orgId: orgId, mailbox: data.mailbox, threadId: id) ?? fallback
                    : fallback
            }
            position = min(max(0, position), data.threadCount - 1)
            var offset = min(max(0, query.offset), max(0, data.threadCount - rows))
            if position < offset { offset = position }
            if position >= offset + rows { offset = position - rows + 1 }
            data.offset = offset
            data.selectedIndex = position
            if let search = query.search, !search.isEmpty {
                data.threads = try searchThreads(
                    db, orgId: orgId, mailbox: data.mailbox, text: search, limit: rows, offset: offset)
            } else {
                data.threads = try threads(db, orgId: orgId, mailbox: data.mailbox, limit: rows, offset: offset)
            }
            // A search anchored on a thread keeps it selected when it is still on the page.
            if case .thread(let id, _) = query.anchor, query.search != nil,
                let found = data.threads.firstIndex(where: { $0.id == id })
            {
                data.selectedIndex = offset + found
            }
            if let thread = data.selectedThread, query.messageCount > 0 {
                try readMessages(db, threadId: thread.id, query: query, into: &data)
            }
        }

        data.webhooks = try webhookCounts(db)
        if query.tierRows > 0 {
            data.tierOffset = min(max(0, query.tierOffset), max(0, data.sitterCount - query.tierRows))
            data.tiers = try tierRows(db, orgId: orgId, offset: data.tierOffset, limit: query.tierRows)
        }
        if query.unroutedRows > 0 {
            data.unrouted = try unroutedMessages(db, limit: query.unroutedRows)
        }
        if query.openBookingRows > 0 {
            data.openBookings = try openBookings(db, orgId: orgId, limit: query.openBookingRows)
        }
        return data
    }

    /// The page of the selected thread's messages the view shows: the newest, a page further
    /// back, or the first ones. A skip past the start shows the oldest message.
    static func readMessages(_ db: Database, threadId: RowID, query: ConsoleViewQuery, into data: inout ConsoleViewData)
        throws
    {
        let limit = query.messageCount
        if query.messageSkip == ConsoleViewQuery.oldestMessages {
            let total = try messageCount(db, threadId: threadId)
            data.messages = try MessageEvent.fetchAll(
                db,
                sql: "SELECT * FROM message_event WHERE thread_id = ? ORDER BY created_at, id LIMIT ?",
                arguments: [threadId, limit])
            data.messageSkip = total - data.messages.count
            data.hasOlderMessages = false
            data.messagesFromStart = true
            return
        }
        var skip = max(0, query.messageSkip)
        if let anchor = query.messageAnchorId, skip > 0,
            let newer = try messagesNewer(db, than: anchor, threadId: threadId)
        {
            skip = newer
        }
        var page = try messages(db, threadId: threadId, limit: limit + 1, skippingNewest: skip)
        if page.isEmpty, skip > 0 {
            skip = max(0, try messageCount(db, threadId: threadId) - 1)
            page = try messages(db, threadId: threadId, limit: limit + 1, skippingNewest: skip)
        }
        data.hasOlderMessages = page.count > limit
        data.messages = Array(page.suffix(limit))
        data.messageSkip = skip
    }

    /// How many messages of the thread come after `messageId` (a range of the thread's
    /// index); nil when that message is not in the thread.
    static func messagesNewer(_ db: Database, than messageId: RowID, threadId: RowID) throws -> Int? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT created_at FROM message_event WHERE id = ? AND thread_id = ?",
                arguments: [messageId, threadId])
        else { return nil }
        let createdAt: DatabaseValue = row[0]
        return try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM message_event
                WHERE thread_id = ? AND (created_at > ? OR (created_at = ? AND id > ?))
                """,
            arguments: [threadId, createdAt, createdAt, messageId])
    }

    static func messageCount(_ db: Database, threadId: RowID) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM message_event WHERE thread_id = ?", arguments: [threadId]) ?? 0
    }

    /// Where a thread sits in its mailbox's list (0 = newest): a count over the mailbox
    /// index up to the thread. Nil when the thread is not in that mailbox (any more).
    public static func threadPosition(_ db: Database, orgId: RowID, mailbox: Mailbox, threadId: RowID) throws -> Int? {
        guard let thread = try MessageThread.fetchOne(db, key: threadId), thread.orgId == orgId, thread.mailbox == mailbox
        else { return nil }
        return try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM message_thread
                WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ?
                  AND (last_message_at > ? OR (last_message_at = ? AND id > ?))
                """,
            arguments: [orgId, mailbox.key, thread.lastMessageAt, thread.lastMessageAt, threadId]) ?? 0
    }

    /// Client threads no sitter has: the owner's triage queue (kept in `mailbox_stats`).
    public static func unassignedCount(_ db: Database, orgId: RowID) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT unassigned_threads FROM mailbox_stats WHERE org_id = ? AND mailbox_key = 0",
            arguments: [orgId]) ?? 0
    }

    /// One page of the sitters pane, by name (the `sitter_list` index), each with its unread
    /// threads, pending offers and tier: lookups per visible sitter, none over all of them.
    public static func sitterMailboxes(_ db: Database, orgId: RowID, offset: Int, limit: Int, now: Date) throws
        -> [SitterMailbox]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT s.id, s.name, s.active,
                  (SELECT unread_threads FROM mailbox_stats m WHERE m.org_id = s.org_id AND m.mailbox_key = s.id),
                  (SELECT count(*) FROM offer_event o
                   WHERE o.org_id = s.org_id AND o.sitter_id = s.id AND o.status = 'offered' AND o.expires_at > ?),
                  (SELECT tier FROM sitter_metrics_window w WHERE w.sitter_id = s.id)
                FROM sitter s WHERE s.org_id = ?
                ORDER BY s.name COLLATE NOCASE, s.id LIMIT ? OFFSET ?
                """,
            arguments: [now, orgId, limit, offset]
        ).map { row in
            SitterMailbox(
                id: row[0], name: row[1], unread: row[3] ?? 0, pendingOffers: row[4], tier: row[5], active: row[2])
        }
    }

    /// One page of the tier table: sitters by name (the `sitter_list` index) with their
    /// stored metrics (one row per sitter, by its unique `sitter_id`).
    public static func tierRows(_ db: Database, orgId: RowID, offset: Int, limit: Int) throws -> [TierRow] {
        let sitters = try sitters(db, orgId: orgId, limit: limit, offset: offset)
        let windows = try SitterMetricsWindow.filter(sitters.compactMap(\.id).contains(Column("sitter_id"))).fetchAll(db)
        let bySitter = Dictionary(windows.map { ($0.sitterId, $0) }, uniquingKeysWith: { first, _ in first })
        return sitters.map { TierRow(sitter: $0, window: $0.id.flatMap { bySitter[$0] }) }
    }

    public static func sitterCount(_ db: Database, orgId: RowID) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM sitter WHERE org_id = ?", arguments: [orgId]) ?? 0
    }

    /// Bookings still open, soonest first.
    public static func openBookings(_ db: Database, orgId: RowID, limit: Int) throws -> [OpenBooking] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT booking.id, booking.code, booking.service, booking.starts_at, client.name AS client_name
                FROM booking LEFT JOIN client ON client.id = booking.client_id
                WHERE booking.org_id = ? AND booking.status = 'open'
                ORDER BY booking.starts_at, booking.id LIMIT ?
                """,
            arguments: [orgId, limit]
        ).map { row in
            OpenBooking(
                id: row["id"], code: row["code"], service: row["service"], clientName: row["client_name"],
                startsAt: row["starts_at"])
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

    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    public static func searchCount(_ db: Database, orgId: RowID, mailbox: Mailbox, text: String) throws -> Int {
        let pattern = likePattern(text)
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM message_thread WHERE \(searchFilter)",
            arguments: [orgId, mailbox.key, pattern, pattern, pattern, pattern]) ?? 0
    }

    public static func searchThreads(
        _ db: Database, orgId: RowID, mailbox: Mailbox, text: String, limit: Int, offset: Int
    ) throws -> [ThreadSummary] {
        let pattern = likePattern(text)
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
    public static func threadSummary(_ db: Database, threadId: RowID) throws -> ThreadSummary? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT message_thread.*,
                           client.name AS client_name, sitter.name AS sitter_name, booking.code AS booking_code,
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
        return ThreadSummary(
            thread: try MessageThread(row: row), clientName: row["client_name"], sitterName: row["sitter_name"],
            bookingCode: row["booking_code"], lastBody: row["last_body"])
    }
}
