import ArgumentParser
import Foundation
import SwitchboardBench
import SwitchboardStore

struct BenchLiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Measure commit → on screen while an in-process listener ingests a steady stream of webhooks.",
        discussion: """
            Works on a copy of --db (made by `bench gen`), so the original is left as it was. \
            The console's live path runs headlessly: change stream → frame thread → read the \
            visible rows, reduce, render. Each commit's latency is the time until the first frame \
            that read after it was rendered.
            """
    )

    @Option(help: ArgumentHelp("The database to copy and load (made by `bench gen`).", valueName: "path")) var db: String
    @Option(help: "Webhooks per second.") var rate: Double = 1000
    @Option(help: "How many webhooks in all.") var requests: Int = 5000
    @Option(help: "Connections sending at once.") var concurrency: Int = 8

    func validate() throws {
        guard FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("\(db) does not exist; make one with `switchboard bench gen --db \(db)`.")
        }
        guard rate > 0, requests > 0, concurrency > 0 else { throw ValidationError("--rate, --requests and --concurrency must be positive.") }
    }

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("live.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let store = try AppDatabase.open(path: copy)
        let (sitters, clients) = try store.population()
        let token = "bench-live-token"
        let report = try await LiveLatency(store: store, authToken: token).run(
            requests: requests, rate: rate, concurrency: concurrency, sitters: max(sitters, 1), clients: max(clients, 1))
        print(report)
        print(report.load)
    }
}
