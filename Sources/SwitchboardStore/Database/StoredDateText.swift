import Foundation
import SwitchboardCore

extension Date {
    /// The date as the store writes it: `YYYY-MM-DD HH:MM:SS.SSS`, UTC (what the sqlite3
    /// shell's `datetime()` reads), for binding on the hot path and for reports that show
    /// stored values as stored.
    ///
    /// GRDB formats every `Date` it binds through a `DateFormatter` (ICU), a few
    /// microseconds each, and the ingest path binds two or three per webhook. The text is
    /// the formatter's exactly, so stored rows compare equal whichever way they were written
    /// (`HotStatementTests` checks it on 60,000 dates): milliseconds since 1970 rounded to
    /// the nearest, as the formatter rounds them (truncating would turn a stored
    /// `…41.799`, which is `…41.79899…` in binary, into `…41.798`).
    public var storedText: String {
        let fields = UTCTimeFields(millisecondsSince1970: Int64((timeIntervalSince1970 * 1000).rounded()))
        return String(unsafeUninitializedCapacity: 23) { buffer in
            UTCTimeFields.writeDigits(fields.year, count: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            UTCTimeFields.writeDigits(fields.month, count: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            UTCTimeFields.writeDigits(fields.day, count: 2, into: buffer, at: 8)
            buffer[10] = UInt8(ascii: " ")
            UTCTimeFields.writeDigits(fields.hour, count: 2, into: buffer, at: 11)
            buffer[13] = UInt8(ascii: ":")
            UTCTimeFields.writeDigits(fields.minute, count: 2, into: buffer, at: 14)
            buffer[16] = UInt8(ascii: ":")
            UTCTimeFields.writeDigits(fields.second, count: 2, into: buffer, at: 17)
            buffer[19] = UInt8(ascii: ".")
            UTCTimeFields.writeDigits(fields.millisecond, count: 3, into: buffer, at: 20)
            return 23
        }
    }
}
