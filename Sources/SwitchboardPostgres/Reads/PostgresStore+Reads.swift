import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStore {
    /// Several reads in one `REPEATABLE READ` transaction on the process's read connection.
    public func read<T>(_ reads: (any StoreReading) throws -> T) throws -> T {
        try database.readConnection.transaction { session in try reads(PostgresReads(session: session)) }
    }

    public func receipt(messageSid: String) throws -> ReceiptDetail? {
        try database.readConnection.transaction { try PostgresReads(session: $0).receipt(messageSid: messageSid) }
    }

    public func receipt(id: RowID) throws -> ReceiptDetail? { try read { try $0.receipt(id: id) } }

    public func receipts(_ filter: ReceiptFilter) throws -> [ReceiptSummary] { try read { try $0.receipts(filter) } }

    /// From the sitter's personal phone to the org's front desk, as her real phone would text.
    public func sitterTextRoute(sitterId: RowID) throws -> (from: String, to: String) {
        try database.readConnection.transaction { session in
            guard let sitter = try PostgresReads(session: session).sitter(sitterId) else {
                throw StoreError(.notFound, "sitter \(sitterId) does not exist")
            }
            guard
                let frontDesk = try session.value(
                    "SELECT e164 FROM message_number WHERE org_id = \(sitter.orgId) AND number_class = 'front_desk' ORDER BY id LIMIT 1",
                    as: String.self)
            else { throw StoreError(.notFound, "the org has no front-desk number to text") }
            return (sitter.phoneE164, frontDesk)
        }
    }
}

extension PostgresStore {
    public func busiestScreens() throws -> (busiestSitter: RowID?, longestThread: RowID?) {
        try database.readConnection.transaction { session in
            let sitter = try session.value(
                """
                SELECT assigned_sitter_id FROM message_thread
                WHERE assigned_sitter_id IS NOT NULL AND scope IN ('client_booking','client_general')
                GROUP BY assigned_sitter_id ORDER BY count(*) DESC LIMIT 1
                """, as: Int64.self)
            let thread = try session.value(
                "SELECT thread_id FROM message_event GROUP BY thread_id ORDER BY count(*) DESC LIMIT 1", as: Int64.self)
            return (sitter, thread)
        }
    }
}
