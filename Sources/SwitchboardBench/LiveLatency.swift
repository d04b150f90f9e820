import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `bench live`: how long a committed webhook takes to be on screen while the listener
/// ingests a steady stream.
///
/// The console's live path is reproduced headlessly (``HeadlessConsole``). A transaction observer
/// stamps every commit; a commit is on screen when the first frame whose read began after
/// it is rendered. The curses blit that follows is left out.
public struct LiveLatency {
    public struct Report: Sendable, CustomStringConvertible {
        public var load: IngestLoad.Report
        public var latenciesMs: [Double]
        public var frames: Int

        public var description: String {
            let sorted = latenciesMs.sorted()
            func ms(_ p: Double) -> String { String(format: "%.2f ms", Statistics.percentile(sorted, p)) }
            return String(format: "ingested %d webhooks at %.0f req/s; %d commits, %d frames", load.requests, load.requestsPerSecond, latenciesMs.count, frames)
                + "\ncommit → on screen: p50 \(ms(50)), p90 \(ms(90)), p99 \(ms(99)), max \(ms(100))"
        }
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
    }

    /// Each commit's time on the monotonic clock.
    final class CommitStamps: Sendable {
        let stamps = Mutex<[Double]>([])
        func stamp() {
            let time = LiveLatency.now()
            stamps.withLock { $0.append(time) }
        }
    }

    /// Frames as (read started, rendered).
    final class FrameLog: Sendable {
        let frames = Mutex<[(start: Double, done: Double)]>([])
    }

    let store: AppDatabase
    let authToken: String

    public init(store: AppDatabase, authToken: String) {
        self.store = store
        self.authToken = authToken
    }

    public func run(requests: Int, rate: Double, concurrency: Int, sitters: Int, clients: Int) async throws -> Report {
        let address = Mutex<String?>(nil)
        let listener = buildListener(
            store: store, configuration: ListenerConfiguration(host: "127.0.0.1", port: 0, authToken: authToken),
            logger: Logger(label: "bench.live", factory: { _ in SwiftLogNoOpLogHandler() }),
            onListening: { url in address.withLock { $0 = url } })
        let server = Task { try await listener.runService() }
        defer { server.cancel() }
        var base: String?
        for _ in 0..<500 where base == nil {
            base = address.withLock { $0 }
            if base == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        guard let base, let url = URL(string: base + WebhookController<BasicRequestContext>.inboundPath) else {
            throw StoreError(.cannotOpen, "the in-process listener did not start")
        }

        let stamps = CommitStamps()
        let commits = store.observeCommits { stamps.stamp() }
        let frames = FrameLog()
        let console = HeadlessConsole(store: store) { start, done, _ in frames.frames.withLock { $0.append((start, done)) } }

        let load = IngestLoad(
            options: .init(
                url: url, authToken: authToken, requests: requests, concurrency: concurrency, sitters: sitters,
                clients: clients, runID: String(UInt32.random(in: 0...UInt32.max), radix: 16), rate: rate))
        let report = await Task.detached { load.run() }.value
        try await Task.sleep(for: .milliseconds(300))  // let the last frames land
        console.stop()

        commits.stop()
        let commitTimes = stamps.stamps.withLock { $0 }
        let drawn = frames.frames.withLock { $0 }.sorted { $0.start < $1.start }
        var latencies: [Double] = []
        var next = 0
        for commit in commitTimes.sorted() {
            while next < drawn.count && drawn[next].start < commit { next += 1 }
            guard next < drawn.count else { break }
            latencies.append(drawn[next].done - commit)
        }
        return Report(load: report, latenciesMs: latencies, frames: drawn.count)
    }
}
