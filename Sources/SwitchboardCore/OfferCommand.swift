import Foundation

/// A sitter's answer to a booking offer, read from an SMS body.
///
/// Accept words: `YES`, `Y`, `ACCEPT`; decline words: `NO`, `N`, `DECLINE`. Case, surrounding
/// white space and trailing punctuation are ignored, and a booking code may follow
/// (`YES B1042`). Anything else, `Yes please` included, is an ordinary message.
public struct OfferCommand: Equatable, Sendable {
    public enum Answer: String, Sendable { case accept, decline }

    public var answer: Answer
    /// Upper-cased booking code, when the sitter named one.
    public var bookingCode: String?

    public init(answer: Answer, bookingCode: String? = nil) {
        self.answer = answer
        self.bookingCode = bookingCode
    }

    static let acceptWords: Set<String> = ["YES", "Y", "ACCEPT"]
    static let declineWords: Set<String> = ["NO", "N", "DECLINE"]

    /// Parses `body`, or returns nil when it is not an offer command.
    public static func parse(_ body: String) -> OfferCommand? {
        let words = body.split(whereSeparator: { $0.isWhitespace }).map { stripTrailingPunctuation($0) }
        guard (1...2).contains(words.count) else { return nil }
        let verb = words[0].uppercased()
        let answer: Answer
        if acceptWords.contains(verb) {
            answer = .accept
        } else if declineWords.contains(verb) {
            answer = .decline
        } else {
            return nil
        }
        guard words.count == 2 else { return OfferCommand(answer: answer) }
        let code = words[1].uppercased()
        guard isBookingCode(code) else { return nil }
        return OfferCommand(answer: answer, bookingCode: code)
    }

    /// A booking code is one to three letters then one to eight digits: `B1042`.
    public static func isBookingCode(_ text: String) -> Bool {
        let letters = text.prefix { $0.isASCII && $0.isLetter }
        let digits = text.dropFirst(letters.count)
        return (1...3).contains(letters.count) && (1...8).contains(digits.count)
            && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func stripTrailingPunctuation(_ word: Substring) -> String {
        var word = word
        while let last = word.last, last.isPunctuation || last.isSymbol, !word.isEmpty {
            word.removeLast()
        }
        return String(word)
    }
}

/// Carrier keywords that change a contact's consent, as Twilio's Advanced Opt-Out defines them.
public enum ConsentKeyword: Equatable, Sendable {
    case optOut, optIn, help

    static let optOutWords: Set<String> = [
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE",
    ]
    /// `YES` is also an opt-in word at Twilio, but here it answers offers: only these opt in.
    static let optInWords: Set<String> = ["START", "UNSTOP"]
    static let helpWords: Set<String> = ["HELP", "INFO"]

    /// Reads the keyword from Twilio's `OptOutType` parameter when present (it is
    /// authoritative), else from the body.
    public static func detect(body: String, optOutType: String?) -> ConsentKeyword? {
        switch optOutType?.uppercased() {
        case "STOP": return .optOut
        case "START": return .optIn
        case "HELP": return .help
        default: break
        }
        var word = body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        while let last = word.last, last.isPunctuation { word.removeLast() }
        if optOutWords.contains(word) || word == "STOP ALL" { return .optOut }
        if optInWords.contains(word) { return .optIn }
        if helpWords.contains(word) { return .help }
        return nil
    }
}
