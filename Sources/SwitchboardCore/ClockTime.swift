import Foundation

/// A time of day as people read it: `14:02`.
public enum ClockTime {
    public static func text(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let hour = parts.hour ?? 0, minute = parts.minute ?? 0
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}

/// A day and time as people read them in the org's zone: `Nov 27 09:00`, and a booking's
/// span `Nov 27 09:00–10:00`. The console and every SMS the system writes use these.
public enum DayTime {
    public static func text(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.month, .day], from: date)
        let month = monthNames[max(0, min(11, (parts.month ?? 1) - 1))]
        return "\(month) \(parts.day ?? 1) \(ClockTime.text(date, timeZone: timeZone))"
    }

    /// `Nov 27 09:00–10:00`; the end's day is named too when it is another day.
    public static func span(from start: Date, to end: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let end = calendar.isDate(start, inSameDayAs: end) ? ClockTime.text(end, timeZone: timeZone) : text(end, timeZone: timeZone)
        return "\(text(start, timeZone: timeZone))–\(end)"
    }

    /// English month abbreviations, whatever the machine's locale: SMS texts read the same
    /// everywhere.
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
