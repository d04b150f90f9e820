import Foundation
import GRDB
import SwitchboardCore

/// Dates as the store keeps them: UTC text `YYYY-MM-DD HH:MM:SS.SSS`, GRDB's format. GRDB
/// reads that text through a `Calendar` and writes it through a `DateFormatter` (ICU); a
/// console frame reads about a hundred dates, so the reads of the console's screens decode
/// and bind them here instead, by arithmetic: the same text, and the same `Date` to the bit
/// (`StoredDateTests` compares both ways with GRDB on many dates). Anything else (a number,
/// text in another shape, a date before year 1 or after 9999) goes through GRDB, so nothing
/// reads differently.
public enum StoredDate {
    /// Days from 1970-01-01 to 2001-01-01, `Date`'s reference date.
    private static let daysFrom1970To2001 = 11_323

    /// The date a stored value holds, as GRDB would decode it; nil for NULL or a value that
    /// is no date.
    public static func date(_ value: DatabaseValue) -> Date? {
        if case .string(var text) = value.storage, let date = text.withUTF8({ date(utf8: $0) }) {
            return date
        }
        return Date.fromDatabaseValue(value)
    }

    /// The date of exactly `YYYY-MM-DD HH:MM:SS.SSS` in UTF-8 with fields in range, nil for
    /// anything else (the caller asks GRDB then).
    static func date(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 23, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A,
            bytes[16] == 0x3A, bytes[19] == 0x2E
        else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let digit = Int(bytes[index]) &- 0x30
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let milliseconds = number(20, 3),
            year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 59
        else { return nil }
        let dayOfReference = daysSince1970(year: year, month: month, day: day) - daysFrom1970To2001
        // Summed as Foundation's Gregorian calendar sums them (the time of day with its
        // fraction first, then the days), so the Double is the same to the last bit.
        let timeOfDay = Double(hour * 3600 + minute * 60 + second) + Double(milliseconds) / 1000
        return Date(timeIntervalSinceReferenceDate: Double(dayOfReference * 86_400) + timeOfDay)
    }

    /// The text GRDB stores for `date` (its `DateFormatter` rounds to the nearest millisecond).
    public static func text(_ date: Date) -> String {
        let totalMilliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // Outside years 1...9999 (or not a number), GRDB's formatter decides.
        guard totalMilliseconds.isFinite, abs(totalMilliseconds) < 2.5e14 else { return grdbText(date) }
        let fields = UTCTimeFields(millisecondsSince1970: Int64(totalMilliseconds))
        guard (1...9999).contains(fields.year) else { return grdbText(date) }
        // yyyy-MM-dd HH:mm:ss.SSS
        return String(unsafeUninitializedCapacity: 23) { buffer in
            fields.writeDateTime(separator: UInt8(ascii: " "), into: buffer)
            return 23
        }
    }

    private static func grdbText(_ date: Date) -> String {
        if case .string(let text) = date.databaseValue.storage { return text }
        return "\(date)"
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Row {
    /// A stored date column, decoded by ``StoredDate`` (GRDB decides, and fails as it would,
    /// for anything that is not the store's text).
    func storedDate(_ column: some ColumnExpression) -> Date {
        StoredDate.date(self[column]) ?? self[column]
    }

    /// A stored date column that may be NULL.
    func storedDateIfPresent(_ column: some ColumnExpression) -> Date? {
        let value: DatabaseValue = self[column]
        return value.isNull ? nil : (StoredDate.date(value) ?? self[column])
    }

    func storedDate(_ index: Int) -> Date {
        StoredDate.date(self[index]) ?? self[index]
    }

    func storedDateIfPresent(_ index: Int) -> Date? {
        let value: DatabaseValue = self[index]
        return value.isNull ? nil : (StoredDate.date(value) ?? self[index])
    }

    func storedDate(_ name: String) -> Date {
        StoredDate.date(self[name]) ?? self[name]
    }

    func storedDateIfPresent(_ name: String) -> Date? {
        let value: DatabaseValue = self[name]
        return value.isNull ? nil : (StoredDate.date(value) ?? self[name])
    }
}
