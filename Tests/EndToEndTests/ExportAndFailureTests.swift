import Foundation
import GRDB
import Testing

/// Issue 15: `export`, and the command line as people expect it (read-only commands never
/// create a database, runtime failures are one sentence, completion scripts).
struct ExportAndFailureTests {
    typealias Shop = RecordCommandTests.Shop

    /// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF records) into rows of fields.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text), index = 0
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
            index += 1
        }
        return rows
    }

    @Test("export messages as CSV: BOM, header, CRLF, RFC 4180 quoting that round-trips, formulas neutralised; JSON has the same rows")
    func exportMessages() throws {
        let shop = try Shop()
        let threadId = try #require(try shop.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM message_thread WHERE scope = 'client_general' AND assigned_sitter_id IS NULL ORDER BY id LIMIT 1")
        })
        let tricky = "=HYPERLINK(\"http://evil.example\",\"click\"), then\r\na \"quote\" and Zoë 🐶 \u{7}\tbell"
        #expect(try shop.run(["reply", String(threadId), tricky]).status == 0)

        let csv = try shop.run(["export", "messages", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("\u{FEFF}message_id,thread_id,created_at_utc,direction,actor,from,to,client_name,sitter_name,body,delivery_status,provider_message_sid\r\n"))
        let rows = Self.parseCSV(csv.stdout)
        let total = try shop.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message_event")! }
        #expect(rows.count == total + 1)
        #expect(rows.allSatisfy { $0.count == 12 }, "every record has every field")
        let mine = try #require(rows.last { $0[1] == String(threadId) })
        #expect(mine[9] == "'" + tricky, "the body round-trips, with a ' before the formula")
        #expect(mine[3] == "outbound" && mine[4] == "owner")
        let inbound = try #require(rows.dropFirst().first { $0[3] == "inbound" && $0[4] == "client" })
        #expect(inbound[5].hasPrefix("+1555"), "phone numbers are left as they are: \(inbound[5])")
        #expect(inbound[2].count == 19 && inbound[2].dropFirst(10).hasPrefix(" "), "YYYY-MM-DD HH:MM:SS: \(inbound[2])")

        let json = try shop.run(["export", "messages", "--format", "json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == total)
        #expect(objects.last { ($0["thread_id"] as? Int64).map { $0 == threadId } ?? false }?["body"] as? String == tricky, "JSON keeps the text as sent")

        let noBOM = try shop.run(["export", "messages", "--no-bom", "--since", "1d"])
        #expect(noBOM.stdout.hasPrefix("message_id,"))
        let recent = Self.parseCSV(noBOM.stdout).count - 1
        #expect(recent > 0 && recent < total, "--since 1d keeps the last day only: \(recent) of \(total)")
    }

    @Test("export threads of one mailbox; metrics as JSON; --output writes a 0600 file")
    func exportThreadsAndMetrics() throws {
        let shop = try Shop()
        let maya = try shop.run(["export", "threads", "--mailbox", "Maya", "--format", "json"])
        let threads = try #require(try JSONSerialization.jsonObject(with: Data(maya.stdout.utf8)) as? [[String: Any]])
        #expect(threads.count == 7 && threads.allSatisfy { $0["mailbox"] as? String == "Maya Okafor" })
        let owner = try shop.run(["export", "threads", "--mailbox", "owner"])
        #expect(Self.parseCSV(owner.stdout).dropFirst().allSatisfy { $0[1] == "owner" })

        let metrics = try shop.run(["export", "metrics", "--format", "json"])
        let sitters = try #require(try JSONSerialization.jsonObject(with: Data(metrics.stdout.utf8)) as? [[String: Any]])
        #expect(sitters.count == 7 && sitters.allSatisfy { $0["tier"] is String })

        let file = shop.folder.appendingPathComponent("messages.csv").path
        let written = try shop.run(["export", "messages", "--output", file])
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)).starts(with: Data("\u{FEFF}message_id,".utf8)))
        let unknown = try shop.run(["export", "threads", "--mailbox", "Nobody"])
        #expect(unknown.status == 1 && unknown.stderr.contains(#"no sitter is "Nobody""#), "\(unknown.stderr)")
    }

    @Test("Commands that only read never create a database: a mistyped --db is named", arguments: [
        ["status"], ["metrics"], ["export", "threads"], ["export", "metrics", "--format", "json"], ["sitter", "add", "Ana", "--phone", "+15550200999"],
    ])
    func readersCreateNothing(arguments: [String]) throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("shpo.sqlite").path
        let run = try Binary.run(arguments + ["--db", db])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("no database at \(db); create one with `switchboard import"), "\(run.stderr)")
        #expect(!run.stderr.lowercased().contains("usage"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing was created")
    }

    @Test("A folder as --db, a missing, unreadable or non-JSON import file: one sentence saying which and what to do; nothing created")
    func filesThatAreNotWhatTheySeem() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("new.sqlite").path
        var cases: [([String], String)] = [
            (["metrics", "--db", folder.path], "\(folder.path) is a folder, not a database file; pass --db with a file's path, such as \(folder.path)/switchboard.sqlite"),
            (["import", "Data/demo.json", "--db", folder.path], "is a folder, not a database file"),
            (["import", folder.appendingPathComponent("missing.json").path, "--db", db], "missing.json does not exist; check the path of the file to import"),
            (["import", folder.path, "--db", db], "is a folder; give the path of the file to import itself"),
        ]
        cases.append((["metrics", "--db", db, "--tiers", folder.appendingPathComponent("tiers.json").path], "tiers.json does not exist; check the path of the tiers file (--tiers)"))
        cases.append((["metrics", "--db", db, "--tiers", folder.path], "is a folder; give the path of the tiers file (--tiers) itself"))
        let notes = folder.appendingPathComponent("notes.txt")
        try Data("groceries: milk, eggs\n".utf8).write(to: notes)
        cases.append((["import", notes.path, "--db", db], "\(notes.path): $: not valid JSON"))
        if geteuid() != 0 {  // root reads any file
            let locked = folder.appendingPathComponent("locked.json")
            try Data("{}".utf8).write(to: locked)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)
            cases.append((["import", locked.path, "--db", db], "cannot be read (permission denied); run chmod u+r"))
        }
        for (arguments, sentence) in cases {
            let run = try Binary.run(arguments)
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(sentence), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.lowercased().contains("usage"), "\(arguments): \(run.stderr)")
            #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db), "\(arguments) created the database")
        }
    }

    @Test("simulate against a closed port fails within 3 s with one sentence")
    func simulateClosedPort() throws {
        // A port that was free a moment ago: bind it, note it, close it.
        let port = closedLoopbackPort()
        let started = Date()
        let run = try Binary.run(
            ["simulate", "--url", "http://127.0.0.1:\(port)/api/twilio/inbound", "--from", "+15550401001", "--to", "+15550100100", "--body", "hi"],
            environment: ["TWILIO_AUTH_TOKEN": "a-token"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 3, "took \(elapsed) s")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("Could not reach http://127.0.0.1:\(port)/api/twilio/inbound (connection refused); is `switchboard serve` running there?"), "\(run.stderr)")
        #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(run.stderr)")
    }

    @Test(
        "--public-url must be an absolute http(s) URL; --port -1 is told the range",
        arguments: [
            (["serve", "--public-url", "example.com"], "--public-url must be an absolute http(s) URL with a host"),
            (["console", "--public-url", "https://"], "--public-url must be an absolute http(s) URL with a host"),
            (["serve", "--public-url", "ftp://example.com"], "--public-url must be an absolute http(s) URL with a host"),
            (["serve", "--port", "-1"], "--port must be between 0 and 65535 (0 picks a free port); got -1."),
            (["demo", "--port", "-1"], "--port must be between 0 and 65535"),
        ])
    func listenerValues(arguments: [String], sentence: String) throws {
        let run = try Binary.run(arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(sentence), "\(run.stderr)")
    }

    @Test("Shell completion scripts for bash, zsh and fish name the commands", arguments: ["bash", "zsh", "fish"])
    func completionScripts(shell: String) throws {
        let run = try Binary.run(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.stderr)")
        for word in ["switchboard", "export", "sitter", "deactivate", "import"] { #expect(run.stdout.contains(word), "\(shell): \(word)") }
    }

    @Test("Every record command has --help", arguments: [
        ["sitter", "add"], ["sitter", "edit"], ["sitter", "deactivate"], ["sitter", "activate"], ["client", "add"], ["client", "edit"], ["number", "add"],
        ["number", "assign"], ["number", "release"], ["booking", "add"], ["booking", "cancel"], ["offer"], ["withdraw"], ["reply"], ["export"],
    ])
    func help(command: [String]) throws {
        let run = try Binary.run(command + ["--help"])
        #expect(run.status == 0, "\(command): \(run.stderr)")
        #expect(run.stdout.contains("USAGE: switchboard \(command.joined(separator: " "))"), "\(run.stdout)")
    }
}

/// A loopback port nothing listens on: bound to find a free one, then closed.
private func closedLoopbackPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
