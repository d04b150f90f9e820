/// A moment's calendar fields in UTC, to the millisecond (proleptic Gregorian), computed by
/// hand: the hot paths that write times as text (log lines, stored dates) must not pay for a
/// Foundation date formatter on every call.
public struct UTCTimeFields: Sendable, Equatable {
    public var year: Int64
    public var month: Int64
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64
    public var millisecond: Int64

    public init(millisecondsSince1970 milliseconds: Int64) {
        let (days, msOfDay) = Self.floorDivide(milliseconds, 86_400_000)
        (year, month, day) = Self.civilDate(daysSince1970: days)
        hour = msOfDay / 3_600_000
        minute = msOfDay / 60_000 % 60
        second = msOfDay / 1000 % 60
        millisecond = msOfDay % 1000
    }

    /// Writes `yyyy-MM-dd?HH:mm:ss.SSS` (23 bytes, `?` being `separator`) at the start of
    /// `buffer`: the log's time (`T`) and the stored date text (a space) alike.
    @inlinable
    public func writeDateTime(separator: UInt8, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        Self.writeDigits(year, count: 4, into: buffer, at: 0)
        buffer[4] = UInt8(ascii: "-")
        Self.writeDigits(month, count: 2, into: buffer, at: 5)
        buffer[7] = UInt8(ascii: "-")
        Self.writeDigits(day, count: 2, into: buffer, at: 8)
        buffer[10] = separator
        Self.writeDigits(hour, count: 2, into: buffer, at: 11)
        buffer[13] = UInt8(ascii: ":")
        Self.writeDigits(minute, count: 2, into: buffer, at: 14)
        buffer[16] = UInt8(ascii: ":")
        Self.writeDigits(second, count: 2, into: buffer, at: 17)
        buffer[19] = UInt8(ascii: ".")
        Self.writeDigits(millisecond, count: 3, into: buffer, at: 20)
    }

    /// Writes `value` as exactly `count` decimal digits (zero-padded) at `offset`.
    @inlinable
    public static func writeDigits(_ value: Int64, count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        var index = offset + count - 1
        while index >= offset {
            buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor, remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// The date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
