import CoreMetrics
import Foundation
import Hummingbird
import NIOCore
import Prometheus
import SwitchboardCore
import SwitchboardStore

/// The listener's figures in Prometheus text format, at `GET /metrics`: webhooks by verdict,
/// ingest latency, group-commit batch sizes, outbox depth and WAL size.
///
/// Recorded through swift-metrics with a registry of its own (not the process-wide
/// `MetricsSystem`), so each listener (and each test) has its own figures.
public final class ListenerMetrics: Sendable {
    public static var path: String { "/metrics" }

    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let verdictCounters: [String: CoreMetrics.Counter]
    private let latency: CoreMetrics.Timer
    private let batchSizes: CoreMetrics.Recorder
    private let outboxDepth: CoreMetrics.Gauge
    private let walBytes: CoreMetrics.Gauge

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["switchboard_webhook_duration_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        factory.valueHistogramBuckets["switchboard_group_commit_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        self.factory = factory
        var counters: [String: CoreMetrics.Counter] = [:]
        for name in WebhookVerdict.allCases.map(\.rawValue) + ["failed"] {
            counters[name] = CoreMetrics.Counter(label: "switchboard_webhooks_total", dimensions: [("verdict", name)], factory: factory)
        }
        verdictCounters = counters
        latency = CoreMetrics.Timer(label: "switchboard_webhook_duration_seconds", dimensions: [], factory: factory)
        batchSizes = CoreMetrics.Recorder(label: "switchboard_group_commit_batch_size", dimensions: [], aggregate: true, factory: factory)
        outboxDepth = CoreMetrics.Gauge(label: "switchboard_outbox_depth", dimensions: [], factory: factory)
        walBytes = CoreMetrics.Gauge(label: "switchboard_wal_bytes", dimensions: [], factory: factory)
    }

    /// Counts one answered webhook and times it (from its head to its answer).
    func recordWebhook(verdict: WebhookVerdict?, status: Int, duration: Duration) {
        let name = verdict?.rawValue ?? (status >= 500 ? "failed" : WebhookVerdict.malformed.rawValue)
        verdictCounters[name]?.increment()
        latency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func recordBatch(size: Int) {
        batchSizes.record(size)
    }

    /// The text a scrape gets, with the store's gauges read now.
    func exposition(store: any Store) async -> String {
        if let depth = try? await store.outboxDepth() { outboxDepth.record(depth) }
        walBytes.record(store.walBytes)
        return registry.emitToString()
    }
}

/// Serves `GET /metrics`; to loopback addresses only unless `public` is set, since the
/// figures tell a stranger how busy the business is.
struct MetricsRoute {
    let metrics: ListenerMetrics
    let store: any Store
    let isPublic: Bool

    func addRoutes(to router: Router<ListenerRequestContext>) {
        router.get(RouterPath(ListenerMetrics.path)) { _, context -> Response in
            guard isPublic || Self.isLoopback(context.remoteAddress) else {
                throw HTTPError(.forbidden, message: "/metrics answers this machine only; start the listener with --metrics-public to open it")
            }
            let text = await metrics.exposition(store: store)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Loopback, or no socket at all (a test driving the router).
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return true }
        guard let ip = address.ipAddress else { return address.protocol == .unix }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// The listener's request context: Hummingbird's basic one, plus the peer's address, which
/// `/metrics` checks.
public struct ListenerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
