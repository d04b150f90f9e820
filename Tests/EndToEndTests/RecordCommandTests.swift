import Foundation
import GRDB
import Testing

/// Issue 15, records without JSON and the command line as people expect it: every record
/// command and `export` through the real binary, good input and bad.
struct RecordCommandTests {
    /// A fresh copy of the demo business, and a run of the binary against it.
    struct Shop {
        let folder: URL
        let db: String

        init() throws {
            folder = try temporaryFolder()
            db = folder.appendingPathComponent("shop.sqlite").path
            let imported = try Binary.run(["import", "Data/demo.json", "--db", db])
            #expect(imported.status == 0, "\(imported.stderr)")
        }

        func run(_ arguments: [String]) throws -> Binary.Run {
            try Binary.run(arguments + ["--db", db], environment: CommandLineTests.withoutSecrets(folder))
        }

        func read<T>(_ value: (Database) throws -> T) throws -> T {
            try DatabaseQueue(path: db).read(value)
        }
    }

    /// One line on stdout, nothing on stderr, status 0.
    static func expectOneLine(_ run: Binary.Run, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stdout == line + "\n", sourceLocation: sourceLocation)
        #expect(run.stderr.isEmpty, "\(run.stderr)", sourceLocation: sourceLocation)
    }

    @Test("Add a sitter and her number, a client and a booking, offer it, withdraw it, reply in a thread: one line each")
    func runTheBusiness() throws {
        let shop = try Shop()
        Self.expectOneLine(
            try shop.run(["sitter", "add", "Ana Ruiz", "--phone", "+1 555 020 0999"]),
            "Added sitter #8 Ana Ruiz (+15550200999).")
        Self.expectOneLine(try shop.run(["number", "add", "+15550300950", "--sitter", "Ana"]), "Added +15550300950 as Ana Ruiz's number.")
        Self.expectOneLine(try shop.run(["number", "add", "+15550300951"]), "Added +15550300951 to the pool.")
        Self.expectOneLine(
            try shop.run(["client", "add", "Inês Duarte", "--phone", "+15550409999"]),
            "Added client #31 Inês Duarte (+15550409999).")
        let booking = try shop.run([
            "booking", "add", "b2001", "--client", "ines", "--service", "Dog walk, 30 min", "--starts", "2030-01-15T09:00Z",
            "--ends", "2030-01-15T09:30Z",
        ])
        Self.expectOneLine(
            booking,
            "Added booking B2001 (Dog walk, 30 min, 2030-01-15 09:00 to 2030-01-15 09:30 UTC); offer it with `switchboard offer B2001 SITTER`.")
        Self.expectOneLine(
            try shop.run(["offer", "B2001", "Ana Ruiz"]),
            "Offer B2001 queued to Ana Ruiz (+15550200999) from +15550100100; it expires in 2 hours; no listener is running; it is sent when `switchboard serve` (or a console) starts.")
        Self.expectOneLine(
            try shop.run(["offer", "B2001", "Ana Ruiz"]), "Ana Ruiz has offer B2001 pending already; nothing new was sent.")
        let invitation = try shop.read { db in
            try String.fetchOne(
                db, sql: """
                    SELECT body FROM message_event JOIN message_thread ON message_thread.id = message_event.thread_id
                    WHERE message_thread.counterpart_e164 = '+15550200999' AND actor_type = 'system'
                    """)
        }
        #expect(invitation?.contains("B2001") == true, "the invitation is stored in her office thread")
        Self.expectOneLine(try shop.run(["withdraw", "B2001", "Ana"]), "Withdrew offer B2001 from Ana Ruiz.")

        let threadId = try #require(try shop.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM message_thread WHERE scope = 'client_general' AND assigned_sitter_id IS NULL ORDER BY id LIMIT 1")
        })
        let (to, from) = try #require(try shop.read { db in
            try Row.fetchOne(db, sql: "SELECT counterpart_e164, masked_number_e164 FROM message_thread WHERE id = ?", arguments: [threadId])
                .map { ($0[0] as String, $0[1] as String) }
        })
        let reply = try shop.run(["reply", "#\(threadId)", "On my way!"])
        #expect(reply.status == 0, "\(reply.stderr)")
        #expect(reply.stdout.hasPrefix("Reply queued to \(to) from \(from) (message "), "\(reply.stdout)")
        #expect(reply.stdout.hasSuffix(" in thread #\(threadId)); no listener is running; it is sent when `switchboard serve` (or a console) starts.\n"), "\(reply.stdout)")
        #expect(
            try shop.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") } == 1,
            "the reply waits in the outbox; the withdrawn offer's unsent text was cancelled")

        Self.expectOneLine(
            try shop.run(["booking", "cancel", "B1046"]), "Cancelled booking B1046; offers to 田中 ゆき (Yuki), Lena Schröder withdrawn.")
        Self.expectOneLine(
            try shop.run(["sitter", "edit", "Ana", "--name", "Ana Ruiz-Vega"]), "Sitter #8 is now Ana Ruiz-Vega (+15550200999).")
        Self.expectOneLine(
            try shop.run(["client", "edit", "+15550409999", "--phone", "+15550409998"]), "Client #31 is now Inês Duarte (+15550409998).")
        Self.expectOneLine(
            try shop.run(["number", "release", "+15550300950"]),
            "+15550300950 is back in the pool (was Ana Ruiz-Vega's); 0 threads moved to the owner inbox.")
        Self.expectOneLine(
            try shop.run(["number", "assign", "+15550300951", "Ana"]), "+15550300951 is now Ana Ruiz-Vega's number.")
    }

    @Test("sitter deactivate: her threads move to the owner inbox, her offer is withdrawn, her number pooled; --json for scripts")
    func deactivate() throws {
        let shop = try Shop()
        let ownerBefore = try shop.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message_thread WHERE assigned_sitter_id IS NULL OR scope NOT IN ('client_booking','client_general')")!
        }
        Self.expectOneLine(
            try shop.run(["sitter", "deactivate", "maya"]),
            "Deactivated Maya Okafor: 7 threads moved to the owner inbox, offers B1040 withdrawn, +15550300101 back in the pool.")
        try shop.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM message_thread WHERE assigned_sitter_id = 1 AND scope IN ('client_booking','client_general')") == 0)
            let ownerAfter = try Int.fetchOne(db, sql: "SELECT count(*) FROM message_thread WHERE assigned_sitter_id IS NULL OR scope NOT IN ('client_booking','client_general')")
            #expect(ownerAfter == ownerBefore + 7)
            #expect(try Bool.fetchOne(db, sql: "SELECT active FROM sitter WHERE id = 1") == false)
        }
        let again = try shop.run(["sitter", "deactivate", "+15550200101", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(object["changed"] as? Bool == false && object["active"] as? Bool == false && object["name"] as? String == "Maya Okafor")
        Self.expectOneLine(
            try shop.run(["sitter", "activate", "#1"]), "Activated Maya Okafor; give her a number with `switchboard number assign E164 1`.")
        Self.expectOneLine(try shop.run(["number", "assign", "+15550300101", "1"]), "+15550300101 is now Maya Okafor's number.")
    }

    @Test("--json answers with the record, for scripts")
    func json() throws {
        let shop = try Shop()
        func object(_ arguments: [String]) throws -> [String: Any] {
            let run = try shop.run(arguments + ["--json"])
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        }
        let sitter = try object(["sitter", "add", "Ana Ruiz", "--phone", "+15550200999"])
        #expect(sitter["name"] as? String == "Ana Ruiz" && sitter["phone_e164"] as? String == "+15550200999" && sitter["active"] as? Bool == true)
        let number = try object(["number", "add", "+15550300950", "--sitter", "Ana"])
        #expect(number["number_class"] as? String == "sitter" && number["assigned_sitter_id"] as? Int == sitter["id"] as? Int)
        let booking = try object(["booking", "add", "B2001", "--client", "Zoë", "--service", "Walk", "--starts", "in 1 day", "--ends", "in 1 day 1 hour"])
        #expect(booking["code"] as? String == "B2001" && booking["status"] as? String == "open")
        let offer = try object(["offer", "B2001", "Ana"])
        #expect(offer["status"] as? String == "offered" && offer["created"] as? Bool == true)
        let invitation = try #require(offer["invitation"] as? [String: Any])
        #expect(invitation["to"] as? String == "+15550200999" && invitation["from"] as? String == "+15550100100")
        let withdrawn = try object(["withdraw", "B2001"])
        #expect((withdrawn["offers"] as? [[String: Any]])?.map { $0["status"] as? String } == ["withdrawn"])
        let reply = try object(["reply", "1", "Hello"])
        #expect(reply["body"] as? String == "Hello" && reply["thread_id"] as? Int == 1)
    }

    @Test(
        "A mistyped value is a usage mistake: exit 64, one sentence, the usage",
        arguments: [
            (["sitter", "add", "Ana", "--phone", "5550200999"], "Phone must be an E.164 phone number"),
            (["client", "add", "Bo", "--phone", "+1555"], "The phone must be an E.164 phone number"),
            (["sitter", "add", "", "--phone", "+15550200999"], "The name is empty"),
            (["sitter", "edit", "Maya"], "The change is empty; give a new name, a new phone, or both."),
            (["number", "add", "555-0100"], "The number must be an E.164 phone number"),
            (["number", "add", "+15550300950", "--pool", "--front-desk"], "Give one of --front-desk, --pool or --sitter NAME."),
            (["booking", "add", "1042", "--client", "Zoë", "--service", "Walk", "--starts", "in 1 day", "--ends", "in 2 days"], "The booking code must be one to three letters"),
            (["booking", "add", "B3000", "--client", "Zoë", "--service", "Walk", "--starts", "tomorrow", "--ends", "in 2 days"], "--starts \"tomorrow\" is not a time"),
            (["booking", "add", "B3000", "--client", "Zoë", "--service", "Walk", "--starts", "in 2 days", "--ends", "in 1 day"], "The end is not after the start"),
            (["offer", "B1040", "Maya", "--expires-in-hours", "0"], "--expires-in-hours must be between 1 and 168"),
            (["reply", "twelve", "hi"], "The thread must be its number, such as 12 or #12"),
            (["reply", "12", "  "], "The text is empty"),
            (["export", "threads", "--since", "last month"], "--since \"last month\" is not a duration or a date"),
            (["export", "teams"], "teams"),
        ])
    func usageMistakes(arguments: [String], sentence: String) throws {
        let folder = try temporaryFolder()
        let run = try Binary.run(arguments + ["--db", folder.appendingPathComponent("x.sqlite").path])
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.localizedCaseInsensitiveContains(sentence), "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Usage: switchboard"), "\(arguments): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.sqlite").path))
    }

    @Test(
        "A record that is not there, or is there already, is one sentence, exit 1, no usage, nothing changed",
        arguments: [
            (["offer", "B1040", "Nobody"], #"no sitter is "Nobody""#),
            (["offer", "B9999", "Maya"], "no booking has the code B9999"),
            (["offer", "B1050", "Diego"], "booking B1050 is already assigned"),
            (["booking", "add", "B1042", "--client", "Zoë", "--service", "Walk", "--starts", "in 1 day", "--ends", "in 2 days"],
             "booking B1042 exists already"),
            (["booking", "add", "B3000", "--client", "+15550499999", "--service", "Walk", "--starts", "in 1 day", "--ends", "in 2 days"],
             "no client is +15550499999"),
            (["sitter", "add", "Twin", "--phone", "+15550200101"], "a sitter with +15550200101 exists already: Maya Okafor (#1)"),
            (["sitter", "edit", "Nobody", "--name", "X"], #"no sitter is "Nobody""#),
            (["number", "add", "+15550100100", "--pool"], "+15550100100 is in use already, as a front desk number"),
            (["number", "assign", "+15550300101", "Diego"], "+15550300101 is Maya Okafor's number; release it first"),
            (["withdraw", "B1050"], "booking B1050 has no pending offer"),
            (["reply", "99999", "hi"], "no thread #99999"),
            (["sitter", "add", "Ana", "--phone", "+15550200999", "--org", "Harbour"], #"no org is named "Harbour"; the orgs are "Pawsitive Pet Sitting Co.""#),
        ])
    func missingOrExisting(arguments: [String], sentence: String) throws {
        let shop = try Shop()
        let before = try Self.fingerprint(shop)
        let run = try shop.run(arguments)
        #expect(run.status == 1, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(sentence), "\(arguments): \(run.stderr)")
        #expect(!run.stderr.lowercased().contains("usage"), "\(arguments): \(run.stderr)")
        #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(try Self.fingerprint(shop) == before, "\(arguments) changed nothing")
    }

    /// What a record command could change, in one line.
    static func fingerprint(_ shop: Shop) throws -> String? {
        try shop.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM sitter) || '/' || (SELECT count(*) FROM client) || '/' || (SELECT count(*) FROM booking)
                        || '/' || (SELECT count(*) FROM message_number) || '/' || (SELECT count(*) FROM message_event)
                        || '/' || (SELECT count(*) FROM event_log) || '/' || (SELECT group_concat(status) FROM offer_event)
                        || '/' || (SELECT group_concat(number_class || coalesce(assigned_sitter_id, '-')) FROM message_number)
                    """)
        }
    }
}
