import ArgumentParser
import Foundation
import SwitchboardBench
import SwitchboardStore

struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load a running listener with distinct signed inbound webhooks and report req/s and latency.",
        discussion: """
            Signs with TWILIO_AUTH_TOKEN, as the listener expects. With --db (the listener's \
            database, made by `bench gen`), sender and recipient numbers are drawn from it, and \
            afterwards every webhook answered 200 is checked to be in the database exactly once.

            With --floor (and --db), no listener is needed: the store's ingest is driven \
            directly on a copy of the database (no HTTP), and beside it the floor: the very \
            statements it executed, captured and replayed through SQLite's C API on another \
            copy, in the same transactions and with the same durability. Reports µs of CPU per \
            webhook and webhooks/s of both, and their ratio; with --runs, each round on fresh \
            copies (store and floor taking turns to go first) and the medians. The database \
            itself is not changed.
            """
    )

    @Option(help: ArgumentHelp("The listener's inbound URL, as it signs it.", valueName: "url"))
    var url: String = "http://127.0.0.1:8080/api/twilio/inbound"

    @Option(help: "How many webhooks to send.") var requests: Int = 20_000
    @Option(help: "How many keep-alive connections send at once.") var concurrency: Int = 16
    @Option(help: "Webhooks per second, paced (default: as fast as the listener answers).") var rate: Double?
    @Option(help: ArgumentHelp("The listener's database, to draw numbers from and verify against.", valueName: "path"))
    var db: String?
    @Flag(help: "Measure the store without HTTP beside its floor (SQLite's C API) on copies of --db.")
    var floor = false
    @Flag(help: "With --floor: only the store path, once, without the capture and the floor (to profile it).")
    var storeOnly = false
    @Option(help: "With --floor: rounds of the store path beside its floor, each on fresh copies; the medians are printed.")
    var runs: Int = 1

    func validate() throws {
        guard requests > 0 else { throw ValidationError("--requests must be 1 or more.") }
        guard (1...50).contains(runs) else { throw ValidationError("--runs must be between 1 and 50.") }
        if runs > 1, !floor || storeOnly {
            throw ValidationError("--runs is for --floor: rounds of the store path beside its floor (--store-only runs the store path once).")
        }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1024.") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be more than 0 webhooks a second.") }
        guard let parsed = URL(string: url), parsed.scheme == "http", parsed.host != nil else {
            throw ValidationError("--url must be an http:// URL such as http://127.0.0.1:8080/api/twilio/inbound.")
        }
    }

    func run() async throws {
        if floor {
            guard let db else { throw CommandFailure("--floor needs --db, a database made by `switchboard bench gen`.") }
            guard FileManager.default.fileExists(atPath: db) else {
                throw CommandFailure("\(db) does not exist; make one with `switchboard bench gen --db \(db)`.")
            }
            let bench = IngestFloorBench(
                options: .init(databasePath: db, requests: requests, concurrency: concurrency, storeOnly: storeOnly, runs: runs))
            print(try await bench.run())
            return
        }
        guard let token = ProcessInfo.processInfo.environment["TWILIO_AUTH_TOKEN"], !token.isEmpty else {
            throw CommandFailure("Set TWILIO_AUTH_TOKEN to the listener's auth token; the webhooks are signed with it.")
        }
        var store: (any Store)?
        if let db { store = try await DatabaseOptions.open(db, mustExist: true) }
        var (sitters, clients) = (6, 30)
        if let store {
            (sitters, clients) = try store.population()
        }
        let load = IngestLoad(
            options: .init(
                url: URL(string: url)!, authToken: token, requests: requests, concurrency: concurrency,
                sitters: max(sitters, 1), clients: max(clients, 1),
                runID: String(UInt32.random(in: 0...UInt32.max), radix: 16).padding(toLength: 8, withPad: "0", startingAt: 0),
                rate: rate))
        let report = await Task.detached { load.run() }.value
        print(report)
        if let store {
            print(try await Task.detached { try load.verify(report, in: store) }.value)
        }
    }
}
