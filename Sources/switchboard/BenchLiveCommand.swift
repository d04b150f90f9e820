import ArgumentParser
import Foundation
import SwitchboardBench
import SwitchboardPostgres
import SwitchboardStore
import SwitchboardWebhook

struct BenchLiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Measure commit → on screen while an in-process listener ingests a steady stream of webhooks.",
        discussion: """
            Works on a copy of --db (made by `bench gen`), so the original is left as it was; \
            with --attached, --db may also be a PostgreSQL URL, whose database is loaded itself. \
            The console's live path runs headlessly: change stream → frame thread → read the \
            visible rows, reduce, render. Each commit's latency is the time until the first frame \
            that read after it was rendered.
            """
    )

    @Option(help: ArgumentHelp("The database to copy and load (made by `bench gen`).", valueName: "path")) var db: String
    @Option(help: "Webhooks per second.") var rate: Double = 1000
    @Option(help: "How many webhooks in all (default 5000; 200 with --attached).") var requests: Int?
    @Option(help: "Connections sending at once.") var concurrency: Int = 8
    @Flag(help: ArgumentHelp(
        "Measure webhook → screen across processes: `serve` in a child process takes the webhooks, one at a time, and this process is the attached console.",
        discussion: "--rate and --concurrency do not apply."))
    var attached = false

    func validate() throws {
        if PostgresLocation.isPostgresURL(db) {
            guard attached else { throw ValidationError("on PostgreSQL, bench live runs --attached (serve in a child process).") }
        } else if !FileManager.default.fileExists(atPath: db) {
            throw ValidationError("\(db) does not exist; make one with `switchboard bench gen --db \(db)`.")
        }
        guard rate > 0, (requests ?? 1) > 0, concurrency > 0 else { throw ValidationError("--rate, --requests and --concurrency must be positive.") }
    }

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        if PostgresLocation.isPostgresURL(db) {
            // A server's database is not copied: the webhooks are stored in the one named
            // (use a throwaway one, such as a `migrate`d copy of a `bench gen` file).
            return try await runAttached(store: try await DatabaseOptions.open(db, mustExist: true), path: db, folder: folder)
        }
        let copy = folder.appendingPathComponent("live.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let store = try AppDatabase.open(path: copy)
        if attached { return try await runAttached(store: store, path: copy, folder: folder) }
        let requests = self.requests ?? 5000
        let (sitters, clients) = try store.population()
        let token = "bench-live-token"
        let report = try await LiveLatency(store: store, authToken: token).run(
            requests: requests, rate: rate, concurrency: concurrency, sitters: max(sitters, 1), clients: max(clients, 1))
        print(report)
        print(report.load)
    }

    /// `serve` on the copy in a child process (this same executable), this process attached.
    private func runAttached(store: any Store, path: String, folder: URL) async throws {
        let token = "bench-live-attached-token"
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        serve.arguments = ["serve", "--db", path, "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["TWILIO_AUTH_TOKEN"] = token
        serve.environment = environment
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer {
            serve.terminate()
            serve.waitUntilExit()
        }
        var printed = ""
        func listeningLine() -> Substring? {
            printed.split(separator: "\n").first { $0.hasPrefix("listening on ") && printed.contains($0 + "\n") }
        }
        while listeningLine() == nil {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CommandFailure("serve stopped before it listened.") }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let line = listeningLine()!
        let base = String(line.dropFirst("listening on ".count))
        // Keep reading serve's output so its pipe never fills.
        let drain = Thread { while !output.fileHandleForReading.availableData.isEmpty {} }
        drain.start()
        let report = try await AttachedLatency(
            store: store, inboundURL: TwilioSetup.inboundURL(base), authToken: token, frontDesk: DatabaseGenerator.frontDesk
        ).run(webhooks: requests ?? 200)
        print(report)
    }
}
