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
