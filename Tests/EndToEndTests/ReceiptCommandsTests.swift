import Foundation
import GRDB
import Testing

/// `switchboard receipts`, `replay`, `route` and `receipts prune`, run as a user would,
/// against a real `serve` over loopback.
struct ReceiptCommandsTests {
    /// Runs the binary to its end, with the test's auth token.
    static func run(_ arguments: [String]) throws -> Binary.Run {
        try Binary.run(arguments, environment: ["TWILIO_AUTH_TOKEN": ServeAndSimulateTests.token])
    }

    static let frontDesk = "+15550100100"
    static let strangerNumber = "+15550177777"

    @Test("receipts lists what serve received; replay to our own listener is a verified duplicate; a tampered receipt gets 403; route and prune; bad input is one sentence")
    func receiptsReplayRoutePrune() throws {
        let db = try temporaryFolder().appendingPathComponent("shop.sqlite").path
        #expect(try Self.run(["import", "Data/demo.json", "--db", db]).status == 0)

        let serve = ServeAndSimulateTests.process(["serve", "--db", db, "--port", "0"])
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        let line = try #require(ServeAndSimulateTests.waitForLine(output.fileHandleForReading, prefix: "listening on "))
        let base = String(line.dropFirst("listening on ".count))
        let sent = try Self.run([
            "simulate", "--url", base + "/api/twilio/inbound", "--from", "+15550409999", "--to", Self.frontDesk,
            "--body", "Is Saturday free?", "--sid", "SMrcpt000000000000000000000000001",
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        let lost = try Self.run([
            "simulate", "--url", base + "/api/twilio/inbound", "--from", "+15550408888", "--to", Self.strangerNumber,
            "--body", "Wrong number?", "--sid", "SMrcpt000000000000000000000000002",
        ])
        #expect(lost.status == 0, "\(lost.stderr)")

        // The list: newest first, verdicts, From → To, latency.
        let list = try Self.run(["receipts", "--db", db])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.count == 3, "\(list.stdout)")
        #expect(lines[1].contains("unrouted") && lines[1].contains("+15550408888 → \(Self.strangerNumber)"), "\(list.stdout)")
        #expect(lines[2].contains("accepted") && lines[2].contains("200") && lines[2].contains(" ms"), "\(list.stdout)")

        let unroutedJSON = try Self.run(["receipts", "--db", db, "--verdict", "unrouted", "--since", "1h", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(unroutedJSON.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 1)
        #expect(objects.first?["to"] as? String == Self.strangerNumber)
        let unroutedId = try #require(objects.first?["id"] as? Int)
        #expect(try Self.run(["receipts", "--db", db, "--limit", "1"]).stdout.split(separator: "\n").count == 2)

        // Replay by SID to the listener serve published: verified, answered as the duplicate.
        let replayed = try Self.run(["replay", "SMrcpt000000000000000000000000001", "--db", db])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout.contains("HTTP 200"), "\(replayed.stdout)")
        #expect(replayed.stdout.contains("<Response"))
        let duplicates = try Self.run(["receipts", "--db", db, "--verdict", "duplicate", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(duplicates.stdout.utf8)) as? [Any])?.count == 1)

        // The same with --to naming the server: the stored path and query are appended.
        let replayedTo = try Self.run(["replay", "SMrcpt000000000000000000000000001", "--db", db, "--to", base])
        #expect(replayedTo.status == 0, "\(replayedTo.stderr)")
        #expect(replayedTo.stdout.contains("to \(base)/api/twilio/inbound"), "\(replayedTo.stdout)")

        // Tampered in the file: the listener refuses it as it would a forgery.
        let queue = try DatabaseQueue(path: db)
        let firstId = try queue.write { db in
            let id = try Int.fetchOne(db, sql: "SELECT id FROM webhook_receipt WHERE verdict = 'accepted' ORDER BY id LIMIT 1")!
            try db.execute(sql: "UPDATE webhook_receipt SET raw_body = replace(raw_body, 'Saturday', 'Sunday') WHERE id = ?", arguments: [id])
            return id
        }
        let tampered = try Self.run(["replay", String(firstId), "--db", db])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("HTTP 403"), "\(tampered.stdout)")
        let refused = try Self.run(["receipts", "--db", db, "--verdict", "rejected_signature"])
        #expect(refused.stdout.contains("WHY"))
        #expect(refused.stdout.contains("X-Twilio-Signature does not match this request"), "the why of a refusal: \(refused.stdout)")

        // Route: refused while the number is unknown, routed once it is ours.
        let early = try Self.run(["route", String(unroutedId), "--db", db])
        #expect(early.status == 1)
        #expect(early.stderr.contains("still not one of our numbers"), "\(early.stderr)")
        #expect(!early.stderr.contains("USAGE"))
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO message_number (org_id, e164, number_class) SELECT id, ?, 'pool' FROM org ORDER BY id LIMIT 1",
                arguments: [Self.strangerNumber])
        }
        try queue.close()
        let routed = try Self.run(["route", String(unroutedId), "--db", db])
        #expect(routed.status == 0, "\(routed.stderr)")
        #expect(routed.stdout.hasPrefix("routed receipt \(unroutedId) (SMrcpt000000000000000000000000002"), "\(routed.stdout)")
        #expect(routed.stdout.contains("the owner inbox"), "\(routed.stdout)")
        #expect(routed.stdout.split(separator: "\n").count == 1)
        let again = try Self.run(["route", String(unroutedId), "--db", db])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already routed"), "\(again.stderr)")
        #expect(try Self.run(["receipts", "--db", db]).stdout.contains("(routed later)"))

        // Prune: accepted receipts older than a second lose their body, then cannot be replayed.
        Thread.sleep(forTimeInterval: 1.2)
        let prune = try Self.run(["receipts", "prune", "--older-than", "1s", "--db", db])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.hasPrefix("removed the raw body of "), "\(prune.stdout)")
        #expect(prune.stdout.contains("older than 1s"))
        let gone = try Self.run(["replay", String(firstId), "--db", db])
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("retention removed its body"), "\(gone.stderr)")
        #expect(try Self.run(["receipts", "--db", db]).stdout.contains("(body pruned)"))

        serve.terminate()
        serve.waitUntilExit()
        let down = try Self.run(["replay", "SMrcpt000000000000000000000000001", "--db", db])
        #expect(down.status == 1)
        #expect(down.stderr.contains("no listener serves"), "\(down.stderr)")
    }

    @Test("serve sweeps at start: an accepted receipt older than --receipt-body-retention loses its body, a younger one keeps it")
    func serveSweepsOldBodies() throws {
        let db = try temporaryFolder().appendingPathComponent("shop.sqlite").path
        #expect(try Self.run(["import", "Data/demo.json", "--db", db]).status == 0)
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            for (sid, age) in [("SMold", "-40 days"), ("SMyoung", "-10 days")] {
                try db.execute(
                    sql: """
                        INSERT INTO webhook_receipt (path, message_sid, dedupe_key, raw_body, headers, verdict, status_code, response_body, created_at)
                        VALUES ('/api/twilio/inbound', ?, ?, 'MessageSid=' || ? || '&From=%2B15550409999&To=%2B15550100100&Body=secret', '{}',
                                'accepted', 200, '<Response/>', strftime('%Y-%m-%d %H:%M:%f', 'now', ?))
                        """,
                    arguments: [sid, "inbound:" + sid, sid, age])
            }
        }
        let serve = ServeAndSimulateTests.process(["serve", "--db", db, "--port", "0", "--receipt-body-retention", "30d"])
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        _ = try #require(ServeAndSimulateTests.waitForLine(output.fileHandleForReading, prefix: "listening on "))
        var bodies: [String: String] = [:]
        for _ in 0..<100 {
            bodies = try queue.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT message_sid, raw_body FROM webhook_receipt").map {
                    (($0["message_sid"] as String?) ?? "", $0["raw_body"] as String)
                })
            }
            if bodies["SMold"]?.contains("secret") == false { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(bodies["SMold"] == "From=%2B15550409999&To=%2B15550100100", "the body goes, From and To stay")
        #expect(bodies["SMyoung"]?.contains("secret") == true)
        try queue.close()
    }

    @Test("bad input: an unknown verdict or duration is a usage mistake (64); an unknown receipt or SID, or no database, one sentence (1)")
    func badInput() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("shop.sqlite").path
        #expect(try Self.run(["import", "Data/demo.json", "--db", db]).status == 0)

        let usage: [([String], String)] = [
            (["receipts", "--db", db, "--verdict", "lost"], "--verdict must be one of accepted, duplicate, unrouted"),
            (["receipts", "--db", db, "--since", "5x"], "--since takes a whole number and a unit"),
            (["receipts", "--db", db, "--limit", "0"], "--limit must be 1 or more"),
            (["receipts", "prune", "--db", db, "--older-than", "ninety"], "--older-than takes a whole number and a unit"),
            (["replay", "1", "--db", db, "--to", "ftp://example.com"], "--to must be an absolute http(s) URL"),
            (["replay", "1", "--db", db, "--to", "http://example.com/api/twilio/inbound"], "--to takes only the server"),
            (["serve", "--db", db, "--receipt-body-retention", "forever"], "--receipt-body-retention takes a whole number"),
        ]
        for (arguments, sentence) in usage {
            let run = try Self.run(arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(sentence), "\(arguments): \(run.stderr)")
        }

        let failures: [([String], String)] = [
            (["replay", "99999", "--db", db], "there is no receipt 99999; `switchboard receipts` lists them"),
            (["replay", "SMnothing", "--db", db], "no receipt has MessageSid SMnothing"),
            (["route", "99999", "--db", db], "there is no receipt 99999"),
        ]
        for (arguments, sentence) in failures {
            let run = try Self.run(arguments)
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(sentence), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("USAGE"), "\(arguments): \(run.stderr)")
        }

        let help = try Self.run(["receipts", "--help"])
        for part in ["--verdict <verdict>", "--since <duration>", "--limit <limit>", "--json", "prune", "rejected_signature"] {
            #expect(help.stdout.contains(part), "receipts --help: \(part)")
        }
        for command in ["replay", "route"] {
            #expect(try Self.run([command, "--help"]).stdout.contains("receipt-id"), "\(command) --help")
        }

        let missing = folder.appendingPathComponent("typo.sqlite").path
        for arguments in [["receipts", "--db", missing], ["receipts", "prune", "--db", missing], ["replay", "1", "--db", missing], ["route", "1", "--db", missing]] {
            let run = try Self.run(arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.contains("no database at \(missing); create one with `switchboard import"), "\(run.stderr)")
            #expect(!run.stderr.contains("USAGE"))
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "a read-only command never creates a database")
    }
}
