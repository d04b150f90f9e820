/// How the webhook listener is set up.
public struct ListenerConfiguration: Sendable {
    /// The address to bind: `127.0.0.1` by default, so nothing outside this machine reaches
    /// it unless asked to.
    public var host: String
    /// The port to bind; `0` picks a free one.
    public var port: Int
    /// The URL Twilio calls, without the path (`https://abc.ngrok.app`): what signatures are
    /// checked against. Nil means the listener's own address, `http://HOST:PORT`.
    public var publicURL: String?
    /// The Twilio auth token that signs webhooks. Never logged.
    public var authToken: String
    /// Bodies larger than this are refused with `413`.
    public var maxBodyBytes: Int
    /// How often pending offers past their expiry are swept; nil turns the sweep off.
    public var offerSweepInterval: Duration?
    /// A connection with no request for this long is closed (Hummingbird's idle timeout): a
    /// header that is still arriving does not count as a request.
    public var idleTimeout: Duration = .seconds(10)
    /// How long a request may take to arrive whole once its head has.
    public var requestReadTimeout: Duration = .seconds(10)
    /// The most connections open at once; never more than the file descriptors allow (see
    /// ``ConnectionGuard``).
    public var maxConnections: Int = 4096
    /// Where one line per webhook goes; nil logs nothing per webhook.
    public var webhookLog: WebhookLog?
    /// Answer `GET /metrics` to any address, not only to loopback.
    public var metricsPublic = false

    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, authToken: String,
        maxBodyBytes: Int = 64 * 1024, offerSweepInterval: Duration? = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.authToken = authToken
        self.maxBodyBytes = maxBodyBytes
        self.offerSweepInterval = offerSweepInterval
    }
}
