import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore

/// Keeps `sitter_metrics_window` live: after commits it recomputes the sitters marked stale
/// (at most once per `staleRefreshInterval`), and every `fullRefreshInterval` it recomputes
/// every sitter of every org, so samples that age out of the rolling window leave the figures even when
/// nothing new arrives.
public struct TierEngineService: Service {
    let store: any Store
    let fullRefreshInterval: Duration
    let staleRefreshInterval: Duration
    let logger: Logger

    public init(
        store: any Store, fullRefreshInterval: Duration = .seconds(60), staleRefreshInterval: Duration = .milliseconds(250),
        logger: Logger = Logger(label: "switchboard.tiers")
    ) {
        self.store = store
        self.fullRefreshInterval = fullRefreshInterval
        self.staleRefreshInterval = staleRefreshInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in store.changes() {
                        let started = ContinuousClock.now
                        await refresh { try await store.refreshStaleMetrics() }
                        // Under a flood every group commit signals: a read after each cost a
                        // fifth of ingest throughput. Commits during this pause coalesce (the
                        // stream keeps the newest signal only) into one refresh after it.
                        try? await Task.sleep(for: Self.pause(after: ContinuousClock.now - started, atLeast: staleRefreshInterval))
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await refresh { try await store.recomputeEveryonesMetrics() }
                        try? await Task.sleep(for: fullRefreshInterval)
                    }
                }
                await group.waitForAll()
            }
        }
    }

    /// How long to wait after a refresh that took `duration`: at least `interval`, and four
    /// times as long as the refresh, so recomputing stale sitters runs at most a fifth of the
    /// time. On the 1M-message database a burst marks dozens of busy sitters stale, each a
    /// few milliseconds of reading; refreshing every 250 ms took the CPU the listener needed
    /// on this 2-core machine, and webhooks waited 30–50 ms at every refresh.
    static func pause(after duration: Duration, atLeast interval: Duration) -> Duration {
        max(interval, duration * 4)
    }

    /// A failed refresh is logged and retried on the next signal: metrics must never take
    /// the listener or the console down.
    private func refresh(_ work: () async throws -> Int) async {
        do {
            let count = try await work()
            if count > 0 { logger.debug("recomputed metrics", metadata: ["sitters": "\(count)"]) }
        } catch is CancellationError {
            // A shutdown cancelled the refresh: nothing failed.
        } catch {
            logger.error("metrics refresh failed", metadata: ["error": "\(error)"])
        }
    }
}
