/// Short, human durations for tables: `45s`, `4m 05s`, `1h 25m`, `3d 4h`.
public enum DurationText {
    public static func short(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        let total = Int(seconds.rounded())
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m \(pad(total % 60))s"
        case ..<86_400: return "\(total / 3600)h \(pad(total % 3600 / 60))m"
        default: return "\(total / 86_400)d \(total % 86_400 / 3600)h"
        }
    }

    /// A ratio as a whole percentage, or a dash when there is nothing to divide.
    public static func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "—" }
        return "\(Int((ratio * 100).rounded()))%"
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
