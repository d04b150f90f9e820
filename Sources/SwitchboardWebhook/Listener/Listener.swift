import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardStore

/// The router of the webhook listener: every route and middleware, without a socket.
/// Tests drive it directly (`.router`); ``buildListener(store:configuration:logger:onListening:)``
/// serves it.
public func buildRouter(store: AppDatabase, authToken: String, publicURL: PublicURL, maxBodyBytes: Int = 64 * 1024)
    -> Router<BasicRequestContext>
{
    let router = Router()
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
        store: store, authToken: configuration.authToken, publicURL: publicURL, maxBodyBytes: configuration.maxBodyBytes)
    var services: [any Service] = []
    if let interval = configuration.offerSweepInterval {
        services.append(OfferExpiryService(store: store, interval: interval, logger: logger))
    }
    let host = configuration.host
    return Application(
        router: router,
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
