import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// ``StoredDate`` reads and writes a stored date exactly as GRDB does (the console's reads
/// use it instead of GRDB's `Calendar` and `DateFormatter`).
struct StoredDateTests {
    /// Dates from 1900 to 2200: whole seconds, milliseconds, sub-millisecond parts (which the
    /// text rounds), the reference date's neighbourhood, leap days and ends of years.
    static func dates(count: Int) -> [Date] {
        var generator = SplitMix64(seed: 1_616)
        var dates = [
            Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: 130_389.809),
            Date(timeIntervalSinceReferenceDate: -545_401.109), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005),
            Date(timeIntervalSince1970: 0.0005), Date(timeIntervalSince1970: 0.9995), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.9996), Date(timeIntervalSince1970: -2_208_988_800),  // 1900-01-01
        ]
        for index in 0..<count {
            let milliseconds = Int64(generator.next() % 9_467_280_000_000) - 2_208_988_800_000  // 1900 … 2200
            switch index % 3 {
            case 0: dates.append(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            case 1: dates.append(Date(timeIntervalSince1970: Double(milliseconds / 1000)))
            default: dates.append(Date(timeIntervalSince1970: Double(milliseconds) / 1000 + Double(generator.next() % 1000) / 1e6))
            }
        }
        return dates
    }

    @Test("A date's stored text is exactly what GRDB writes")
    func sameTextAsGRDB() {
        for date in Self.dates(count: 20_000) {
            guard case .string(let expected) = date.databaseValue.storage else {
                Issue.record("GRDB stored \(date) as something else than text")
                continue
            }
            #expect(StoredDate.text(date) == expected, "\(date.timeIntervalSinceReferenceDate)")
        }
    }

    @Test("Stored text reads back as the very Date GRDB decodes, to the bit")
    func sameDateAsGRDB() {
        for date in Self.dates(count: 20_000) {
            let value = date.databaseValue
            let expected = Date.fromDatabaseValue(value)
            #expect(StoredDate.date(value) == expected, "\(value)")
            #expect(StoredDate.date(value)?.timeIntervalSinceReferenceDate.bitPattern == expected?.timeIntervalSinceReferenceDate.bitPattern)
        }
    }

    @Test(
        "Anything that is not the store's own text is GRDB's to decode",
        arguments: [
            "2026-02-30 10:00:00.000", "2026-13-01 10:00:00.000", "2026-11-27 24:00:00.000", "2026-11-27 10:00:00",
            "2026-11-27T10:00:00.000", "2026-11-27 10:00:00.0001", "2026-11-27", "0000-01-01 00:00:00.000", "not a date", "",
        ])
    func othersFallBack(text: String) {
        let value = text.databaseValue
        #expect(StoredDate.date(value) == Date.fromDatabaseValue(value))
    }

    @Test("Numbers and NULL decode as GRDB decodes them")
    func numbersAndNull() {
        for value in [(1_800_000_000.5).databaseValue, Int64(1_800_000_000).databaseValue, DatabaseValue.null] {
            #expect(StoredDate.date(value) == Date.fromDatabaseValue(value))
        }
    }

    @Test("Rows decode stored dates, and NULL as nil, through the row helpers")
    func rows() throws {
        let queue = try DatabaseQueue()
        // What the column holds, read back by GRDB: the rounding to milliseconds included.
        let date = try #require(Date.fromDatabaseValue(Date(timeIntervalSince1970: 1_800_000_123.456).databaseValue))
        try queue.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT ? AS at, NULL AS never", arguments: [date]))
            #expect(row.storedDate("at") == date)
            #expect(row.storedDate(0) == date)
            #expect(row.storedDateIfPresent(Column("at")) == date)
            #expect(row.storedDateIfPresent("never") == nil)
            #expect(row.storedDateIfPresent(1) == nil)
        }
    }
}
