import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardStore

/// The router of the webhook listener: every route and middleware, without a socket.
/// Tests drive it directly (`.router`); ``buildListener(store:configuration:address:logger:onListening:)``
/// serves it.
public func buildRouter(
    store: any Store, authToken: String, publicURL: PublicURL, maxBodyBytes: Int = 64 * 1024, webhookLog: WebhookLog? = nil,
    metrics: ListenerMetrics? = nil, metricsPublic: Bool = false
) -> Router<ListenerRequestContext> {
    let router = Router(context: ListenerRequestContext.self)
    typealias Controller = WebhookController<ListenerRequestContext>
    router.add(middleware: WebhookObserverMiddleware(
        paths: [Controller.inboundPath, Controller.statusPath], log: webhookLog, metrics: metrics))
    if let metrics {
        store.observeCommitBatches { metrics.recordBatch(size: $0) }
        MetricsRoute(metrics: metrics, store: store, isPublic: metricsPublic).addRoutes(to: router)
    }
    WebhookController(store: store, authToken: authToken, publicURL: publicURL, maxBodyBytes: maxBodyBytes)
        .addRoutes(to: router)
    return router
}

/// The webhook listener as an application: the routes and the socket. The composition root
/// (`buildServices` in the `switchboard` executable) runs it beside the tier engine, the
/// checkpoints and the offer-expiry sweep.
///
/// `address` learns `http://HOST:PORT` once the socket accepts connections (with the real
/// port when `configuration.port` is `0`); `onListening` is called then too.
public func buildListener(
    store: any Store, configuration: ListenerConfiguration, address: ListenerAddress? = nil,
    logger: Logger = Logger(label: "switchboard.webhook"),
    onListening: @escaping @Sendable (String) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let address = address ?? ListenerAddress(configuration.publicURL)
    let router = buildRouter(
        store: store, authToken: configuration.authToken, publicURL: address, maxBodyBytes: configuration.maxBodyBytes,
        webhookLog: configuration.webhookLog, metrics: ListenerMetrics(), metricsPublic: configuration.metricsPublic)
    let host = configuration.host
    let connections = ConnectionGuard(
        limit: ConnectionGuard.connectionLimit(wanted: configuration.maxConnections),
        requestReadTimeout: configuration.requestReadTimeout)
    return Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [connections.makeHandler()], idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "switchboard"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let bound = "http://\(host):\(port)"
            address.setBound(bound)
            await onListening(bound)
        },
        logger: logger)
}
