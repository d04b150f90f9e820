import Foundation
import Synchronization
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `bench live --attached`: webhook → screen across processes, as the owner lives it. A
/// listener in another process (`serve`) takes each signed webhook; this process is the
/// attached console, its change stream woken by the other process's commits (the file
/// watch and `PRAGMA data_version`), its frame thread reading and rendering the screen.
///
/// Webhooks go one at a time, each a text from a new number to the front desk: a new thread
/// in the owner inbox, whose count the owner pane shows ("N threads"). Its latency runs from
/// the moment the request is sent to the end of the first frame showing the new count; the
/// next is sent once it is on screen. (The count, not the row: the thread list keeps the
/// operator's selection in view, so new threads can be above the visible page.)
public struct AttachedLatency {
    public struct Report: Sendable, CustomStringConvertible {
        public var latenciesMs: [Double]
        public var frames: Int
        public var missed: Int

        public var description: String {
            let sorted = latenciesMs.sorted()
            func ms(_ p: Double) -> String { String(format: "%.1f ms", Statistics.percentile(sorted, p)) }
            return "\(latenciesMs.count) webhooks to serve, \(frames) frames in this (attached) process"
                + (missed > 0 ? ", \(missed) never on screen" : "")
                + "\nwebhook → screen: p50 \(ms(50)), p90 \(ms(90)), p99 \(ms(99)), max \(ms(100))"
        }
    }

    /// The owner inbox's thread count the frame thread waits for, and when it first rendered it.
    final class Watch: Sendable {
        let expectedCount = Mutex<Int?>(nil)
        let seenAt = Mutex<Double?>(nil)
        let frames = Mutex(0)
    }

    let store: any Store
    let inboundURL: String
    let authToken: String
    let frontDesk: String

    /// - Parameters:
    ///   - store: the database `serve` serves, opened by this process as a console opens it.
    ///   - inboundURL: serve's `…/api/twilio/inbound`.
    public init(store: any Store, inboundURL: String, authToken: String, frontDesk: String) {
        self.store = store
        self.inboundURL = inboundURL
        self.authToken = authToken
        self.frontDesk = frontDesk
    }

    public func run(webhooks: Int, timeoutPerWebhook: Double = 2) async throws -> Report {
        let watch = Watch()
        let console = HeadlessConsole(store: store) { _, done, state in
            watch.frames.withLock { $0 += 1 }
            guard let expected = watch.expectedCount.withLock({ $0 }), state.data.ownerThreadCount >= expected else { return }
            watch.seenAt.withLock { if $0 == nil { $0 = done } }
        }
        defer { console.stop() }

        var latencies: [Double] = []
        var missed = 0
        let run = UInt32.random(in: 0...99)
        let before = try ConsoleViewQuery(mailbox: .owner, threadRows: 1, messageCount: 0).read(from: store, now: store.clock.now)
        for index in 0..<webhooks {
            let marker = "live \(run) #\(index)"
            watch.seenAt.withLock { $0 = nil }
            watch.expectedCount.withLock { $0 = before.ownerThreadCount + index + 1 }
            let from = "+1555\(String(format: "%02d%05d", run, index))"
            let sent = LiveLatency.now()
            let answer = try await WebhookSimulator.sendSMS(url: inboundURL, authToken: authToken, from: from, to: frontDesk, body: marker)
            guard answer.status == 200 else { throw StoreError(.refused, "serve answered \(answer.status) to webhook \(index): \(answer.body)") }
            let deadline = sent + timeoutPerWebhook * 1000
            var seen: Double?
            while seen == nil, LiveLatency.now() < deadline {
                seen = watch.seenAt.withLock { $0 }
                if seen == nil { try await Task.sleep(for: .milliseconds(1)) }
            }
            if let seen { latencies.append(seen - sent) } else { missed += 1 }
        }
        return Report(latenciesMs: latencies, frames: watch.frames.withLock { $0 }, missed: missed)
    }
}
