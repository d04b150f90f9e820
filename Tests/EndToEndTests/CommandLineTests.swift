import Foundation
import Testing

/// The `switchboard` binary beside the test bundle (SwiftPM builds both into one folder).
private enum Binary {
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

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The commands of SPEC §8 that need no terminal, run as a user would.
struct CommandLineTests {
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
            "sitter_id", "name", "tier", "id", "org_id", "window_start", "window_end", "avg_response_seconds",
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
        let sitters = try Binary.run(["metrics", "--db", db, "--json"])
        #expect(sitters.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || sitters.stdout.contains("[]"))
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

    @Test("Every command has --help", arguments: ["import", "metrics", "bench", "serve", "simulate", "demo", "console"])
    func help(command: String) throws {
        let run = try Binary.run([command, "--help"])
        #expect(run.status == 0, "\(command): \(run.stderr)")
        #expect(run.stdout.contains("USAGE: switchboard \(command)"))
    }
}
