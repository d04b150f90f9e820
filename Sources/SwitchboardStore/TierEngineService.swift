import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore

/// Keeps `sitter_metrics_window` live: after every commit it recomputes the sitters marked
/// stale, and every `fullRefreshInterval` it recomputes everyone, so samples that age out of
/// the rolling window leave the figures even when nothing new arrives.
public struct TierEngineService: Service {
    let store: AppDatabase
    let fullRefreshInterval: Duration
    let logger: Logger

    public init(store: AppDatabase, fullRefreshInterval: Duration = .seconds(60), logger: Logger = Logger(label: "switchboard.tiers")) {
        self.store = store
        self.fullRefreshInterval = fullRefreshInterval
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in store.changes().cancelOnGracefulShutdown() {
                    await refresh { try await store.refreshStaleMetrics() }
                }
            }
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    await refresh {
                        let org = try await store.reader.read { db in try AppDatabase.primaryOrg(db) }
                        if let orgId = org?.id { try await store.recomputeAllMetrics(orgId: orgId) }
                        return 0
                    }
                    try await Task.sleep(for: fullRefreshInterval)
                }
            }
            try await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// A failed refresh is logged and retried on the next signal: metrics must never take
    /// the listener or the console down.
    private func refresh(_ work: () async throws -> Int) async {
        do {
            let count = try await work()
            if count > 0 { logger.debug("recomputed metrics", metadata: ["sitters": "\(count)"]) }
        } catch {
            logger.error("metrics refresh failed", metadata: ["error": "\(error)"])
        }
    }
}
