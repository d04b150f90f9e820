import Foundation

/// What the sitter is told after an offer command, one case per situation of SPEC §4.
///
/// Each text fits one GSM-7 SMS segment (160 characters) for ordinary booking codes; only
/// ``choose(codes:)`` with many offers can run longer.
public enum OfferReply: Equatable, Sendable {
    case accepted(code: String)
    case declined(code: String)
    case alreadyAccepted(code: String)
    case alreadyDeclined(code: String)
    /// Several offers are pending and the command named none.
    case choose(codes: [String])
    case noPending
    case noSuchOffer(code: String)
    case expired(code: String)
    case taken(code: String)
    case cancelled(code: String)
    case withdrawn(code: String)

    public var text: String {
        switch self {
        case .accepted(let code): "Booking \(code) is yours. Thank you!"
        case .declined(let code): "Declined booking \(code). Thanks for letting us know."
        case .alreadyAccepted(let code): "You already accepted booking \(code); nothing changed."
        case .alreadyDeclined(let code): "You already declined booking \(code); nothing changed."
        case .choose(let codes):
            "You have \(codes.count) pending offers: \(codes.joined(separator: ", ")). "
                + "Reply Y or N with the code, e.g. Y \(codes.first ?? "B1042")."
        case .noPending: "You have no pending offers."
        case .noSuchOffer(let code): "You have no offer for booking \(code)."
        case .expired(let code): "Offer \(code) has expired."
        case .taken(let code): "Booking \(code) was already taken."
        case .cancelled(let code): "Booking \(code) was cancelled."
        case .withdrawn(let code): "Offer \(code) was withdrawn."
        }
    }

    /// Whether the command changed anything (an acceptance or a decline).
    public var changedSomething: Bool {
        switch self {
        case .accepted, .declined: true
        default: false
        }
    }
}

/// The SMS that offers a booking to a sitter, its times in the org's time zone. It suggests
/// `Y`/`N` rather than `YES`/`NO` because Twilio treats a bare `YES` as an opt-in keyword
/// and may answer it itself.
public enum OfferInvitation {
    public static func text(code: String, service: String, startsAt: Date, endsAt: Date, expiresAt: Date, timeZone: TimeZone) -> String {
        let zone = zoneName(timeZone, at: startsAt)
        return "New booking \(code): \(service), \(DayTime.text(startsAt, timeZone: timeZone))-\(ClockTime.text(endsAt, timeZone: timeZone)) \(zone). "
            + "Reply Y \(code) to take it or N \(code) to pass, by \(DayTime.text(expiresAt, timeZone: timeZone)) \(zoneName(timeZone, at: expiresAt))."
    }

    /// `UTC-5`, `UTC+5:30`, `UTC`: the zone's offset at that date, the same on every
    /// platform (abbreviations such as `EST` are not: Linux often says `GMT-5`).
    static func zoneName(_ zone: TimeZone, at date: Date) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        guard seconds != 0 else { return "UTC" }
        let minutes = abs(seconds) / 60
        let hours = "\(seconds < 0 ? "-" : "+")\(minutes / 60)"
        return minutes % 60 == 0 ? "UTC\(hours)" : "UTC\(hours):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
    }
}
