import GRDB

// The console reads the same two dozen statements for every frame. GRDB's `fetchAll(db, sql:)`
// and its query interface prepare their statement anew each time (SQLite parses and plans
// it again, GRDB's authorizer runs); on the 1M-message database that preparing was the
// largest part of a frame. These reads keep each statement prepared on its connection (by
// its SQL text) and decode each row in place, from the statement, without copying it.

extension Database {
    /// Every row of a cached statement, each decoded by `decode` while it is current (the
    /// row must not be kept: it is the statement's).
    func cachedRows<T>(_ sql: String, _ arguments: StatementArguments = StatementArguments(), _ decode: (Row) throws -> T)
        throws -> [T]
    {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        let cursor = try Row.fetchCursor(statement)
        var values: [T] = []
        while let row = try cursor.next() { values.append(try decode(row)) }
        return values
    }

    /// The first row of a cached statement, decoded, or nil when there is none.
    func cachedRow<T>(_ sql: String, _ arguments: StatementArguments = StatementArguments(), _ decode: (Row) throws -> T)
        throws -> T?
    {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        let cursor = try Row.fetchCursor(statement)
        guard let row = try cursor.next() else { return nil }
        return try decode(row)
    }

    /// The first column of the first row of a cached statement; nil when there is no row or
    /// it is NULL.
    func cachedValue<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ sql: String, _ arguments: StatementArguments = StatementArguments()
    ) throws -> Value? {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        return try Value.fetchOne(statement)
    }
}

// The records a frame reads most, by column position: their columns in table order
// (`Columns.all`, which `RecordColumnsTests` checks against the tables), qualified with the
// table's name so a join can select them first.

extension MessageThread {
    static let screenColumns = Columns.all.map { "message_thread.\($0.name)" }.joined(separator: ", ")

    /// Decodes ``screenColumns`` selected first.
    init(screenRow row: Row) {
        self.init(
            id: row[0], orgId: row[1], assignedSitterId: row[2], scope: row[3], bookingId: row[4], clientId: row[5],
            counterpartE164: row[6], maskedNumberE164: row[7], numberClass: row[8], createdAt: row.storedDate(9),
            lastMessageAt: row.storedDate(10), unread: row[11])
    }
}

extension MessageEvent {
    static let screenColumns = Columns.all.map { "message_event.\($0.name)" }.joined(separator: ", ")

    /// Decodes ``screenColumns`` selected first.
    init(screenRow row: Row) {
        self.init(
            id: row[0], orgId: row[1], threadId: row[2], direction: row[3], actorType: row[4], body: row[5],
            providerMessageSid: row[6], createdAt: row.storedDate(7), deliveryStatus: row[8])
    }
}

extension Sitter {
    static let screenColumns = Columns.all.map { "sitter.\($0.name)" }.joined(separator: ", ")

    /// Decodes ``screenColumns`` selected first.
    init(screenRow row: Row) {
        self.init(id: row[0], orgId: row[1], name: row[2], phoneE164: row[3], active: row[4], optedOut: row[5])
    }
}

extension SitterMetricsWindow {
    static let screenColumns = Columns.all.map { "sitter_metrics_window.\($0.name)" }.joined(separator: ", ")

    /// Decodes ``screenColumns`` selected from position `offset`.
    init(screenRow row: Row, from offset: Int) {
        self.init(
            id: row[offset], orgId: row[offset + 1], sitterId: row[offset + 2], windowStart: row.storedDate(offset + 3),
            windowEnd: row.storedDate(offset + 4), avgResponseSeconds: row[offset + 5], medianResponseSeconds: row[offset + 6],
            responseRate: row[offset + 7], offerAcceptRate: row[offset + 8], offerMedianResponseSeconds: row[offset + 9],
            responseRequiredCount: row[offset + 10], responseSampleCount: row[offset + 11], offerSampleCount: row[offset + 12],
            offerAcceptedCount: row[offset + 13], offerResponseSampleCount: row[offset + 14], tier: row[offset + 15],
            computedAt: row.storedDate(offset + 16))
    }
}
