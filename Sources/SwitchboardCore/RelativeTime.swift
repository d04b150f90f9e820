import Foundation

/// Times in `Data/demo.json` are relative to the moment of import ("45 minutes ago",
/// "in 2 days", "now"), so the demo always looks fresh and its metrics fall inside the
/// tier window.
public enum RelativeTime {
    static let unitSeconds: [String: Double] = [
        "second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800,
    ]

    /// Reads `text` against `now`. Parts may be combined: `2 days 3 hours ago`, `in 1 day 30 minutes`.
    public static func parse(_ text: String, now: Date) -> Date? {
        var words = text.lowercased().split(separator: " ").map(String.init)
        if words == ["now"] { return now }
        let sign: Double
        if words.first == "in" {
            sign = 1
            words.removeFirst()
        } else if words.last == "ago" {
            sign = -1
            words.removeLast()
        } else {
            return nil
        }
        guard !words.isEmpty, words.count.isMultiple(of: 2) else { return nil }
        var seconds = 0.0
        for index in stride(from: 0, to: words.count, by: 2) {
            guard let amount = Double(words[index]), amount >= 0 else { return nil }
            var unit = words[index + 1]
            if unit.hasSuffix("s") { unit.removeLast() }
            guard let size = unitSeconds[unit] else { return nil }
            seconds += amount * size
        }
        return now.addingTimeInterval(sign * seconds)
    }
}
