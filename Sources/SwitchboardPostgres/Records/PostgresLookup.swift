import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The record a person named (by id, phone or name) inside one org, on PostgreSQL: the
/// candidates fetched here, the choice made by the store's `RecordMatch` and Core's
/// `NameMatch`, as on SQLite.
extension PostgresReadSession {
    func sitter(_ reference: RecordReference, orgId: RowID) throws -> Sitter {
        let found: [Sitter]
        switch reference {
        case .id(let id): found = try records("SELECT * FROM sitter WHERE id = \(id) AND org_id = \(orgId)")
        case .phone(let phone): found = try records("SELECT * FROM sitter WHERE phone_e164 = \(phone) AND org_id = \(orgId)")
        case .name(let name): found = try matching(name, table: "sitter", orgId: orgId)
        }
        return try RecordMatch.single(found, kind: "sitter", reference: reference, name: \.name)
    }

    func booking(code: String, orgId: RowID) throws -> Booking {
        guard let booking = try records("SELECT * FROM booking WHERE org_id = \(orgId) AND lower(code) = lower(\(code))", as: Booking.self).first
        else { throw RecordMatch.noBooking(code) }
        return booking
    }

    func thread(id: RowID, orgId: RowID) throws -> MessageThread {
        guard let thread = try records("SELECT * FROM message_thread WHERE id = \(id)", as: MessageThread.self).first,
            thread.orgId == orgId
        else { throw RecordMatch.noThread(id) }
        return thread
    }

    /// Records of `table` whose name `NameMatch` picks: read in Swift, so `zoe` finds `Zoë`.
    private func matching<Record: Decodable>(_ name: String, table: String, orgId: RowID) throws -> [Record] {
        let candidates = try rows(
            PostgresQuery(
                unsafeSQL: "SELECT id, name FROM \(table) WHERE org_id = $1 AND name IS NOT NULL ORDER BY lower(name), id",
                binds: try PostgresReads.binds(orgId)))
        let names = try candidates.map { try $0[1].decode(String.self) }
        let ids = try NameMatch.pick(name, among: names).map { try candidates[$0][0].decode(Int64.self) }
        return try ids.compactMap { id in
            try records(PostgresQuery(unsafeSQL: "SELECT * FROM \(table) WHERE id = $1", binds: try PostgresReads.binds(id)), as: Record.self).first
        }
    }
}

extension PostgresStore {
    public func findSitter(_ reference: RecordReference, orgId: RowID) throws -> Sitter {
        try database.readConnection.transaction { try $0.sitter(reference, orgId: orgId) }
    }

    public func offerTarget(code: String, sitter reference: RecordReference, orgId: RowID) throws -> OfferTarget {
        try database.readConnection.transaction { session in
            OfferTarget(booking: try session.booking(code: code, orgId: orgId), sitter: try session.sitter(reference, orgId: orgId))
        }
    }

    public func replyThread(id: RowID, orgId: RowID) throws -> MessageThread {
        try database.readConnection.transaction { try $0.thread(id: id, orgId: orgId) }
    }
}
