/// Where an inbound SMS goes (SPEC §3, steps 4 to 6), decided from facts the store looked
/// up: the number it was sent to, and whether the sender is a sitter.
///
/// The rules, in order:
/// 1. `To` is not one of our numbers → ``InboundRoute/unrouted``.
/// 2. The sender is a sitter:
///    - a consent keyword (STOP, START, HELP…) → the sitter's `owner_sitter` thread, so it
///      never reaches a client;
///    - to the front desk, an offer command (`YES`, `N B1042`…) →
///      ``InboundRoute/offerCommand(sitterId:command:)``. Offers are sent from the front desk,
///      so commands are recognised only there: a sitter's "Yes!" to a client is never one;
///    - to their own masked number → ``InboundRoute/sitterToClient(sitterId:)``: always a
///      message for a client, relayed only when ``RelayDecision`` is certain which client;
///    - to any other number (the front desk, a pool number, another sitter's number) →
///      ``InboundRoute/sitterToOwner(sitterId:)``.
/// 3. Anyone else is a client:
///    - to a number assigned to a sitter → ``InboundRoute/clientToSitter(sitterId:)``;
///    - to the front desk, or a number with no sitter → ``InboundRoute/clientToFrontDesk``.
public enum InboundRoute: Equatable, Sendable {
    case unrouted
    case offerCommand(sitterId: RowID, command: OfferCommand)
    case sitterToClient(sitterId: RowID)
    case sitterToOwner(sitterId: RowID)
    case clientToSitter(sitterId: RowID)
    case clientToFrontDesk

    /// What the store knows about the `To` number.
    public struct Number: Equatable, Sendable {
        public var numberClass: NumberClass
        public var assignedSitterId: RowID?
        public init(numberClass: NumberClass, assignedSitterId: RowID?) {
            self.numberClass = numberClass
            self.assignedSitterId = assignedSitterId
        }
    }

    /// Decides the route. `senderSitterId` is the sitter whose personal phone sent the SMS.
    public static func decide(
        number: Number?, senderSitterId: RowID?, body: String, consent: ConsentKeyword?
    ) -> InboundRoute {
        guard let number else { return .unrouted }
        if let sitterId = senderSitterId {
            if consent != nil { return .sitterToOwner(sitterId: sitterId) }
            if number.numberClass == .frontDesk, let command = OfferCommand.parse(body) {
                return .offerCommand(sitterId: sitterId, command: command)
            }
            if number.numberClass != .frontDesk, number.assignedSitterId == sitterId {
                return .sitterToClient(sitterId: sitterId)
            }
            return .sitterToOwner(sitterId: sitterId)
        }
        if number.numberClass != .frontDesk, let sitterId = number.assignedSitterId {
            return .clientToSitter(sitterId: sitterId)
        }
        return .clientToFrontDesk
    }
}

/// A client conversation a sitter's text to her masked number could be meant for: a client
/// thread on that number, in her mailbox now.
public struct RelayCandidate: Equatable, Sendable {
    /// The thread's id, which is also its handle `#N`.
    public var threadId: RowID
    /// The client's name, as stored (nil for an unnamed contact).
    public var clientName: String?
    /// Whether the client waits for an answer (an open response link).
    public var isWaiting: Bool
    public var clientOptedOut: Bool

    public init(threadId: RowID, clientName: String?, isWaiting: Bool, clientOptedOut: Bool = false) {
        self.threadId = threadId
        self.clientName = clientName
        self.isWaiting = isWaiting
        self.clientOptedOut = clientOptedOut
    }

    /// How a forwarded text names the client: `Mateo R. #12`.
    public var label: String { "\(ClientName.short(clientName)) #\(threadId)" }

    /// How a "Not sent" answer offers the conversation: `#12 (Mateo R.)`.
    public var choice: String { "#\(threadId) (\(ClientName.short(clientName)))" }
}

/// Which client a sitter's text to her own masked number goes to (SPEC §3.5): relayed only
/// when the client is certain, because a wrong guess sends a door code to a stranger.
///
/// - A text starting with a handle `#N` goes to thread N if it is a candidate (the handle is
///   stripped).
/// - Otherwise exactly one candidate waiting for an answer → it; none waiting and exactly one
///   candidate → it.
/// - Anything else → ``notSent(reason:choices:)``: nothing reaches a client.
public enum RelayDecision: Equatable, Sendable {
    case relay(threadId: RowID, body: String)
    /// The chosen client texted STOP: nothing is sent.
    case clientOptedOut(threadId: RowID)
    case notSent(reason: NotSentReason, choices: [RelayCandidate])

    public enum NotSentReason: Equatable, Sendable {
        /// Several clients wait for an answer.
        case severalWaiting
        /// Nobody waits, and several clients use this number.
        case severalClients
        /// No client conversation on this number is hers.
        case noClient
        /// The text named a handle that is not one of her conversations here.
        case unknownHandle(RowID)
    }

    /// Candidates are expected newest conversation first: the choices list them in that order.
    public static func decide(body: String, candidates: [RelayCandidate]) -> RelayDecision {
        if let (handle, rest) = parseHandle(body) {
            guard let named = candidates.first(where: { $0.threadId == handle }) else {
                return .notSent(reason: .unknownHandle(handle), choices: candidates)
            }
            return named.clientOptedOut ? .clientOptedOut(threadId: handle) : .relay(threadId: handle, body: rest)
        }
        let waiting = candidates.filter(\.isWaiting)
        let chosen: RelayCandidate
        switch (waiting.count, candidates.count) {
        case (1, _): chosen = waiting[0]
        case (0, 1): chosen = candidates[0]
        case (0, 0): return .notSent(reason: .noClient, choices: [])
        case (0, _): return .notSent(reason: .severalClients, choices: candidates)
        default: return .notSent(reason: .severalWaiting, choices: waiting)
        }
        return chosen.clientOptedOut ? .clientOptedOut(threadId: chosen.threadId) : .relay(threadId: chosen.threadId, body: body)
    }

    /// `#12 On my way` → (12, "On my way"). Leading spaces are allowed; the handle must be
    /// followed by a space or the end of the text.
    static func parseHandle(_ body: String) -> (RowID, String)? {
        let trimmed = body.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard trimmed.first == "#" else { return nil }
        let digits = trimmed.dropFirst().prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 18, let id = RowID(digits) else { return nil }
        let rest = trimmed.dropFirst(1 + digits.count)
        if let next = rest.first, !next.isWhitespace && next != ":" && next != "," { return nil }
        let text = rest.drop(while: { $0 == ":" || $0 == "," }).drop(while: { $0.isWhitespace })
        return (id, String(text))
    }

    /// What the sitter is told when nothing was sent; fits one SMS for up to three choices.
    public var sitterNotice: String? {
        switch self {
        case .relay: return nil
        case .clientOptedOut: return "Not sent: that client has opted out of texts. The office has your message."
        case .notSent(let reason, let choices):
            let listed = Self.list(choices.prefix(3).map(\.choice) + (choices.count > 3 ? ["another #N"] : []))
            switch reason {
            case .severalWaiting:
                return "Not sent: \(choices.count) clients are waiting. Start with \(listed)."
            case .severalClients:
                return "Not sent: \(choices.count) clients use this number. Start with \(listed)."
            case .noClient:
                return "Not sent: no client of yours uses this number. The office has your message."
            case .unknownHandle(let handle):
                return choices.isEmpty
                    ? "Not sent: #\(handle) is not one of your clients. The office has your message."
                    : "Not sent: #\(handle) is not one of your clients. Start with \(listed)."
            }
        }
    }

    /// `a`, `a or b`, `a, b or c`.
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1]
    }
}

/// Client names as sitters see them in relayed texts.
public enum ClientName {
    /// `Mateo Rossi` → `Mateo R.`; a single name stays whole; no name → `Client`. Control
    /// characters never reach a phone: only letters, marks, digits, spaces and common
    /// punctuation are kept.
    public static func short(_ name: String?) -> String {
        if let name, let short = shortASCII(name.utf8) { return short }
        let words = (name ?? "").split(whereSeparator: \.isWhitespace).map { word in
            String(String.UnicodeScalarView(word.unicodeScalars.filter(isKept)))
        }.filter { !$0.isEmpty }
        guard let first = words.first.map({ String($0.prefix(20)) }) else { return "Client" }
        guard words.count > 1, let initial = words[words.count - 1].first else { return first }
        return "\(first) \(initial)."
    }

    /// ``short(_:)`` of an ASCII name, byte by byte (every forwarded text names its client,
    /// on the writer's thread: splitting into `Character`s was 3 % of the store's work a
    /// webhook); nil for any other name. In ASCII, white space is tab to carriage return and
    /// space, and a character is a byte.
    static func shortASCII(_ bytes: String.UTF8View) -> String? {
        var first: [UInt8] = []
        var words = 0
        var lastInitial: UInt8 = 0
        var inWord = false
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                inWord = false
                continue
            }
            guard isKept(Unicode.Scalar(byte)) else { continue }
            if !inWord {
                inWord = true
                words += 1
                lastInitial = byte
            }
            if words == 1, first.count < 20 { first.append(byte) }
        }
        guard words > 0 else { return "Client" }
        let firstWord = String(decoding: first, as: UTF8.self)
        return words > 1 ? "\(firstWord) \(Character(Unicode.Scalar(lastInitial)))." : firstWord
    }

    /// Letters, digits, combining marks and `'-.&`. ASCII is answered without Unicode's
    /// property tables (in ASCII only A–Z, a–z and 0–9 are letters or numbers, and none is a
    /// mark): every forwarded text names its client, on the writer's thread.
    static func isKept(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || (0x30...0x39).contains(value)
                || value == 0x27 || value == 0x2D || value == 0x2E || value == 0x26
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar.properties.generalCategory == .nonspacingMark
    }
}
