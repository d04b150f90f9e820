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
        let word = asciiKeyword(body) ?? {
            // Too many letters (or emoji…) to be a keyword: skip Foundation's trimming and
            // upper-casing of the whole body, which bridge through NSString.
            guard !hasMoreScalarsThanAKeyword(body) else { return "" }
            var word = body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            while let last = word.last, last.isPunctuation { word.removeLast() }
            return word
        }()
        if optOutWords.contains(word) || word == "STOP ALL" { return .optOut }
        if optInWords.contains(word) { return .optIn }
        if helpWords.contains(word) { return .help }
        return nil
    }

    /// The longest keyword, in bytes: `UNSUBSCRIBE`.
    static let longestKeyword = 11

    /// Whether `body` has more scalars than any keyword that neither trimming (white space)
    /// nor the removal of trailing punctuation can take away (nor combining marks, which may
    /// belong to a punctuation character). Upper-casing never turns one scalar into none, so
    /// such a body's word is longer than every keyword.
    static func hasMoreScalarsThanAKeyword(_ body: String) -> Bool {
        var kept = 0
        for scalar in body.unicodeScalars where scalar.isASCII ? countsASCII[Int(scalar.value)] : counts(scalar) {
            kept += 1
            if kept > longestKeyword { return true }
        }
        return false
    }

    /// Whether a scalar counts towards a keyword's length: not white space, punctuation or a
    /// combining mark.
    private static func counts(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isWhitespace { return false }
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .nonspacingMark, .spacingMark, .enclosingMark:
            return false
        default:
            return true
        }
    }

    /// ``counts(_:)`` of every ASCII scalar, looked up once: most of a body, even one with an
    /// emoji, is ASCII.
    private static let countsASCII: [Bool] = (0..<0x80).map { counts(Unicode.Scalar(UInt8($0))) }

    /// For an ASCII body (nearly every SMS checked here), the same word the general path
    /// computes (white space trimmed, upper-cased, trailing punctuation removed) without
    /// Foundation's trimming, which bridges through NSString on every webhook. Bodies longer
    /// than any keyword come back empty. Nil when the body is not ASCII.
    static func asciiKeyword(_ body: String) -> String? {
        let bytes = body.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while start < end, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        while start < end, isASCIIPunctuation(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard bytes.distance(from: start, to: end) <= longestKeyword else { return "" }
        return String(decoding: bytes[start..<end].map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// `Character.isPunctuation` for ASCII: the Unicode P* categories. The dollar, plus,
    /// less-than, equals, greater-than, caret, grave accent, bar and tilde are symbols.
    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!")...UInt8(ascii: "#"), UInt8(ascii: "%")...UInt8(ascii: "*"), UInt8(ascii: ",")...UInt8(ascii: "/"),
            UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "@"), UInt8(ascii: "[")...UInt8(ascii: "]"),
            UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            true
        default:
            false
        }
    }
}
