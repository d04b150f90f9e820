/// A duration typed on the command line: a whole number and a unit, `90s`, `15m`, `2h`,
/// `7d`, `2w` (what `--since`, `--older-than` and the retention take).
public struct DurationSpec: Sendable, Equatable, CustomStringConvertible {
    public let seconds: Double
    /// As typed (`7d`), for messages.
    public let description: String

    /// Nil for anything else: no number, another unit, zero or less. The unit may be
    /// spelt out, with or without a space (`30 days`, `2w`).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let count = Int(digits), count > 0, count <= 36_500 * 86_400,
            let scale = Self.units.first(where: { $0.names.contains(unit) })?.seconds
        else { return nil }
        seconds = Double(count) * scale
        description = text
    }

    private static let units: [(names: [String], seconds: Double)] = [
        (["s", "sec", "secs", "second", "seconds"], 1), (["m", "min", "mins", "minute", "minutes"], 60),
        (["h", "hour", "hours"], 3_600), (["d", "day", "days"], 86_400), (["w", "week", "weeks"], 604_800),
    ]

    /// What to say when a duration cannot be read.
    public static func problem(flag: String, value: String) -> String {
        "\(flag) takes a whole number and a unit, s, m, h, d or w (such as 15m, 2h or 7d); got \(value)."
    }
}
