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
        hot key: HotStatement, _ decode: (Row) throws -> T, _ values: repeat each Value
    ) throws -> T? {
        let statement = try HotStatementSet.statement(key, in: self)
        statement.bindHot(repeat each values)
        do {
            let cursor = try Row.fetchCursor(statement)
            return try cursor.next().map(decode)
        } catch {
            HotStatementSet.discard(key)
            throw error
        }
    }

    /// Whether the hot query `key` with `values` bound returns a row.
    func exists<each Value: StatementBinding>(hot key: HotStatement, _ values: repeat each Value) throws -> Bool {
        try fetchFirst(hot: key, { _ in true }, repeat each values) ?? false
    }
}
