import Foundation
import GRDB
import GRDBSQLite
import SwitchboardCore

/// The ingest path's statements, prepared once on the writer's connection and bound
/// directly, value by value.
///
/// Through GRDB's statement cache, each of the dozen statements of a webhook paid for
/// hashing its SQL text to find it, and for boxing its arguments into `StatementArguments`
/// (an array of `DatabaseValue`s, a `Date` formatted on the way). Here a statement is found
/// by its ``HotStatement`` case (an array index), and each argument goes straight to
/// `sqlite3_bind_*`. Execution still goes through GRDB's `Statement`, so transaction
/// tracking, savepoints and observers (the console's change stream) see every write.
///
/// The group commit installs its set for the duration of a batch (``withCurrent(_:_:)``),
/// on the writer's queue. Anywhere else (a plain `writer.write`, a read), or on another
/// connection, the same calls fall back to GRDB's statement cache, so the hot functions
/// behave the same wherever they are called from.
///
/// The statements live as long as the store: GRDB closes a pool it releases with
/// `sqlite3_close_v2`, which waits for them; an explicit `DatabasePool.close()` after
/// webhooks were ingested would find them open (nothing in the app does that).
final class HotStatementSet: @unchecked Sendable {
    // Only touched on the writer's queue, one batch at a time: that serialises every access.
    private var connection: SQLiteConnection?
    private var statements: [Statement?] = Array(repeating: nil, count: HotStatement.allCases.count)

    @TaskLocal private static var current: HotStatementSet?

    /// Runs `body` with this set installed for the hot statements of `body`'s writes.
    func withCurrent<T>(_ body: () throws -> T) rethrows -> T {
        try Self.$current.withValue(self, operation: body)
    }

    /// The statement for `key` on `db`, reset and with its bindings cleared.
    static func statement(_ key: HotStatement, in db: Database) throws -> Statement {
        if let set = current, let connection = db.sqliteConnection {
            return try set.statement(key, in: db, connection: connection)
        }
        let statement = try db.cachedStatement(sql: key.sql)
        // Resets it and clears its bindings; marks its (empty) arguments as bound, so
        // `execute()` keeps the values bound directly below.
        statement.setUncheckedArguments(StatementArguments())
        return statement
    }

    private func statement(_ key: HotStatement, in db: Database, connection: SQLiteConnection) throws -> Statement {
        if connection != self.connection {
            // A new connection (never in practice: the writer keeps one for its life).
            statements = Array(repeating: nil, count: HotStatement.allCases.count)
            self.connection = connection
        }
        if let statement = statements[key.rawValue] {
            // The result code repeats the last step's error, if any; the reset is done regardless.
            sqlite3_reset(statement.sqliteStatement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            return statement
        }
        let statement = try db.makeStatement(sql: key.sql)
        statement.setUncheckedArguments(StatementArguments())
        statements[key.rawValue] = statement
        return statement
    }

    /// Forgets the statement of `key` after it failed: as GRDB does with its cache, a failed
    /// statement is prepared anew rather than reused.
    static func discard(_ key: HotStatement) {
        current?.statements[key.rawValue] = nil
    }
}

extension Statement {
    /// Binds `values` to the parameters 1, 2, 3…, straight through `sqlite3_bind_*`.
    /// A `Date` must be passed as its ``Foundation/Date/storedText``: its own binding would
    /// format it through a `DateFormatter`.
    func bindHot<each Value: StatementBinding>(_ values: repeat each Value) {
        var index: CInt = 1
        for value in repeat each values {
            let code = value.bind(to: sqliteStatement, at: index)
            // Binding touches no file: it fails only on a wrong index, a bug in the SQL here.
            precondition(code == SQLITE_OK, "binding parameter \(index) of \(sql) failed with code \(code)")
            index += 1
        }
    }
}

extension Database {
    /// Runs the hot statement `key`, which changes rows, with `values` bound.
    func run<each Value: StatementBinding>(hot key: HotStatement, _ values: repeat each Value) throws {
        let statement = try HotStatementSet.statement(key, in: self)
        statement.bindHot(repeat each values)
        do {
            try statement.execute()
        } catch {
            HotStatementSet.discard(key)
            throw error
        }
    }

    /// Runs the hot `INSERT` `key` with `values` bound and returns the new row's id.
    func insert<each Value: StatementBinding>(hot key: HotStatement, _ values: repeat each Value) throws -> RowID {
        try run(hot: key, repeat each values)
        return lastInsertedRowID
    }

    /// The first row of the hot query `key` with `values` bound, decoded by `decode`, or nil.
    func fetchFirst<T, each Value: StatementBinding>(
        hot key: HotStatement, _ decode: (HotRow) throws -> T, _ values: repeat each Value
    ) throws -> T? {
        let statement = try HotStatementSet.statement(key, in: self)
        statement.bindHot(repeat each values)
        do {
            return try hotRows(statement, limit: 1, decode).first
        } catch {
            HotStatementSet.discard(key)
            throw error
        }
    }

    /// The rows of `statement` (its arguments bound), at most `limit`, each decoded by
    /// `decode` while it is current, read straight from SQLite. For the ingest path's
    /// queries only: this skips what GRDB does around a step (its checks for an aborted
    /// transaction, cancellation and suspension, the region a `ValueObservation` tracks,
    /// dropping a failed statement from its cache), none of which a `SELECT` inside the
    /// group commit needs: its next statement, a savepoint, goes through GRDB and finds an
    /// aborted transaction there, and a failed hot statement is discarded by its caller.
    func hotRows<T>(_ statement: Statement, limit: Int = .max, _ decode: (HotRow) throws -> T) throws -> [T] {
        let sqliteStatement = statement.sqliteStatement
        defer { sqlite3_reset(sqliteStatement) }
        var rows: [T] = []
        while rows.count < limit {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_ROW:
                rows.append(try decode(HotRow(statement: sqliteStatement)))
            case SQLITE_DONE:
                return rows
            case let code:
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: sqliteConnection.map { String(cString: sqlite3_errmsg($0)) },
                    sql: statement.sql)
            }
        }
        return rows
    }

    /// Whether the hot query `key` with `values` bound returns a row.
    func exists<each Value: StatementBinding>(hot key: HotStatement, _ values: repeat each Value) throws -> Bool {
        try fetchFirst(hot: key, { _ in true }, repeat each values) ?? false
    }
}

/// A row of a hot query while its statement is on it, read column by column straight from
/// SQLite (`StatementColumnConvertible`). GRDB's `Row` cursors name every column, lowercased,
/// in a dictionary on each fetch (with the cursor's reset, a twentieth of the store's work
/// per webhook), and decode a `Date` through its date parser.
struct HotRow {
    let statement: SQLiteStatement

    /// The value at `index`; a NULL or a value of another type is a corrupt database, as
    /// for GRDB's `Row` (an optional type reads NULL as nil).
    subscript<Value: StatementColumnConvertible>(_ index: Int) -> Value {
        guard let value = Value.fromStatement(statement, atUncheckedIndex: CInt(index)) else {
            fatalError("could not read \(Value.self) from column \(index): \(DatabaseValue(sqliteStatement: statement, index: CInt(index)))")
        }
        return value
    }

    func hasNull(atIndex index: Int) -> Bool { sqlite3_column_type(statement, CInt(index)) == SQLITE_NULL }

    /// A stored date (``StoredDate``'s text, else whatever GRDB reads as a date).
    func storedDate(_ index: Int) -> Date {
        guard let date = storedDateIfPresent(index) else {
            fatalError("could not read a date from column \(index): \(DatabaseValue(sqliteStatement: statement, index: CInt(index)))")
        }
        return date
    }

    /// A stored date that may be NULL.
    func storedDateIfPresent(_ index: Int) -> Date? {
        if hasNull(atIndex: index) { return nil }
        if sqlite3_column_type(statement, CInt(index)) == SQLITE_TEXT, let text = sqlite3_column_text(statement, CInt(index)) {
            let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, CInt(index))))
            if let date = StoredDate.date(utf8: bytes) { return date }
        }
        return Date.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: CInt(index)))
    }
}
