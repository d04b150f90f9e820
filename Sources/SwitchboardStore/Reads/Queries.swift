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
        let rows = try Row.fetchAll(
            db,
            sql: """
                WITH page AS (
                    SELECT * FROM message_thread
                    WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ?
                    ORDER BY last_message_at DESC, id DESC
                    LIMIT ? OFFSET ?
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
                """,
            arguments: [orgId, mailbox.key, limit, offset])
        return try rows.map { row in
            ThreadSummary(row: row, thread: try MessageThread(row: row))
        }
    }

    /// How many threads a mailbox holds (kept by triggers in `mailbox_stats`).
    static func threadCount(_ db: Database, orgId: RowID, mailbox: Mailbox) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT threads FROM mailbox_stats WHERE org_id = ? AND mailbox_key = ?",
            arguments: [orgId, mailbox.key]) ?? 0
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
        try Int.fetchOne(
            db, sql: "SELECT unread_threads FROM mailbox_stats WHERE org_id = ? AND mailbox_key = ?",
            arguments: [orgId, mailbox.key]) ?? 0
    }

    /// The newest `limit` messages of a thread after skipping the `skip` newest, oldest first
    /// (the order they are read in).
    static func messages(_ db: Database, threadId: RowID, limit: Int, skippingNewest skip: Int = 0) throws
        -> [MessageEvent]
    {
        let newest = try MessageEvent.fetchAll(
            db,
            sql: "SELECT * FROM message_event WHERE thread_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            arguments: [threadId, limit, skip])
        return newest.reversed()
    }

    /// The first org (by id), for a database known to hold one business (the benchmarks').
    static func primaryOrg(_ db: Database) throws -> Org? {
        try Org.order(sql: "id").fetchOne(db)
    }

    /// Every org of the database, in import order (by id).
    static func orgs(_ db: Database) throws -> [Org] {
        try Org.order(sql: "id").fetchAll(db)
    }

    /// The sitters of an org, by name (the `sitter_list` index): every one, or the page of
    /// `limit` from position `offset`.
    static func sitters(_ db: Database, orgId: RowID, limit: Int? = nil, offset: Int = 0) throws -> [Sitter] {
        let byName = Sitter.filter(sql: "org_id = ?", arguments: [orgId]).order(sql: "name COLLATE NOCASE, id")
        return try (limit.map { byName.limit($0, offset: offset) } ?? byName).fetchAll(db)
    }
}
