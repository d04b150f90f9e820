import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// `switchboard migrate`: a business copied from a SQLite file into an empty PostgreSQL
/// database, table by table in one transaction, checked by counting every table on both
/// sides before it commits. A failure or a wrong count leaves the PostgreSQL database as
/// it was.
public enum BusinessCopy {
    /// One table's rows: how many the SQLite file holds and how many PostgreSQL holds after.
    public struct TableFigure: Sendable, Equatable {
        public var table: String
        public var source: Int
        public var copied: Int
    }

    /// Rows sent per `INSERT`: well under PostgreSQL's 65,535 parameters a statement.
    static let batchSize = 500

    public static func copy(
        from source: AppDatabase, to target: PostgresDatabase, progress: @escaping @Sendable (TableFigure) -> Void = { _ in }
    ) async throws -> [TableFigure] {
        try await target.transaction { c in
            // One copy at a time into one database, and nothing written beside it meanwhile.
            try await c.run("LOCK TABLE org IN EXCLUSIVE MODE")
            let orgs = try await c.first("SELECT count(*) FROM org", as: Int64.self) ?? 0
            guard orgs == 0 else {
                throw StoreError(
                    .refused,
                    "\(target.location) already holds \(orgs) business\(orgs == 1 ? "" : "es"); migrate into an empty database (createdb a new one), so nothing is merged by mistake")
            }
            var figures: [TableFigure] = []
            for table in AppDatabase.businessTables {
                let types = try await columnTypes(c, table: table)
                var after: Int64? = nil
                while true {
                    let batch = try source.rows(of: table, after: after, limit: batchSize)
                    if batch.rows.isEmpty { break }
                    try await insert(c, batch, types: types)
                    after = batch.lastRowid
                }
                if types["id"] != nil {
                    // Ids were copied as they were: new rows continue after the largest.
                    try await c.run(
                        PostgresQuery(
                            unsafeSQL: """
                                SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST(COALESCE(max(id), 0), 1), max(id) IS NOT NULL)
                                FROM \(table)
                                """))
                }
                let figure = TableFigure(
                    table: table, source: try source.rowCount(of: table),
                    copied: Int(try await c.first(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int64.self) ?? 0))
                guard figure.copied == figure.source else {
                    throw StoreError(
                        .refused,
                        "\(table): \(figure.source) rows in the SQLite file but \(figure.copied) in PostgreSQL after the copy; nothing was kept")
                }
                progress(figure)
                figures.append(figure)
            }
            return figures
        }
    }

    /// PostgreSQL's type of each column of `table`.
    private static func columnTypes(_ c: PostgresConnection, table: String) async throws -> [String: String] {
        var types: [String: String] = [:]
        for row in try await c.rows(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table)")
        {
            let (column, type) = try row.decode((String, String).self)
            types[column] = type
        }
        return types
    }

    private static func insert(_ c: PostgresConnection, _ batch: TableRows, types: [String: String]) async throws {
        for column in batch.columns where types[column] == nil {
            throw StoreError(
                .refused, "\(batch.table).\(column) of the SQLite file has no column in PostgreSQL; are both at the same Switchboard version?")
        }
        var binds = PostgresBindings(capacity: batch.rows.count * batch.columns.count)
        var tuples: [String] = []
        for row in batch.rows {
            var marks: [String] = []
            for (value, column) in zip(row, batch.columns) {
                try bind(value, as: types[column]!, column: "\(batch.table).\(column)", into: &binds)
                marks.append("$\(binds.count)")
            }
            tuples.append("(\(marks.joined(separator: ", ")))")
        }
        let columns = batch.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        try await c.run(
            PostgresQuery(unsafeSQL: "INSERT INTO \(batch.table) (\(columns)) VALUES \(tuples.joined(separator: ", "))", binds: binds))
    }

    /// One SQLite value as the PostgreSQL column's type wants it.
    static func bind(_ value: StoredValue, as type: String, column: String, into binds: inout PostgresBindings) throws {
        func mismatch() -> StoreError {
            StoreError(.refused, "\(column) holds \(value), which PostgreSQL's \(type) column cannot take")
        }
        if case .null = value {
            binds.appendNull()
            return
        }
        switch (type, value) {
        case ("bigint", .integer(let integer)): binds.append(integer)
        case ("bigint", .real(let real)) where real.rounded() == real: binds.append(Int64(real))
        case ("boolean", .integer(let integer)): binds.append(integer != 0)
        case ("double precision", .real(let real)): binds.append(real)
        case ("double precision", .integer(let integer)): binds.append(Double(integer))
        case ("text", .text(let text)): binds.append(text)
        case ("text", .integer(let integer)): binds.append(String(integer))
        case ("text", .real(let real)): binds.append(String(real))
        case ("text", .blob(let bytes)): binds.append(String(decoding: bytes, as: UTF8.self))
        case ("timestamp with time zone", _):
            guard let date = value.date else { throw mismatch() }
            binds.append(date)
        default: throw mismatch()
        }
    }
}
