import Foundation
import GRDB
import SwitchboardCore

/// One row of a mailbox's thread list: the thread and what the list shows of it.
public struct ThreadSummary: Sendable, Equatable, Identifiable {
    public var thread: MessageThread
    public var clientName: String?
    public var sitterName: String?
    public var bookingCode: String?
    public var lastBody: String?
    /// The client (or, in a sitter chat, the sitter) texted STOP: a reply will not reach them.
    public var counterpartOptedOut = false

    public var id: RowID { thread.id ?? 0 }

    public init(
        thread: MessageThread, clientName: String? = nil, sitterName: String? = nil, bookingCode: String? = nil,
        lastBody: String? = nil, counterpartOptedOut: Bool = false
    ) {
        self.thread = thread
        self.clientName = clientName
        self.sitterName = sitterName
        self.bookingCode = bookingCode
        self.lastBody = lastBody
        self.counterpartOptedOut = counterpartOptedOut
    }

    /// A client thread with no sitter: waiting for the owner's triage.
    public var isUnassigned: Bool { thread.scope.isClientThread && thread.assignedSitterId == nil }

    /// The name to show for the other party.
    public var counterpartName: String {
        switch thread.scope {
        case .ownerSitter: sitterName ?? thread.counterpartE164 ?? "sitter"
        case .internal: "internal"
        case .clientBooking, .clientGeneral: clientName ?? thread.counterpartE164 ?? "unknown"
        }
    }
}

extension ThreadSummary {
    /// What a thread list row joins to the columns of `thread` (the table or its alias), in
    /// this order.
    static func joinedColumns(to thread: String) -> String {
        """
        client.name, client.opted_out, sitter.name, sitter.opted_out, booking.code,
        (SELECT body FROM message_event WHERE thread_id = \(thread).id ORDER BY created_at DESC, id DESC LIMIT 1)
        """
    }

    /// A thread list row read by position: ``MessageThread/screenColumns`` then ``joinedColumns``.
    init(screenRow row: Row) {
        let thread = MessageThread(screenRow: row)
        self.init(thread: thread, clientName: row[12], sitterName: row[14], bookingCode: row[16], lastBody: row[17])
        let optedOut: Bool? = thread.scope == .ownerSitter ? row[15] : row[13]
        counterpartOptedOut = optedOut ?? false
    }

    /// A thread list row: the thread's columns and the names and opt-outs joined to it.
    init(row: Row, thread: MessageThread) {
        self.init(
            thread: thread, clientName: row["client_name"], sitterName: row["sitter_name"], bookingCode: row["booking_code"],
            lastBody: row["last_body"])
        let optedOut: Bool? = thread.scope == .ownerSitter ? row["sitter_opted_out"] : row["client_opted_out"]
        counterpartOptedOut = optedOut ?? false
    }
}

extension AppDatabase {
    // MARK: - Reads

    /// The threads of one mailbox, newest first, one page at a time. Served by the index
    /// `message_thread_mailbox`: the cost is the page, not the number of threads.
    static func threads(
        _ db: Database, orgId: RowID, mailbox: Mailbox, limit: Int, offset: Int = 0
    ) throws -> [ThreadSummary] {
        try db.cachedRows(threadPageSQL, [orgId, mailbox.key, limit, offset], ThreadSummary.init(screenRow:))
    }

    /// A page of a mailbox's threads with what the list shows of each: the thread's columns
    /// (``MessageThread/screenColumns``), then the names, opt-outs, booking code and last body.
    private static let threadPageSQL = """
        WITH page AS (
            SELECT * FROM message_thread
            WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ?
            ORDER BY last_message_at DESC, id DESC
            LIMIT ? OFFSET ?
        )
        SELECT \(MessageThread.screenColumns.replacingOccurrences(of: "message_thread.", with: "page.")),
               \(ThreadSummary.joinedColumns(to: "page"))
        FROM page
        LEFT JOIN client ON client.id = page.client_id
        LEFT JOIN sitter ON sitter.id = page.assigned_sitter_id
        LEFT JOIN booking ON booking.id = page.booking_id
        ORDER BY page.last_message_at DESC, page.id DESC
        """

    /// How many threads a mailbox holds (kept by triggers in `mailbox_stats`).
    static func threadCount(_ db: Database, orgId: RowID, mailbox: Mailbox) throws -> Int {
        try db.cachedValue("SELECT threads FROM mailbox_stats WHERE org_id = ? AND mailbox_key = ?", [orgId, mailbox.key]) ?? 0
    }

    /// Threads with unread messages, per mailbox (mailboxes with none are absent).
    static func unreadCounts(_ db: Database, orgId: RowID) throws -> [Mailbox: Int] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT mailbox_key, unread_threads FROM mailbox_stats WHERE org_id = ? AND unread_threads > 0",
            arguments: [orgId])
        var counts: [Mailbox: Int] = [:]
        for row in rows { counts[Mailbox(key: row["mailbox_key"])] = row["unread_threads"] }
        return counts
    }

    /// Threads with unread messages in one mailbox (kept in `mailbox_stats`).
    static func unreadCount(_ db: Database, orgId: RowID, mailbox: Mailbox) throws -> Int {
        try db.cachedValue("SELECT unread_threads FROM mailbox_stats WHERE org_id = ? AND mailbox_key = ?", [orgId, mailbox.key]) ?? 0
    }

    /// The newest `limit` messages of a thread after skipping the `skip` newest, oldest first
    /// (the order they are read in).
    static func messages(_ db: Database, threadId: RowID, limit: Int, skippingNewest skip: Int = 0) throws
        -> [MessageEvent]
    {
        let newest = try db.cachedRows(
            "SELECT \(MessageEvent.screenColumns) FROM message_event WHERE thread_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [threadId, limit, skip], MessageEvent.init(screenRow:))
        return newest.reversed()
    }

    /// The first org (by id), for a database known to hold one business (the benchmarks').
    static func primaryOrg(_ db: Database) throws -> Org? {
        try Org.order(sql: "id").fetchOne(db)
    }

    /// Every org of the database, in import order (by id).
    static func orgs(_ db: Database) throws -> [Org] {
        try db.cachedRows("SELECT id, name, time_zone FROM org ORDER BY id", []) { Org(id: $0[0], name: $0[1], timeZone: $0[2]) }
    }

    /// The sitters of an org, by name (the `sitter_list` index): every one, or the page of
    /// `limit` from position `offset`.
    static func sitters(_ db: Database, orgId: RowID, limit: Int? = nil, offset: Int = 0) throws -> [Sitter] {
        try db.cachedRows(
            "SELECT \(Sitter.screenColumns) FROM sitter WHERE org_id = ? ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?",
            [orgId, limit ?? -1, offset], Sitter.init(screenRow:))
    }
}
