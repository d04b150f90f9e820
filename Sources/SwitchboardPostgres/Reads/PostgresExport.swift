import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStore {
    /// Every thread the filter selects, newest first, in one read transaction.
    public func exportThreads(_ filter: ExportFilter, each: (ThreadExportRow) throws -> Void) throws {
        let (condition, binds) = Self.exportCondition(filter, time: "message_thread.last_message_at")
        try database.readConnection.transaction { session in
            let rows = try session.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT message_thread.*, client.name AS client_name, sitter.name AS sitter_name, booking.code AS booking_code,
                               (SELECT count(*) FROM message_event WHERE thread_id = message_thread.id) AS message_count
                        FROM message_thread
                        LEFT JOIN client ON client.id = message_thread.client_id
                        LEFT JOIN sitter ON sitter.id = message_thread.assigned_sitter_id
                        LEFT JOIN booking ON booking.id = message_thread.booking_id
                        WHERE \(condition)
                        ORDER BY message_thread.last_message_at DESC, message_thread.id DESC
                        """,
                    binds: binds))
            for row in rows {
                try each(
                    ThreadExportRow(
                        thread: try row.record(MessageThread.self), clientName: try row["client_name"].decode(String?.self),
                        sitterName: try row["sitter_name"].decode(String?.self), bookingCode: try row["booking_code"].decode(String?.self),
                        messages: Int(try row["message_count"].decode(Int64.self))))
            }
        }
    }

    /// Every message the filter selects, oldest first, in one read transaction.
    public func exportMessages(_ filter: ExportFilter, each: (MessageExportRow) throws -> Void) throws {
        let (condition, binds) = Self.exportCondition(filter, time: "message_event.created_at")
        try database.readConnection.transaction { session in
            let rows = try session.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT message_event.*, message_thread.counterpart_e164, message_thread.masked_number_e164,
                               client.name AS client_name, sitter.name AS sitter_name
                        FROM message_event
                        JOIN message_thread ON message_thread.id = message_event.thread_id
                        LEFT JOIN client ON client.id = message_thread.client_id
                        LEFT JOIN sitter ON sitter.id = message_thread.assigned_sitter_id
                        WHERE \(condition)
                        ORDER BY message_event.created_at, message_event.id
                        """,
                    binds: binds))
            for row in rows {
                try each(
                    MessageExportRow(
                        event: try row.record(MessageEvent.self), counterpartE164: try row["counterpart_e164"].decode(String?.self),
                        maskedNumberE164: try row["masked_number_e164"].decode(String?.self),
                        clientName: try row["client_name"].decode(String?.self), sitterName: try row["sitter_name"].decode(String?.self)))
            }
        }
    }

    /// The WHERE clause over `message_thread` (and the time column) for a filter.
    private static func exportCondition(_ filter: ExportFilter, time: String) -> (String, PostgresBindings) {
        var binds = PostgresBindings()
        binds.append(filter.orgId)
        var clauses = ["message_thread.org_id = $1"]
        if let mailbox = filter.mailbox {
            binds.append(mailbox.key)
            clauses.append("\(PostgresMigrations.mailboxKey(of: "message_thread")) = $\(binds.count)")
        }
        if let since = filter.since {
            binds.append(since)
            clauses.append("\(time) >= $\(binds.count)")
        }
        return (clauses.joined(separator: " AND "), binds)
    }
}
