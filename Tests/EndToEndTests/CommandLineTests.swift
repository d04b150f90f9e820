import Foundation
import GRDB
import Testing

/// The `switchboard` binary beside the test bundle (SwiftPM builds both into one folder).
enum Binary {
    static var url: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside `switchboardPackageTests.xctest/…`: walk up to the build folder.
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("switchboard").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("switchboard")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with `arguments` in the package root and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SWITCHBOARD_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The commands of SPEC §8 that need no terminal, run as a user would.
struct CommandLineTests {
    @Test("a config file whose keys or colors are wrong stops console and demo with one sentence, before any database is created")
    func aWrongKeysOrColorsObjectIsOneSentence() throws {
        let folder = try temporaryFolder()
        let config = folder.appendingPathComponent("config.json").path
        try #"{"keys": {"answer": "x"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let db = folder.appendingPathComponent("new.sqlite").path
        for command in [["console", "--db", db], ["demo", "--db", db, "--port", "0"]] {
            let run = try Binary.run(command, environment: ["SWITCHBOARD_CONFIG": config])
            #expect(run.status == 1, "\(command)")
            #expect(run.stderr.contains("The config file \(config): \"keys\" names \"answer\", which is not an action; the actions are down, up"), "\(run.stderr)")
            #expect(!run.stderr.contains("USAGE"))
            #expect(!FileManager.default.fileExists(atPath: db), "nothing is created")
        }
        try #"{"colors": {"accent": "teal"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let colors = try Binary.run(["console", "--db", db], environment: ["SWITCHBOARD_CONFIG": config])
        #expect(colors.stderr.contains("\"colors\".\"accent\" must be one of default, black, red"), "\(colors.stderr)")
    }

    @Test("console --sitter with a name that names no sitter, or several, is one sentence naming the sitters, before any terminal is needed")
    func sitterConsoleNamesTheSittersWhenTheNameIsWrong() throws {
        let db = try temporaryFolder().appendingPathComponent("demo.sqlite").path
        _ = try Binary.run(["import", "Data/demo.json", "--db", db])
        let unknown = try Binary.run(["console", "--db", db, "--sitter", "Zed"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--sitter: no sitter is named “Zed”; the sitters are Diego Ramírez (2), "), "\(unknown.stderr)")
        #expect(!unknown.stderr.contains("USAGE"))
        let several = try Binary.run(["console", "--db", db, "--sitter", "a"])
        #expect(several.status == 1)
        #expect(several.stderr.contains("sitters: ") && several.stderr.contains("give the whole name or the id"), "\(several.stderr)")
    }

    @Test("import the demo, then metrics: a table with every sitter and visibly different tiers; JSON for scripts")
    func importThenMetrics() throws {
        let db = try temporaryFolder().appendingPathComponent("demo.sqlite").path
        let first = try Binary.run(["import", "Data/demo.json", "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("added 7 sitters, 30 clients"))
        let second = try Binary.run(["import", "Data/demo.json", "--db", db])
        #expect(second.stdout.contains("added 0 sitters, 0 clients, 0 numbers, 0 bookings, 0 offers, 0 threads, 0 messages"))

        let table = try Binary.run(["metrics", "--db", db])
        #expect(table.status == 0, "\(table.stderr)")
        for name in ["Maya Okafor", "Diego Ramírez", "田中 ゆき (Yuki)", "Tomás Álvarez"] { #expect(table.stdout.contains(name)) }
        for tier in ["gold", "silver", "bronze", "provisional"] { #expect(table.stdout.contains(tier), "tier \(tier)") }

        let json = try Binary.run(["metrics", "--db", db, "--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 7)
        let expectedKeys: Set<String> = [
            "org", "sitter_id", "name", "tier", "id", "org_id", "window_start", "window_end", "avg_response_seconds",
            "median_response_seconds", "response_rate", "offer_accept_rate", "offer_median_response_seconds",
            "response_required_count", "response_sample_count", "offer_sample_count", "offer_accepted_count",
            "offer_response_sample_count", "computed_at",
        ]
        #expect(rows.map { $0.allSatisfy { Set($0.keys) == expectedKeys } } == true)
    }

    @Test("--window-days 0 and a malformed tiers file exit non-zero with one sentence saying what to do")
    func badMetricsInput() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("x.sqlite").path
        let zero = try Binary.run(["metrics", "--db", db, "--window-days", "0"])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--window-days must be a whole number of days, 1 or more"))
        let tiers = folder.appendingPathComponent("tiers.json")
        try Data(#"{"provisional_below": {"response_samples": 1, "offer_samples": 1}, "tiers": [{"name": 7}]}"#.utf8).write(to: tiers)
        let bad = try Binary.run(["metrics", "--db", db, "--tiers", tiers.path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\(tiers.path): tiers[0].name has the wrong type"), "\(bad.stderr)")
    }

    /// Issue 10, defect 6: a misspelt threshold made every sitter gold, silently.
    @Test("metrics --tiers with an unknown key, a wrong type or a tier without thresholds: one sentence with file, path and fix")
    func strictTiersFile() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("x.sqlite").path
        let shipped = try String(contentsOf: packageRoot.appendingPathComponent("Data/tiers.json"), encoding: .utf8)
        let cases = [
            (shipped.replacingOccurrences(of: "\"max_median_response_seconds\": 600", with: "\"max_median_response_second\": 600"),
             #"tiers[0].max_median_response_second is not a known key (did you mean "max_median_response_seconds"?): rename or remove it"#),
            (shipped.replacingOccurrences(of: "\"min_response_rate\": 0.85", with: "\"min_response_rate\": \"85%\""),
             "tiers[0].min_response_rate has the wrong type (expected a number)"),
            (#"{"provisional_below": {"response_samples": 1, "offer_samples": 1}, "tiers": [{"name": "gold"}, {"name": "bronze"}]}"#,
             "tiers[0] has no threshold, so every sitter would earn it: give it at least one of"),
        ]
        for (index, (json, problem)) in cases.enumerated() {
            let file = folder.appendingPathComponent("bad-\(index).json")
            try Data(json.utf8).write(to: file)
            let run = try Binary.run(["metrics", "--db", db, "--tiers", file.path])
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderr.contains("\(file.path): \(problem)"), "\(run.stderr)")
            #expect(run.stderr.contains("fix the file or pass --tiers with another one."), "\(run.stderr)")
            #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    /// The stored figures (what the console shows), read straight from the database.
    private static func storedMetrics(_ db: String) throws -> [String] {
        try DatabaseQueue(path: db).read { db in
            try String.fetchAll(
                db, sql: "SELECT sitter_id || ' ' || tier || ' ' || window_start || ' ' || computed_at FROM sitter_metrics_window ORDER BY sitter_id")
        }
    }

    /// Issue 10, defect 6: `metrics --tiers OTHER.json` overwrote the stored metrics.
    @Test("metrics with another --tiers file or --window-days shows its figures and leaves sitter_metrics_window as stored")
    func otherPolicyIsNotStored() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("demo.sqlite").path
        #expect(try Binary.run(["import", "Data/demo.json", "--db", db]).status == 0)
        #expect(try Binary.run(["metrics", "--db", db]).status == 0)
        let stored = try Self.storedMetrics(db)
        #expect(stored.count == 7)
        let lenient = folder.appendingPathComponent("lenient.json")
        try Data(#"{"provisional_below": {"response_samples": 0, "offer_samples": 0}, "tiers": [{"name": "everyone"}]}"#.utf8)
            .write(to: lenient)
        Thread.sleep(forTimeInterval: 1.1)  // so a rewrite would show in computed_at
        let other = try Binary.run(["metrics", "--db", db, "--tiers", lenient.path])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stdout.contains("everyone"))
        #expect(try Self.storedMetrics(db) == stored, "another thresholds file is shown, not stored")
        #expect(try Binary.run(["metrics", "--db", db, "--window-days", "7"]).status == 0)
        #expect(try Self.storedMetrics(db) == stored, "another window is shown, not stored")
        #expect(try Binary.run(["metrics", "--db", db, "--tiers", "Data/tiers.json"]).status == 0)
        #expect(try Self.storedMetrics(db) != stored, "the stored policy, named explicitly, still stores")
    }

    static let secondOrg = #"""
        {
          "org": {"name": "Harbor Hounds", "front_desk": "+15550100200"},
          "sitters": [
            {"key": "sam", "name": "Sam Lee", "phone": "+15550200201", "masked_number": "+15550300201"},
            {"key": "ana", "name": "Ana Ruiz", "phone": "+15550200202", "masked_number": "+15550300202"}
          ],
          "clients": [{"key": "olu", "name": "Olu Adeyemi", "phone": "+15550402001"}]
        }
        """#

    /// Issue 10, defect 7: a second org imported fine but `metrics` never showed it.
    @Test("Two orgs in one database: metrics groups by org, --org picks one, an unknown --org names the orgs")
    func metricsOfTwoOrgs() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("two.sqlite").path
        let harbor = folder.appendingPathComponent("harbor.json")
        try Data(Self.secondOrg.utf8).write(to: harbor)
        #expect(try Binary.run(["import", "Data/demo.json", "--db", db]).status == 0)
        let imported = try Binary.run(["import", harbor.path, "--db", db])
        #expect(imported.status == 0, "\(imported.stderr)")

        let table = try Binary.run(["metrics", "--db", db])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let demoHeading = try #require(lines.firstIndex(of: "Pawsitive Pet Sitting Co. · 7 sitters"), "\(table.stdout)")
        let harborHeading = try #require(lines.firstIndex(of: "Harbor Hounds · 2 sitters"), "\(table.stdout)")
        let sam = try #require(lines.firstIndex { $0.hasPrefix("Sam Lee") })
        let maya = try #require(lines.firstIndex { $0.hasPrefix("Maya Okafor") })
        #expect(demoHeading < maya && maya < harborHeading && harborHeading < sam)

        let one = try Binary.run(["metrics", "--db", db, "--org", "Harbor Hounds"])
        #expect(one.stdout.contains("Sam Lee") && one.stdout.contains("Ana Ruiz"))
        #expect(!one.stdout.contains("Maya Okafor") && !one.stdout.contains("Pawsitive"))

        let json = try Binary.run(["metrics", "--db", db, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["org"] as? String } == Array(repeating: "Pawsitive Pet Sitting Co.", count: 7) + ["Harbor Hounds", "Harbor Hounds"])
        #expect(rows.suffix(2).compactMap { $0["name"] as? String } == ["Ana Ruiz", "Sam Lee"])
        let oneJSON = try Binary.run(["metrics", "--db", db, "--json", "--org", "Harbor Hounds"])
        let harborRows = try JSONSerialization.jsonObject(with: Data(oneJSON.stdout.utf8)) as? [[String: Any]]
        #expect(harborRows?.count == 2)

        let unknown = try Binary.run(["metrics", "--db", db, "--org", "Harbour"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.contains(#"No org is named "Harbour": the orgs are "Pawsitive Pet Sitting Co.", "Harbor Hounds"."#),
            "\(unknown.stderr)")
    }

    @Test("import of a malformed file names the file and the JSON path, and writes nothing")
    func badImport() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("x.sqlite").path
        let file = folder.appendingPathComponent("org.json")
        try Data(#"{"org": {"name": "X", "front_desk": "+15550000100"}, "sitters": [{"key": "a", "name": "A"}], "clients": []}"#.utf8)
            .write(to: file)
        let run = try Binary.run(["import", file.path, "--db", db])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(file.path): $.sitters[0].phone: required field is missing"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db), "the file is checked before the database is created")
    }

    @Test("A --db that is not SQLite is refused with a sentence, and left untouched")
    func notADatabase() throws {
        let file = try temporaryFolder().appendingPathComponent("notes.txt")
        try Data("groceries\n".utf8).write(to: file)
        let run = try Binary.run(["metrics", "--db", file.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("is not a SQLite database"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "groceries\n")
    }

    /// An environment with no Twilio secrets: no token in the environment, no config file.
    static func withoutSecrets(_ folder: URL) -> [String: String] {
        ["TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "", "SWITCHBOARD_CONFIG": folder.appendingPathComponent("none.json").path]
    }

    @Test(
        "A runtime failure prints one sentence and exits non-zero, without the usage text",
        arguments: [
            (["metrics", "--db", "NOTES"], "is not a SQLite database"),
            (["serve", "--db", "DB", "--port", "0"], "Set TWILIO_AUTH_TOKEN"),
            (["console", "--db", "DB"], "Set TWILIO_AUTH_TOKEN"),
            (["console", "--db", "DB", "--send", "twilio", "--no-listen"], "--send twilio needs TWILIO_ACCOUNT_SID"),
            (["metrics", "--db", "DB", "--tiers", "TIERS"], "fix the file or pass --tiers"),
        ])
    func runtimeFailure(arguments: [String], sentence: String) throws {
        let folder = try temporaryFolder()
        let notes = folder.appendingPathComponent("notes.txt")
        try Data("groceries\n".utf8).write(to: notes)
        let tiers = folder.appendingPathComponent("tiers.json")
        try Data("{".utf8).write(to: tiers)
        let paths = ["NOTES": notes.path, "DB": folder.appendingPathComponent("x.sqlite").path, "TIERS": tiers.path]
        let run = try Binary.run(arguments.map { paths[$0] ?? $0 }, environment: Self.withoutSecrets(folder))
        #expect(run.status == 1, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(sentence), "\(arguments): \(run.stderr)")
        #expect(!run.stderr.lowercased().contains("usage"), "\(arguments): \(run.stderr)")
        #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(run.stderr)")
    }

    @Test("A usage mistake still says what to do and shows the usage", arguments: [["serve", "--port", "70000"], ["demo", "--port", "99999"]])
    func usageMistake(arguments: [String]) throws {
        let run = try Binary.run(arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--port must be between 0 and 65535"), "\(run.stderr)")
        #expect(run.stderr.contains("Usage: switchboard"), "\(run.stderr)")
    }

    @Test("demo, console and serve share the listener's options (one declaration, one validation)", arguments: ["demo", "console", "serve"])
    func sharedListenerOptions(command: String) throws {
        let run = try Binary.run([command, "--help"])
        for option in ["--host <host>", "--port <port>", "--public-url <url>"] {
            #expect(run.stdout.contains(option), "\(command): \(option)")
        }
        #expect(run.stdout.contains("--no-listen") == (command != "serve"), "\(command)")
    }

    @Test("SWITCHBOARD_DB is used when --db is not given")
    func environmentDatabase() throws {
        let db = try temporaryFolder().appendingPathComponent("env.sqlite").path
        let run = try Binary.run(["import", "Data/demo.json"], environment: ["SWITCHBOARD_DB": db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("into \(db)"))
        #expect(FileManager.default.fileExists(atPath: db))
    }

    @Test("bench gen writes a database with every scope, and refuses to overwrite one")
    func benchGen() throws {
        let db = try temporaryFolder().appendingPathComponent("bench.sqlite").path
        let run = try Binary.run(["bench", "gen", "--threads", "400", "--messages", "4000", "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("400 threads, 4000 messages"))
        let again = try Binary.run(["bench", "gen", "--threads", "400", "--messages", "4000", "--db", db])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
    }

    @Test("bench ingest --floor reports the store path beside its floor, and leaves --db unchanged")
    func benchIngestFloor() throws {
        let db = try temporaryFolder().appendingPathComponent("floor.sqlite").path
        #expect(try Binary.run(["bench", "gen", "--threads", "200", "--messages", "2000", "--db", db]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let run = try Binary.run(["bench", "ingest", "--floor", "--db", db, "--requests", "300", "--concurrency", "16"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("store (GRDB)") && run.stdout.contains("floor (C API)"), "\(run.stdout)")
        #expect(run.stdout.contains("ratio store ÷ floor"))
        #expect(run.stdout.contains("300 answered 200, 0 replay failures"), "\(run.stdout)")
        #expect(run.stdout.contains("INSERT INTO webhook_receipt"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "the benchmark works on copies")
        let rounds = try Binary.run(["bench", "ingest", "--floor", "--db", db, "--requests", "200", "--runs", "3"])
        #expect(rounds.status == 0, "\(rounds.stderr)")
        #expect(rounds.stdout.contains("round 1: store") && rounds.stdout.contains("round 3: store"), "\(rounds.stdout)")
        #expect(rounds.stdout.contains("ratio store ÷ floor (medians of 3 rounds)"), "\(rounds.stdout)")
        #expect(rounds.stdout.contains("200 answered 200, 0 replay failures"), "\(rounds.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "the rounds work on copies too")
        let missing = try Binary.run(["bench", "ingest", "--floor", "--requests", "10"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--floor needs --db"))
    }

    @Test("bench console --runs prints every run and the medians, with the ratio to --compare")
    func benchConsoleRuns() throws {
        let folder = try temporaryFolder()
        let (big, small) = (folder.appendingPathComponent("big.sqlite").path, folder.appendingPathComponent("small.sqlite").path)
        #expect(try Binary.run(["bench", "gen", "--threads", "200", "--messages", "2000", "--db", big]).status == 0)
        #expect(try Binary.run(["bench", "gen", "--threads", "100", "--messages", "500", "--db", small]).status == 0)
        let run = try Binary.run(["bench", "console", "--db", big, "--compare", small, "--runs", "3", "--frames", "10"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("run 1:") && run.stdout.contains("run 3:"))
        #expect(run.stdout.contains("median of 3 runs"))
        let medians = run.stdout.components(separatedBy: "median of 3 runs").last ?? ""
        #expect(medians.contains("owner inbox") && medians.contains("ratio p99"), "\(run.stdout)")
    }

    @Test("bench console --cold prints exec → first frame and the frame's wall time, and times no frames")
    func benchConsoleCold() throws {
        let folder = try temporaryFolder()
        let db = folder.appendingPathComponent("cold.sqlite").path
        #expect(try Binary.run(["bench", "gen", "--threads", "100", "--messages", "500", "--db", db]).status == 0)
        let before = Date().timeIntervalSince1970
        let run = try Binary.run(["bench", "console", "--db", db, "--cold"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let cold = try #require(lines.first { $0.hasPrefix("cold start to first frame: ") })
        let milliseconds = try #require(Double(cold.dropFirst("cold start to first frame: ".count).dropLast(" ms".count)))
        #expect(milliseconds >= 0)
        let at = try #require(lines.first { $0.hasPrefix("first frame at unix time ") })
        let frameTime = try #require(Double(at.dropFirst("first frame at unix time ".count)))
        #expect(frameTime >= before && frameTime <= Date().timeIntervalSince1970)
        #expect(!run.stdout.contains("p50"), "--cold times no frames: \(run.stdout)")
    }

    @Test("Every command has --help", arguments: ["import", "metrics", "bench", "serve", "simulate", "demo", "console"])
    func help(command: String) throws {
        let run = try Binary.run([command, "--help"])
        #expect(run.status == 0, "\(command): \(run.stderr)")
        #expect(run.stdout.contains("USAGE: switchboard \(command)"))
    }
}
