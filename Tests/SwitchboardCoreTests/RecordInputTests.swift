import Foundation
import SwitchboardCore
import Testing

/// Issue 15: what a person types for a record, checked once for the command line and the
/// console's `:` commands alike; and CSV that spreadsheets open safely.
struct RecordInputTests {
    @Test(
        "Phones: E.164, with the separators people type dropped; anything else is refused with an example",
        arguments: [
            ("+15550100100", "+15550100100"), ("+1 (555) 010-0100", "+15550100100"), ("+44 20 7946 0958", "+442079460958"),
        ])
    func goodPhones(typed: String, stored: String) throws {
        #expect(try RecordInput.phone(typed) == stored)
    }

    @Test("Wrong E.164 numbers are refused", arguments: ["5550100100", "+0555010010", "+1555", "+1555010010012345", "+1555O100100", ""])
    func badPhones(typed: String) {
        let error = #expect(throws: RecordInputError.self) { try RecordInput.phone(typed, field: "--phone") }
        #expect(error?.description == "--phone must be an E.164 phone number: +, the country code, then the number, such as +15551234567; got \"\(typed)\"")
    }

    @Test("Names: trimmed; empty, too long, or holding a control or bidi character refused")
    func names() throws {
        #expect(try RecordInput.name("  田中 ゆき (Yuki) ") == "田中 ゆき (Yuki)")
        for bad in ["", "   ", String(repeating: "a", count: 101), "Maya\u{1B}[31m", "Ma\u{202E}ya", "Ma\nya"] {
            #expect(throws: RecordInputError.self, "\(bad.debugDescription)") { try RecordInput.name(bad) }
        }
    }

    @Test("Booking codes are upper-cased; anything not letters-then-digits is refused")
    func bookingCodes() throws {
        #expect(try RecordInput.bookingCode("b1042") == "B1042")
        for bad in ["1042", "B", "BOOK1", "B10-42", "B104x"] {
            #expect(throws: RecordInputError.self, "\(bad)") { try RecordInput.bookingCode(bad) }
        }
    }

    @Test("Times: relative, local, ISO 8601 with a zone; --since takes a duration or a date")
    func times() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let utc = TimeZone(identifier: "UTC")!
        #expect(try RecordInput.time("in 2 days", now: now, timeZone: utc) == now.addingTimeInterval(2 * 86_400))
        #expect(try RecordInput.time("2027-01-15 09:30", now: now, timeZone: utc) == ISO8601DateFormatter().date(from: "2027-01-15T09:30:00Z"))
        let nine = try RecordInput.time("2027-01-15 09:00", now: now, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(try RecordInput.time("2027-01-15T08:00Z", now: now) == nine, "09:00 in Berlin is 08:00 UTC in January")
        #expect(throws: RecordInputError.self) { try RecordInput.time("tomorrowish", now: now) }
        #expect(try RecordInput.since("30d", now: now) == now.addingTimeInterval(-30 * 86_400))
        #expect(try RecordInput.since("12 hours", now: now) == now.addingTimeInterval(-12 * 3600))
        #expect(try RecordInput.since("2w", now: now) == now.addingTimeInterval(-14 * 86_400))
        #expect(try RecordInput.since("2026-11-01", now: now, timeZone: utc) == ISO8601DateFormatter().date(from: "2026-11-01T00:00:00Z"))
        let bad = #expect(throws: RecordInputError.self) { try RecordInput.since("last month", now: now) }
        #expect(bad?.description == "--since \"last month\" is not a duration or a date; write 30d, 12h, 2w, or 2026-11-01")
    }

    @Test("References: an id, a phone, or a name")
    func references() throws {
        #expect(try RecordReference.parse("12", field: "x") == .id(12))
        #expect(try RecordReference.parse("#12", field: "x") == .id(12))
        #expect(try RecordReference.parse("+1 555 020 0101", field: "x") == .phone("+15550200101"))
        #expect(try RecordReference.parse("Maya", field: "x") == .name("Maya"))
        #expect(throws: RecordInputError.self) { try RecordReference.parse("+12", field: "x") }
    }

    @Test("Names are found without regard to case or accents: the whole name first, else a beginning")
    func nameMatch() {
        let names = ["Inês Duarte", "Zoë Whitfield", "Priya Natarajan", "Priyanka Das", "Priya"]
        #expect(NameMatch.pick("ines", among: names) == [0])
        #expect(NameMatch.pick("ZOË WHITFIELD", among: names) == [1])
        #expect(NameMatch.pick("priya", among: names) == [4], "the whole name wins over beginnings")
        #expect(NameMatch.pick("priy", among: names) == [2, 3, 4])
        #expect(NameMatch.pick("Bo", among: names).isEmpty)
    }

    @Test("A booking must end after it starts; an edit must change something")
    func inputs() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(throws: RecordInputError.self) {
            try NewBooking(code: "B1", client: .id(1), service: "Walk", startsAt: start, endsAt: start)
        }
        #expect(throws: RecordInputError.self) { try ContactEdit(name: nil, phone: nil) }
        #expect(throws: RecordInputError.self) { try RecordInput.messageBody("   ") }
        #expect(throws: RecordInputError.self) { try RecordInput.messageBody(String(repeating: "x", count: 1601)) }
    }

    @Test(
        "CSV: RFC 4180 quoting, CRLF records, formulas neutralised, phones and numbers kept",
        arguments: [
            ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
            ("cr\r\nlf", "\"cr\r\nlf\""), ("=1+2", "'=1+2"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
            ("\t=1", "'\t=1"), ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("+15550100100", "+15550100100"), ("-3", "-3"), ("-2.5", "-2.5"), ("Zoë 🐶", "Zoë 🐶"), ("", ""),
        ])
    func csvField(value: String, written: String) {
        #expect(CSV.field(value) == written)
    }

    @Test("A CSV record ends with CRLF")
    func csvRecord() {
        #expect(CSV.record(["a", "b,c", "=x"]) == "a,\"b,c\",'=x\r\n")
    }

    @Test("--public-url and --url must be absolute http(s) URLs with a host")
    func webURLs() {
        for good in ["http://127.0.0.1:8080", "https://sms.example.com", "HTTPS://Example.com/path?x=1"] {
            #expect(WebURL.isAbsoluteHTTP(good), "\(good)")
        }
        for bad in ["example.com", "ftp://example.com", "http://", "http:/x", "https:example.com", "/api/twilio", "http://exa mple.com", ""] {
            #expect(!WebURL.isAbsoluteHTTP(bad), "\(bad)")
        }
    }
}
