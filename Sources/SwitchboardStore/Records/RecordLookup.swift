import Foundation
import GRDB
import SwitchboardCore

/// Finding the record a person named (``RecordReference``) inside one org: by id, by phone,
/// or by name (case-insensitive; a unique beginning is enough). A name that fits several
/// records is refused with their names, never guessed.
extension AppDatabase {
    static func sitter(_ db: Database, _ reference: RecordReference, orgId: RowID) throws -> Sitter {
        let sitters: [Sitter]
        switch reference {
        case .id(let id):
            sitters = try Sitter.filter(Sitter.Columns.id == id && Sitter.Columns.orgId == orgId).fetchAll(db)
        case .phone(let phone):
            sitters = try Sitter.filter(Sitter.Columns.phoneE164 == phone && Sitter.Columns.orgId == orgId).fetchAll(db)
        case .name(let name):
            sitters = try matchingByName(db, table: Sitter.self, orgId: orgId, name: name)
        }
        return try single(sitters, kind: "sitter", reference: reference, name: \.name)
    }

    static func client(_ db: Database, _ reference: RecordReference, orgId: RowID) throws -> Client {
        let clients: [Client]
        switch reference {
        case .id(let id):
            clients = try Client.filter(Client.Columns.id == id && Client.Columns.orgId == orgId).fetchAll(db)
        case .phone(let phone):
            clients = try Client.filter(Client.Columns.phoneE164 == phone && Client.Columns.orgId == orgId).fetchAll(db)
        case .name(let name):
            clients = try matchingByName(db, table: Client.self, orgId: orgId, name: name)
        }
        return try single(clients, kind: "client", reference: reference) { $0.name ?? $0.phoneE164 }
    }

    static func booking(_ db: Database, code: String, orgId: RowID) throws -> Booking {
        guard let booking = try Booking.filter(sql: "org_id = ? AND code = ? COLLATE NOCASE", arguments: [orgId, code]).fetchOne(db)
        else { throw RecordMatch.noBooking(code) }
        return booking
    }

    static func thread(_ db: Database, id: RowID, orgId: RowID) throws -> MessageThread {
        guard let thread = try MessageThread.fetchOne(db, key: id), thread.orgId == orgId else { throw RecordMatch.noThread(id) }
        return thread
    }

    static func number(_ db: Database, e164: String, orgId: RowID) throws -> MessageNumber {
        guard let number = try MessageNumber.filter(MessageNumber.Columns.e164 == e164).fetchOne(db), number.orgId == orgId else {
            throw StoreError(.notFound, "\(e164) is not one of this org's numbers")
        }
        return number
    }

    /// Records of `table` whose name ``NameMatch`` picks for `name`. Read in Swift, not with
    /// SQL's `LIKE`, which folds ASCII letters only: a typed `zoe` must find `Zoë`.
    private static func matchingByName<Record: FetchableRecord & TableRecord>(
        _ db: Database, table: Record.Type, orgId: RowID, name: String
    ) throws -> [Record] {
        let candidates = try Row.fetchAll(
            db, sql: "SELECT id, name FROM \(Record.databaseTableName) WHERE org_id = ? AND name IS NOT NULL ORDER BY name COLLATE NOCASE, id",
            arguments: [orgId])
        let picked = NameMatch.pick(name, among: candidates.map { $0["name"] as String })
        let ids: [RowID] = picked.map { candidates[$0]["id"] }
        return try ids.compactMap { try Record.fetchOne(db, key: $0) }
    }

    private static func single<Record>(
        _ found: [Record], kind: String, reference: RecordReference, name: (Record) -> String
    ) throws -> Record {
        try RecordMatch.single(found, kind: kind, reference: reference, name: name)
    }
}

/// What a lookup of a named record decides once it has the candidates, on either engine.
public enum RecordMatch {
    /// The one record found; none, or several (named), is a sentence saying what to give.
    public static func single<Record>(
        _ found: [Record], kind: String, reference: RecordReference, name: (Record) -> String
    ) throws -> Record {
        switch found.count {
        case 1: return found[0]
        case 0: throw StoreError(.notFound, "no \(kind) is \(reference)")
        default:
            let names = found.prefix(5).map { "\"\(name($0))\"" }.joined(separator: ", ")
            throw StoreError(.refused, "\(found.count) \(kind)s match \(reference) (\(names)); give more of the name, the phone or the id")
        }
    }
}

extension RecordMatch {
    public static func noThread(_ id: RowID) -> StoreError {
        StoreError(.notFound, "no thread #\(id); a thread's number is the #N the console and forwarded texts show")
    }

    public static func noBooking(_ code: String) -> StoreError { StoreError(.notFound, "no booking has the code \(code)") }
}
