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
