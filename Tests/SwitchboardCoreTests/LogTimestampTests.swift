import Foundation
import SwitchboardCore
import Testing

struct LogTimestampTests {
    @Test("A log line's time is exactly what ISO8601DateFormatter writes, on every kind of date")
    func sameTextAsTheFormatter() {
        var generator = SplitMix64(seed: 16)
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0.9999), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSince1970: 1_796_000_000.0005),
        ]
        for _ in 0..<5000 {
            // 1970 to about 2100, with sub-millisecond parts.
            dates.append(Date(timeIntervalSince1970: Double(generator.next() % 4_102_444_800_000) / 1000 + Double(generator.next() % 1000) / 1e6))
        }
        for date in dates {
            let expected = ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
            #expect(LogTimestamp.text(date) == expected, "\(date.timeIntervalSince1970)")
        }
    }
}
