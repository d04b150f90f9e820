import Foundation
import GRDB

/// A column's value as stored, free of either engine: what `switchboard migrate` carries
/// from one database to another.
public enum StoredValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A batch of one table's rows, in `rowid` order, with its column names.
public struct TableRows: Sendable, Equatable {
    public var table: String
    public var columns: [String]
    public var rows: [[StoredValue]]
    /// The `rowid` of the last row, where the next batch starts.
    public var lastRowid: Int64?
}

extension AppDatabase {
    /// Every table a business's data lives in, parents before children, so a copy in this
    /// order satisfies every foreign key as it goes. `mailbox_stats` is left out: it is kept
    /// by triggers from `message_thread`, on either engine, and rebuilds as threads arrive;
    /// `listener_presence` too: it tells of processes of this database, not of the copy's.
    public static let businessTables = [
        "org", "sitter", "client", "booking", "message_number", "message_thread", "message_event", "message_media",
        "message_response_link", "offer_event", "outbox", "sitter_metrics_window", "metrics_stale", "event_log",
        "webhook_receipt", "webhook_tally",
    ]

    /// Up to `limit` rows of `table` after `rowid`, in `rowid` order: a copy reads a large
    /// table in batches rather than all at once.
    public func rows(of table: String, after rowid: Int64?, limit: Int) throws -> TableRows {
        guard Self.businessTables.contains(table) else {
            throw StoreError(.notFound, "\(table) is not one of Switchboard's tables")
        }
        return try reader.read { db in
            let statement = try db.makeStatement(
                sql: "SELECT rowid, * FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?")
            let columns = Array(statement.columnNames.dropFirst())
            var batch = TableRows(table: table, columns: columns, rows: [], lastRowid: nil)
            let cursor = try Row.fetchCursor(statement, arguments: [rowid ?? Int64.min, limit])
            while let row = try cursor.next() {
                batch.lastRowid = row[0]
                batch.rows.append(row.databaseValues.dropFirst().map(StoredValue.init))
            }
            return batch
        }
    }

    /// How many rows `table` holds: what a copy is checked against.
    public func rowCount(of table: String) throws -> Int {
        guard Self.businessTables.contains(table) else {
            throw StoreError(.notFound, "\(table) is not one of Switchboard's tables")
        }
        return try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

extension StoredValue {
    /// The date a `DATETIME` column holds, read the way GRDB wrote it (its text, or a Unix
    /// timestamp); nil when the value is not a date.
    public var date: Date? { Date.fromDatabaseValue(databaseValue) }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }
}
