import Foundation

/// Why a value typed for a record (a name, a phone, a booking code, a time) was refused:
/// which field, and what to type instead.
public struct RecordInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
}

/// The checks every record operation applies to what a person typed, whether on the
/// command line or at the console's `:` prompt: one rule per kind of value.
public enum RecordInput {
    /// Longer names are typing accidents (a pasted paragraph), and no pane could show them.
    public static let maxNameLength = 100
    /// Twilio's limit for one message body.
    public static let maxMessageLength = 1600

    /// A person's name: trimmed, not empty, at most ``maxNameLength`` characters, and no
    /// control or invisible formatting character (they would corrupt a terminal or a CSV).
    public static func name(_ text: String, field: String = "the name") throws(RecordInputError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw RecordInputError(field, "is empty; give a name such as \"Maya Okafor\"") }
        guard trimmed.count <= maxNameLength else {
            throw RecordInputError(field, "is \(trimmed.count) characters long; keep it to \(maxNameLength)")
        }
        try checkPrintable(trimmed, field: field)
        return trimmed
    }

    /// A phone number in E.164 form. Spaces, dashes, dots and parentheses people type
    /// between digits are dropped (`+1 (555) 010-0100` is `+15550100100`); anything else
    /// must already be E.164.
    public static func phone(_ text: String, field: String = "the phone") throws(RecordInputError) -> String {
        let compact = String(text.filter { !" -.()\t".contains($0) })
        guard E164.isValid(compact) else {
            throw RecordInputError(
                field, "must be an E.164 phone number: +, the country code, then the number, such as +15551234567; got \"\(text)\"")
        }
        return compact
    }

    /// A booking code such as `B1042` (upper-cased): what sitters type after YES or NO.
    public static func bookingCode(_ text: String, field: String = "the booking code") throws(RecordInputError) -> String {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard OfferCommand.isBookingCode(code) else {
            throw RecordInputError(field, "must be one to three letters then one to eight digits, such as B1042; got \"\(text)\"")
        }
        return code
    }

    /// A short description such as a booking's service: not empty, one line.
    public static func label(_ text: String, field: String) throws(RecordInputError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw RecordInputError(field, "is empty; say what it is, such as \"Dog walk, 30 min\"") }
        guard trimmed.count <= 200 else { throw RecordInputError(field, "is \(trimmed.count) characters long; keep it to 200") }
        try checkPrintable(trimmed, field: field)
        return trimmed
    }

    /// The text of an SMS: not empty, within Twilio's 1,600 characters, no NUL (SQLite would
    /// cut the stored text there).
    public static func messageBody(_ text: String, field: String = "the text") throws(RecordInputError) -> String {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RecordInputError(field, "is empty; write what to send")
        }
        guard text.count <= maxMessageLength else {
            throw RecordInputError(field, "is \(text.count) characters long; Twilio takes at most \(maxMessageLength)")
        }
        guard !text.unicodeScalars.contains("\u{0}") else { throw RecordInputError(field, "contains a NUL character; remove it") }
        return text
    }

    /// A moment typed by a person: relative (`in 2 days`, `3 hours ago`, `now`), a date and
    /// time in `timeZone` (`2026-12-01 09:00`, `2026-12-01T09:00`, with optional seconds), a
    /// date alone (midnight), or ISO 8601 with a zone (`2026-12-01T09:00Z`, `…+01:00`).
    public static func time(
        _ text: String, now: Date, timeZone: TimeZone = .current, field: String = "the time"
    ) throws(RecordInputError) -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let relative = RelativeTime.parse(trimmed, now: now) { return relative }
        let zoned = ISO8601DateFormatter()
        zoned.formatOptions = [.withInternetDateTime]
        if let date = zoned.date(from: trimmed) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        // With a zone (`Z`, `+01:00`) first: the zone in the text wins over `timeZone`.
        let formats = [
            "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd HH:mm:ssXXXXX",
            "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd",
        ]
        for format in formats {
            local.dateFormat = format
            if let date = local.date(from: trimmed) { return date }
        }
        throw RecordInputError(
            field, "\"\(text)\" is not a time; write 2026-12-01 09:00 (local time), 2026-12-01T09:00Z, or in 2 days")
    }

    /// The start of a period to look back over: a duration back from `now` (`30d`, `12h`,
    /// `90m`, `2w`, `30 days`) or any ``time(_:now:timeZone:field:)`` (`2026-11-01`).
    public static func since(
        _ text: String, now: Date, timeZone: TimeZone = .current, field: String = "--since"
    ) throws(RecordInputError) -> Date {
        if let duration = DurationSpec(text) { return now.addingTimeInterval(-duration.seconds) }
        do {
            return try time(text, now: now, timeZone: timeZone, field: field)
        } catch {
            throw RecordInputError(field, "\"\(text)\" is not a duration or a date; write 30d, 12h, 2w, or 2026-11-01")
        }
    }

    private static func checkPrintable(_ text: String, field: String) throws(RecordInputError) {
        let invisible = text.unicodeScalars.first { scalar in
            let category = scalar.properties.generalCategory
            return category == .control || category == .format || category == .lineSeparator || category == .paragraphSeparator
        }
        if let invisible {
            let code = String(invisible.value, radix: 16, uppercase: true)
            throw RecordInputError(
                field, "contains an invisible or control character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); retype it")
        }
    }
}

/// How a person names a record on a command line: `12` or `#12` (its id), `+15550100101`
/// (a phone), or a name (matched without regard to case; a unique beginning is enough).
public enum RecordReference: Equatable, Sendable, CustomStringConvertible {
    case id(RowID)
    case phone(String)
    case name(String)

    public static func parse(_ text: String, field: String) throws(RecordInputError) -> RecordReference {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed
        if !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let id = RowID(number) { return .id(id) }
        if trimmed.hasPrefix("+") { return .phone(try RecordInput.phone(trimmed, field: field)) }
        return .name(try RecordInput.name(trimmed, field: field))
    }

    public var description: String {
        switch self {
        case .id(let id): "#\(id)"
        case .phone(let phone): phone
        case .name(let name): "\"\(name)\""
        }
    }
}

/// A sitter to add: her name and personal phone (how the listener recognises her texts).
public struct NewSitter: Equatable, Sendable {
    public let name: String
    public let phone: String

    public init(name: String, phone: String) throws(RecordInputError) {
        self.name = try RecordInput.name(name)
        self.phone = try RecordInput.phone(phone)
    }
}

/// A client to add; the name may be left out for a contact known only by phone.
public struct NewClient: Equatable, Sendable {
    public let name: String?
    public let phone: String

    public init(name: String?, phone: String) throws(RecordInputError) {
        self.name = try name.map { name throws(RecordInputError) in try RecordInput.name(name) }
        self.phone = try RecordInput.phone(phone)
    }
}

/// What to change of a sitter or a client: a new name, a new phone, or both.
public struct ContactEdit: Equatable, Sendable {
    public let name: String?
    public let phone: String?

    public init(name: String?, phone: String?) throws(RecordInputError) {
        guard name != nil || phone != nil else { throw RecordInputError("the change", "is empty; give a new name, a new phone, or both") }
        self.name = try name.map { name throws(RecordInputError) in try RecordInput.name(name) }
        self.phone = try phone.map { phone throws(RecordInputError) in try RecordInput.phone(phone) }
    }
}

/// What a Twilio number is for, as `number add` says it.
public enum NumberRole: Equatable, Sendable {
    /// The number clients and sitters text the business on; offers are sent from it.
    case frontDesk
    /// Not in use yet: a sitter's number to be.
    case pool
    /// A sitter's masked number: her clients text her through it.
    case sitter(RecordReference)
}

/// A booking to add: its code, the client (by reference), the service and when it runs.
public struct NewBooking: Equatable, Sendable {
    public let code: String
    public let client: RecordReference
    public let service: String
    public let startsAt: Date
    public let endsAt: Date

    public init(code: String, client: RecordReference, service: String, startsAt: Date, endsAt: Date) throws(RecordInputError) {
        self.code = try RecordInput.bookingCode(code)
        self.client = client
        self.service = try RecordInput.label(service, field: "the service")
        guard endsAt > startsAt else { throw RecordInputError("the end", "is not after the start; give an end later than the start") }
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}

/// How a typed name finds a record: without regard to case or accents (`ines` finds
/// `Inês`, `ZOË` finds `Zoë`), the whole name first, else a beginning of it.
public enum NameMatch {
    /// The names (by index) `query` picks: those equal to it when any is, else those it begins.
    public static func pick(_ query: String, among names: [String]) -> [Int] {
        let key = folded(query)
        let keys = names.map(folded)
        let exact = keys.indices.filter { keys[$0] == key }
        return exact.isEmpty ? keys.indices.filter { keys[$0].hasPrefix(key) } : exact
    }

    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
