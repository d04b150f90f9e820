import SwitchboardCore
import Testing

@Suite struct FormParametersTests {
    @Test func decodesPlusPercentAndUTF8() throws {
        let form = try FormParameters.parse(Array("Body=Hi+there%21+%F0%9F%90%B6&To=%2B15550000000".utf8))
        #expect(form["Body"] == "Hi there! 🐶")
        #expect(form["To"] == "+15550000000")
    }

    @Test func keepsRepeatedAndUnknownNames() throws {
        let form = try FormParameters.parse(Array("A=1&NewTwilioThing=x&A=2&Flag&Empty=".utf8))
        #expect(form.values(of: "A") == ["1", "2"])
        #expect(form["NewTwilioThing"] == "x")
        #expect(form["Flag"] == "")
        #expect(form["Empty"] == "")
        #expect(form.pairs.count == 5)
    }

    @Test(arguments: ["Body=%", "Body=%4", "Body=%G1", "Body=%FF", "Body=%C3%28", "=value", "Body=\u{FF}", "Body=a%00b", "Body=a\u{0}b"])
    func refusesMalformed(_ body: String) {
        let bytes: [UInt8] = body == "Body=\u{FF}" ? Array("Body=".utf8) + [0xFF] : Array(body.utf8)
        #expect(throws: FormParameters.DecodingError.self) { try FormParameters.parse(bytes) }
    }

    @Test func roundTripsThroughItsEncoding() throws {
        let form = FormParameters(["Body": "a+b c&d=e%f 😀 日本", "To": "+1"])
        #expect(try FormParameters.parse(Array(form.encoded().utf8)) == form)
    }
}

@Suite struct TwiMLTests {
    @Test func escapesText() {
        #expect(TwiML.message(#"<b> & "x" 'y'"#)
            == #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>&lt;b&gt; &amp; &quot;x&quot; &apos;y&apos;</Message></Response>"#)
    }

    @Test func dropsCharactersXMLCannotCarry() {
        #expect(TwiML.escape("a\u{0}b\u{1B}[31mc\u{FFFE}\td\n") == "ab[31mc\td\n")
    }

    /// Text with nothing to escape comes back as it is; any other text as escaped scalar by scalar.
    @Test func escapingAgreesWithTheRuleOnRandomText() {
        func reference(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                default:
                    if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        let pieces = ["a", "Z", " ", "7", "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\u{0}", "\u{1B}", "\u{7F}", "é", "日",
            "😀", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "\u{F000}", "\u{FEFF}"]
        var random = SplitMix64(seed: 73)
        for _ in 0..<3_000 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(TwiML.escape(text) == reference(text), "\(text.debugDescription)")
        }
    }

    @Test func emptyResponse() {
        #expect(TwiML.empty == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
        #expect(TwiML.response([]) == TwiML.empty)
    }

    @Test func mediaGoInABodyAndActionIsEscaped() {
        let xml = TwiML.response([.init("a&b", to: "+1555", from: "+1666", media: ["https://x/1?a=1&b=2"], action: "https://s/api/twilio/status?event=7&x=1")])
        #expect(xml.contains(#"<Message to="+1555" from="+1666" action="https://s/api/twilio/status?event=7&amp;x=1" method="POST"><Body>a&amp;b</Body><Media>https://x/1?a=1&amp;b=2</Media></Message>"#))
    }

    @Test func relayNamesRecipientAndSender() {
        #expect(TwiML.response([.init("hi", to: "+1555", from: "+1666")]).contains(#"<Message to="+1555" from="+1666">hi</Message>"#))
    }
}

@Suite struct RoutingDecisionTests {
    static let frontDesk = InboundRoute.Number(numberClass: .frontDesk, assignedSitterId: nil)
    static let sevensNumber = InboundRoute.Number(numberClass: .sitter, assignedSitterId: 7)
    static let pool = InboundRoute.Number(numberClass: .pool, assignedSitterId: nil)

    @Test func decidesEveryRoute() {
        func decide(_ number: InboundRoute.Number?, _ sitter: RowID?, _ body: String) -> InboundRoute {
            InboundRoute.decide(number: number, senderSitterId: sitter, body: body, consent: ConsentKeyword.detect(body: body, optOutType: nil))
        }
        #expect(decide(nil, 7, "YES") == .unrouted)
        #expect(decide(Self.frontDesk, 7, "YES") == .offerCommand(sitterId: 7, command: OfferCommand(answer: .accept)))
        // Offer commands only on the front desk: to her masked number, "n b1042" or "Yes!" is
        // a message for a client (issue 10, defect 2).
        #expect(decide(Self.sevensNumber, 7, "n b1042") == .sitterToClient(sitterId: 7))
        #expect(decide(Self.sevensNumber, 7, "Yes!") == .sitterToClient(sitterId: 7))
        #expect(decide(Self.pool, 7, "YES") == .sitterToOwner(sitterId: 7))
        #expect(decide(Self.frontDesk, 7, "n b1042") == .offerCommand(sitterId: 7, command: OfferCommand(answer: .decline, bookingCode: "B1042")))
        #expect(decide(Self.frontDesk, 7, "running late") == .sitterToOwner(sitterId: 7))
        #expect(decide(Self.sevensNumber, 7, "on my way") == .sitterToClient(sitterId: 7))
        #expect(decide(Self.sevensNumber, 8, "hi") == .sitterToOwner(sitterId: 8))
        #expect(decide(Self.sevensNumber, 7, "STOP") == .sitterToOwner(sitterId: 7))
        #expect(decide(Self.sevensNumber, nil, "YES") == .clientToSitter(sitterId: 7))
        #expect(decide(Self.frontDesk, nil, "hello") == .clientToFrontDesk)
        #expect(decide(Self.pool, nil, "hello") == .clientToFrontDesk)
    }
}

@Suite struct OfferReplyTests {
    static let all: [OfferReply] = [
        .accepted(code: "B1042"), .declined(code: "B1042"), .alreadyAccepted(code: "B1042"), .alreadyDeclined(code: "B1042"),
        .choose(codes: ["B1042", "B1043", "B1044"]), .noPending, .noSuchOffer(code: "B9999"), .expired(code: "B1042"),
        .taken(code: "B1042"), .cancelled(code: "B1042"), .withdrawn(code: "B1042"),
    ]

    @Test(arguments: all)
    func fitsOneSegment(_ reply: OfferReply) {
        #expect(reply.text.count <= 160)
        #expect(reply.text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func spellsTheSpecTexts() {
        #expect(OfferReply.noPending.text == "You have no pending offers.")
        #expect(OfferReply.expired(code: "B1042").text == "Offer B1042 has expired.")
        #expect(OfferReply.taken(code: "B1042").text == "Booking B1042 was already taken.")
        #expect(OfferReply.choose(codes: ["B1", "B2"]).text.contains("B1, B2"))
    }
}

extension OfferReply: CustomTestStringConvertible {
    public var testDescription: String { text }
}
