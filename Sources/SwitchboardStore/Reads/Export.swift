import Foundation
import GRDB
import SwitchboardCore

/// Which threads or messages an export holds: one org, optionally one mailbox, optionally
/// only what happened since a moment.
public struct ExportFilter: Sendable, Equatable {
    public var orgId: RowID
    public var mailbox: Mailbox?
    /// Threads with a message since then; messages sent or received since then.
    public var since: Date?

    public init(orgId: RowID, mailbox: Mailbox? = nil, since: Date? = nil) {
        self.orgId = orgId
        self.mailbox = mailbox
        self.since = since
    }
}

/// One thread as an export lists it.
public struct ThreadExportRow: Sendable, Equatable {
    public var threadId: RowID
    /// `owner`, or the sitter's name whose mailbox holds it.
    public var mailbox: String
    public var scope: ThreadScope
    public var clientName: String?
    public var sitterName: String?
    public var counterpartE164: String?
    public var maskedNumberE164: String?
    public var bookingCode: String?
    public var createdAt: Date
    public var lastMessageAt: Date
    public var unread: Int
    public var messages: Int
}

/// One message as an export lists it, with who it was from and to.
public struct MessageExportRow: Sendable, Equatable {
    public var messageId: RowID
    public var threadId: RowID
    public var createdAt: Date
    public var direction: MessageDirection
    public var actor: ActorType
    /// The phone it came from and went to (the counterpart and the Twilio number).
    public var from: String?
    public var to: String?
    public var clientName: String?
    public var sitterName: String?
    public var body: String
    public var deliveryStatus: DeliveryStatus?
    public var providerMessageSid: String?
}

extension AppDatabase {
    // MARK: - Reads: exports

    /// Calls `each` with every thread the filter selects, newest first, inside one read
    /// transaction (a consistent snapshot, streamed rather than held in memory).
    public func exportThreads(_ filter: ExportFilter, each: (ThreadExportRow) throws -> Void) throws {
        let (condition, arguments) = Self.exportCondition(filter, time: "message_thread.last_message_at")
        try reader.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT message_thread.*, client.name AS client_name, sitter.name AS sitter_name, booking.code AS booking_code,
                           (SELECT count(*) FROM message_event WHERE thread_id = message_thread.id) AS message_count
                    FROM message_thread
                    LEFT JOIN client ON client.id = message_thread.client_id
                    LEFT JOIN sitter ON sitter.id = message_thread.assigned_sitter_id
                    LEFT JOIN booking ON booking.id = message_thread.booking_id
                    WHERE \(condition)
                    ORDER BY message_thread.last_message_at DESC, message_thread.id DESC
                    """,
                arguments: arguments)
            while let row = try rows.next() {
                try each(
                    ThreadExportRow(
                        thread: try MessageThread(row: row), clientName: row["client_name"], sitterName: row["sitter_name"],
                        bookingCode: row["booking_code"], messages: row["message_count"]))
            }
        }
    }

    /// Calls `each` with every message the filter selects, oldest first, inside one read
    /// transaction.
    public func exportMessages(_ filter: ExportFilter, each: (MessageExportRow) throws -> Void) throws {
        let (condition, arguments) = Self.exportCondition(filter, time: "message_event.created_at")
        try reader.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT message_event.*, message_thread.counterpart_e164, message_thread.masked_number_e164,
                           client.name AS client_name, sitter.name AS sitter_name
                    FROM message_event
                    JOIN message_thread ON message_thread.id = message_event.thread_id
                    LEFT JOIN client ON client.id = message_thread.client_id
                    LEFT JOIN sitter ON sitter.id = message_thread.assigned_sitter_id
                    WHERE \(condition)
                    ORDER BY message_event.created_at, message_event.id
                    """,
                arguments: arguments)
            while let row = try rows.next() {
                try each(
                    MessageExportRow(
                        event: try MessageEvent(row: row), counterpartE164: row["counterpart_e164"],
                        maskedNumberE164: row["masked_number_e164"], clientName: row["client_name"], sitterName: row["sitter_name"]))
            }
        }
    }

    /// A sitter of the org, found by id, phone or name (for `--mailbox`).
    public func findSitter(_ reference: RecordReference, orgId: RowID) throws -> Sitter {
        try reader.read { db in try Self.sitter(db, reference, orgId: orgId) }
    }

    /// The WHERE clause over `message_thread` (and the time column) for a filter.
    private static func exportCondition(_ filter: ExportFilter, time: String) -> (String, StatementArguments) {
        var clauses = ["message_thread.org_id = ?"]
        var arguments: StatementArguments = [filter.orgId]
        if let mailbox = filter.mailbox {
            clauses.append("\(Mailbox.sqlKey(of: "message_thread.")) = ?")
            arguments += [mailbox.key]
        }
        if let since = filter.since {
            clauses.append("\(time) >= ?")
            arguments += [since]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }
}
