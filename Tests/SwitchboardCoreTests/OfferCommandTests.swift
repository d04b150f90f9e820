import Foundation
@testable import SwitchboardCore
import Testing

struct OfferCommandTests {
    @Test(
        "Accept and decline words, any case, trailing punctuation, optional code",
        arguments: [
            ("YES", OfferCommand(answer: .accept)), ("y", OfferCommand(answer: .accept)),
            ("Accept", OfferCommand(answer: .accept)), ("yes!!", OfferCommand(answer: .accept)),
            (" Y ", OfferCommand(answer: .accept)), ("no.", OfferCommand(answer: .decline)),
            ("N", OfferCommand(answer: .decline)), ("decline", OfferCommand(answer: .decline)),
            ("YES B1042", OfferCommand(answer: .accept, bookingCode: "B1042")),
            ("yes b1042.", OfferCommand(answer: .accept, bookingCode: "B1042")),
            ("\tNo  B7 \n", OfferCommand(answer: .decline, bookingCode: "B7")),
        ])
    func commands(body: String, expected: OfferCommand) {
        #expect(OfferCommand.parse(body) == expected)
    }

    @Test("Anything else is an ordinary message", arguments: ["Yes please", "yesterday", "YES B1042 thanks", "", "   ", "maybe", "YES 1042", "no way", "👍"])
    func notCommands(body: String) {
        #expect(OfferCommand.parse(body) == nil)
    }

    @Test("Consent keywords: OptOutType wins, else the body")
    func consent() {
        #expect(ConsentKeyword.detect(body: "stop", optOutType: nil) == .optOut)
        #expect(ConsentKeyword.detect(body: "Unsubscribe.", optOutType: nil) == .optOut)
        #expect(ConsentKeyword.detect(body: "START", optOutType: nil) == .optIn)
        #expect(ConsentKeyword.detect(body: "help", optOutType: nil) == .help)
        #expect(ConsentKeyword.detect(body: "please stop by at 5", optOutType: nil) == nil)
        #expect(ConsentKeyword.detect(body: "anything", optOutType: "STOP") == .optOut)
        #expect(ConsentKeyword.detect(body: "YES", optOutType: nil) == nil)
    }

    @Test("A body with more letters or emoji than any keyword is no keyword, without Foundation; short ones are read as before")
    func consentOnNonASCIIBodies() {
        /// The general path as it was before the shortcut: Foundation's trimming and upper-casing.
        func reference(_ body: String) -> ConsentKeyword? {
            var word = body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            while let last = word.last, last.isPunctuation { word.removeLast() }
            if ConsentKeyword.optOutWords.contains(word) || word == "STOP ALL" { return .optOut }
            if ConsentKeyword.optInWords.contains(word) { return .optIn }
            if ConsentKeyword.helpWords.contains(word) { return .help }
            return nil
        }
        let bodies = [
            "STOP\u{3000}", "\u{00A0}stop！", "ſtop", "Stop.\u{0301}", "start 🙂", "Ünsubscribe", "HELP…", "\u{2003}QUIT\u{2029}",
            "Stop 🐕🐕🐕🐕🐕🐕🐕🐕", "مرحبا، هل الموعد غداً؟", "明天的散步还在吗？", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", "unsubscribe\u{00A0}\u{00A0}\u{00A0}!!!",
            "UNSUBSCRIBE\u{200D}", "st\u{00F6}p", "ﬅop", "stop all 🐾",
        ]
        for body in bodies {
            #expect(ConsentKeyword.detect(body: body, optOutType: nil) == reference(body), "\(body)")
        }
        #expect(ConsentKeyword.detect(body: "STOP\u{3000}", optOutType: nil) == .optOut)
        #expect(ConsentKeyword.hasMoreScalarsThanAKeyword("Stop 🐕🐕🐕🐕🐕🐕🐕🐕"))
        #expect(!ConsentKeyword.hasMoreScalarsThanAKeyword("unsubscribe\u{00A0}\u{00A0}\u{00A0}!!!"))
    }

    @Test("Relative times of the import format")
    func relativeTime() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(RelativeTime.parse("now", now: now) == now)
        #expect(RelativeTime.parse("45 minutes ago", now: now) == now.addingTimeInterval(-2700))
        #expect(RelativeTime.parse("in 2 days", now: now) == now.addingTimeInterval(172_800))
        #expect(RelativeTime.parse("1 day 2 hours ago", now: now) == now.addingTimeInterval(-93_600))
        #expect(RelativeTime.parse("tomorrow", now: now) == nil)
        #expect(RelativeTime.parse("in 2 fortnights", now: now) == nil)
        #expect(RelativeTime.parse("-3 days ago", now: now) == nil)
    }

    @Test("E.164 numbers")
    func e164() {
        #expect(E164.isValid("+15551234567"))
        #expect(!E164.isValid("15551234567"))
        #expect(!E164.isValid("+0555123"))
        #expect(!E164.isValid("+1555-123-4567"))
    }
}
