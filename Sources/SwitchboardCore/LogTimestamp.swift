import Foundation

/// A log line's time in UTC, ISO 8601 with milliseconds: `2026-11-26T23:09:41.123Z`, the
/// text `ISO8601DateFormatter` writes with `.withInternetDateTime, .withFractionalSeconds`.
///
/// Written by hand: `ISO8601DateFormatter.string(from:timeZone:formatOptions:)` builds an
/// ICU formatter on every call, which cost `serve` about 15 % of its CPU under load (one log
/// line per webhook).
public enum LogTimestamp {
    public static func text(_ date: Date) -> String {
        // Milliseconds since 1970, rounded to the nearest, as the formatter does.
        let fields = UTCTimeFields(millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded()))
        // yyyy-MM-ddTHH:mm:ss.SSSZ
        return String(unsafeUninitializedCapacity: 24) { buffer in
            fields.writeDateTime(separator: UInt8(ascii: "T"), into: buffer)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }
}
