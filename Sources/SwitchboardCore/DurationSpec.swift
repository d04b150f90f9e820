/// A duration typed on the command line: a whole number and a unit, `90s`, `15m`, `2h`,
/// `7d` (what `--since` and `--older-than` take).
public struct DurationSpec: Sendable, Equatable, CustomStringConvertible {
    public let seconds: Double
    /// As typed (`7d`), for messages.
    public let description: String

    /// Nil for anything else: no number, a unit other than s, m, h, d, zero or less.
    public init?(_ text: String) {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, count <= 36_500 * 86_400 else { return nil }
        let scale: Double
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3_600
        case "d": scale = 86_400
        default: return nil
        }
        seconds = Double(count) * scale
        description = text
    }

    /// What to say when a duration cannot be read.
    public static func problem(flag: String, value: String) -> String {
        "\(flag) takes a whole number and a unit, s, m, h or d (such as 15m, 2h or 7d); got \(value)."
    }
}
