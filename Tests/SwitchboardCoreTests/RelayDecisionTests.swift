import Foundation
import SwitchboardCore
import Testing

/// SPEC §3.5: a sitter's text to her masked number is relayed only when the client is certain.
@Suite struct RelayDecisionTests {
    static let mateo = RelayCandidate(threadId: 12, clientName: "Mateo Rossi", isWaiting: true)
    static let sean = RelayCandidate(threadId: 15, clientName: "Sean Murphy", isWaiting: true)
    static let quietAnn = RelayCandidate(threadId: 18, clientName: "Ann", isWaiting: false)
    static let quietBo = RelayCandidate(threadId: 21, clientName: nil, isWaiting: false)
    static let stopped = RelayCandidate(threadId: 30, clientName: "Zoe Q", isWaiting: true, clientOptedOut: true)

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var candidates: [RelayCandidate]
        var expected: RelayDecision
        var testDescription: String { name }
    }

    static let table: [Row] = [
        Row(name: "one waiting among quiet ones", body: "On my way", candidates: [quietAnn, mateo, quietBo],
            expected: .relay(threadId: 12, body: "On my way")),
        Row(name: "one client, not waiting", body: "See you", candidates: [quietAnn], expected: .relay(threadId: 18, body: "See you")),
        Row(name: "two waiting", body: "Yes", candidates: [mateo, sean, quietAnn],
            expected: .notSent(reason: .severalWaiting, choices: [mateo, sean])),
        Row(name: "none waiting, two clients", body: "Hi", candidates: [quietAnn, quietBo],
            expected: .notSent(reason: .severalClients, choices: [quietAnn, quietBo])),
        Row(name: "no client", body: "Hi", candidates: [], expected: .notSent(reason: .noClient, choices: [])),
        Row(name: "handle picks among several", body: "#15 Yes, 3pm", candidates: [mateo, sean],
            expected: .relay(threadId: 15, body: "Yes, 3pm")),
        Row(name: "handle with a colon", body: "  #18: ok", candidates: [mateo, quietAnn], expected: .relay(threadId: 18, body: "ok")),
        Row(name: "handle alone (a photo)", body: "#12", candidates: [mateo, sean], expected: .relay(threadId: 12, body: "")),
        Row(name: "handle of another sitter's thread", body: "#99 hi", candidates: [mateo],
            expected: .notSent(reason: .unknownHandle(99), choices: [mateo])),
        Row(name: "#12abc is not a handle", body: "#12abc", candidates: [mateo, sean],
            expected: .notSent(reason: .severalWaiting, choices: [mateo, sean])),
        Row(name: "opted-out client", body: "hello", candidates: [stopped], expected: .clientOptedOut(threadId: 30)),
    ]

    @Test(arguments: table)
    func decides(_ row: Row) {
        #expect(RelayDecision.decide(body: row.body, candidates: row.candidates) == row.expected)
    }

    @Test func tellsTheSitterHowToChoose() {
        #expect(RelayDecision.notSent(reason: .severalWaiting, choices: [Self.mateo, Self.sean]).sitterNotice
            == "Not sent: 2 clients are waiting. Start with #12 (Mateo R.) or #15 (Sean M.).")
        let many = [Self.mateo, Self.sean, Self.quietAnn, Self.quietBo]
        let notice = RelayDecision.notSent(reason: .severalClients, choices: many).sitterNotice ?? ""
        #expect(notice == "Not sent: 4 clients use this number. Start with #12 (Mateo R.), #15 (Sean M.), #18 (Ann) or another #N.")
        #expect(notice.count <= 160)
        #expect(RelayDecision.relay(threadId: 1, body: "x").sitterNotice == nil)
    }

    @Test func shortNames() {
        #expect(ClientName.short("Mateo Rossi") == "Mateo R.")
        #expect(ClientName.short("  Ann  ") == "Ann")
        #expect(ClientName.short("José María López") == "José L.")
        #expect(ClientName.short(nil) == "Client")
        #expect(ClientName.short(String(repeating: "a", count: 40) + " B").count == 23)
        #expect(ClientName.short("\u{1B}[31m") == "31m", "no control character reaches a phone")
        #expect(ClientName.short("李 小龍") == "李 小.")
    }

    /// The ASCII shortcut keeps exactly what Unicode's properties keep, on names of every kind.
    @Test func shortNamesAgreeWithThePropertyRule() {
        func byProperties(_ name: String?) -> String {
            let words = (name ?? "").split(whereSeparator: \.isWhitespace).map { word in
                String(word.unicodeScalars.filter { scalar in
                    scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "'-.&".unicodeScalars.contains(scalar)
                        || scalar.properties.generalCategory == .nonspacingMark
                }.map(Character.init))
            }.filter { !$0.isEmpty }
            guard let first = words.first.map({ String($0.prefix(20)) }) else { return "Client" }
            guard words.count > 1, let initial = words[words.count - 1].first else { return first }
            return "\(first) \(initial)."
        }
        var scalars = (0..<0x80).compactMap(Unicode.Scalar.init).map(String.init)
        scalars += ["é", "e\u{301}", "ß", "Ω", "李", "٣", "½", "👩‍👧", "\u{200B}", "\u{00A0}", "ـ", "ǅ"]
        var random = SplitMix64(seed: 16)
        for _ in 0..<5_000 {
            let name = (0..<Int(random.next() % 14)).map { _ in scalars[Int(random.next() % UInt64(scalars.count))] }.joined()
            #expect(ClientName.short(name) == byProperties(name), "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        // Long words (a first name is cut at 20), tabs and line breaks between words, a word of
        // nothing kept, ASCII and not.
        for name in [
            "Maximilianus-Alexandros Bartholomew", "Abcdefghijklmnopqrstuvwxyz", "a\tb\nc\r\nd", " #1 ## x ", "Zoë Ramírez-Abcdefghijklmnopqrst",
            "Client 7", "", "   ", "O'Brien & Sons",
        ] {
            #expect(ClientName.short(name) == byProperties(name), "\(name)")
        }
        #expect(ClientName.short("Abcdefghijklmnopqrstuvwxyz") == "Abcdefghijklmnopqrst")
        #expect(ClientName.short(nil) == "Client")
    }
}

@Suite struct ClockTimeTests {
    @Test func hoursAndMinutesInTheZoneGiven() {
        let date = Date(timeIntervalSince1970: 14 * 3600 + 2 * 60)
        #expect(ClockTime.text(date, timeZone: TimeZone(identifier: "UTC")!) == "14:02")
        #expect(ClockTime.text(date, timeZone: TimeZone(secondsFromGMT: -5 * 3600)!) == "09:02")
    }
}

/// Issue 14, defect 9: day-and-time texts in a given zone.
@Suite struct DayTimeTests {
    @Test func daysAndSpansAreInTheZoneGiven() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        #expect(DayTime.text(start, timeZone: TimeZone(identifier: "UTC")!) == "Jan 15 08:00")
        #expect(DayTime.text(start, timeZone: tokyo) == "Jan 15 17:00")
        #expect(DayTime.span(from: start, to: start.addingTimeInterval(3600), timeZone: tokyo) == "Jan 15 17:00–18:00")
        #expect(DayTime.span(from: start, to: start.addingTimeInterval(8 * 3600), timeZone: tokyo) == "Jan 15 17:00–Jan 16 01:00")
    }
}

/// Issue 14: the reply prompt's live SMS segment counter.
@Suite struct SMSSegmentsTests {
    @Test func gsm7Is160InOneSegmentThen153Each() {
        #expect(SMSSegments("").segments == 0)
        let hi = SMSSegments("Hi!")
        #expect(hi.encoding == .gsm7 && hi.units == 3 && hi.segments == 1 && hi.perSegment == 160)
        #expect(SMSSegments(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSSegments(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSSegments(String(repeating: "a", count: 306)).segments == 2)
        #expect(SMSSegments(String(repeating: "a", count: 307)).segments == 3)
        #expect(SMSSegments("a€").units == 3, "the euro sign takes two septets")
        #expect(SMSSegments("Hi!").summary == "3/160 · 1 SMS · GSM-7")
    }

    @Test func ucs2Is70InOneSegmentThen67Each() {
        #expect(SMSSegments("On it 🐾").encoding == .ucs2)
        #expect(SMSSegments("On it 🐾").units == 8, "an emoji is two UTF-16 units")
        #expect(SMSSegments(String(repeating: "é", count: 100)).encoding == .gsm7, "é is in GSM-7")
        #expect(SMSSegments("garçon").encoding == .ucs2, "ç is not (Ç is)")
        #expect(SMSSegments(String(repeating: "你", count: 70)).segments == 1)
        #expect(SMSSegments(String(repeating: "你", count: 71)).segments == 2)
        #expect(SMSSegments(String(repeating: "你", count: 134)).segments == 2)
        #expect(SMSSegments(String(repeating: "你", count: 135)).segments == 3)
        #expect(SMSSegments(String(repeating: "你", count: 71)).summary == "71/134 · 2 SMS · UCS-2")
    }
}
