import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardStore

/// The router of the webhook listener: every route and middleware, without a socket.
/// Tests drive it directly (`.router`); ``buildListener(store:configuration:logger:onListening:)``
/// serves it.
public func buildRouter(
    store: AppDatabase, authToken: String, publicURL: PublicURL, maxBodyBytes: Int = 64 * 1024, webhookLog: WebhookLog? = nil,
    metrics: ListenerMetrics? = nil, metricsPublic: Bool = false
) -> Router<ListenerRequestContext> {
    let router = Router(context: ListenerRequestContext.self)
    typealias Controller = WebhookController<ListenerRequestContext>
    router.add(middleware: WebhookObserverMiddleware(
        paths: [Controller.inboundPath, Controller.statusPath], log: webhookLog, metrics: metrics))
    if let metrics {
        store.ingestQueue.observeBatches { metrics.recordBatch(size: $0) }
        MetricsRoute(metrics: metrics, store: store, isPublic: metricsPublic).addRoutes(to: router)
    }
    WebhookController(store: store, authToken: authToken, publicURL: publicURL, maxBodyBytes: maxBodyBytes)
        .addRoutes(to: router)
    return router
}

/// The webhook listener as an application: the routes, the socket, and the offer-expiry
/// sweep. `serve` runs it alone; the console runs it beside itself in one service group.
///
/// `onListening` is called with `http://HOST:PORT` once the socket accepts connections,
/// with the real port when `configuration.port` is `0`.
public func buildListener(
    store: AppDatabase, configuration: ListenerConfiguration, logger: Logger = Logger(label: "switchboard.webhook"),
    onListening: @escaping @Sendable (String) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let publicURL = PublicURL(configuration.publicURL)
    let router = buildRouter(
        store: store, authToken: configuration.authToken, publicURL: publicURL, maxBodyBytes: configuration.maxBodyBytes,
        webhookLog: configuration.webhookLog, metrics: ListenerMetrics(), metricsPublic: configuration.metricsPublic)
    var services: [any Service] = []
    if let interval = configuration.offerSweepInterval {
        services.append(OfferExpiryService(store: store, interval: interval, logger: logger))
    }
    let host = configuration.host
    let connections = ConnectionGuard(
        limit: ConnectionGuard.connectionLimit(wanted: configuration.maxConnections),
        requestReadTimeout: configuration.requestReadTimeout)
    return Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [connections.makeHandler()], idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "switchboard"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let address = "http://\(host):\(port)"
            publicURL.setDefault(address)
            await onListening(address)
        },
        logger: logger)
}
