import Foundation

/// Compact ages for lists: `now`, `45s`, `12m`, `3h`, `2d`, `5w`.
enum Age {
    static func short(from date: Date, to now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date).rounded(.down))
        switch seconds {
        case ..<5: return "now"
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h"
        case ..<(86_400 * 14): return "\(seconds / 86_400)d"
        default: return "\(seconds / (86_400 * 7))w"
        }
    }
}

/// A time of day as the operator reads it: `14:02`, in the machine's time zone.
enum ClockTime {
    static func text(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
