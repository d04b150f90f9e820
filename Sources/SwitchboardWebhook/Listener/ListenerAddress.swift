import Synchronization

/// Where the listener is: the one holder of its address, which is known only once its
/// socket is bound (`--port 0`).
///
/// The listener sets the bound address; the signature check reads ``current`` (the public
/// URL Twilio signs: the configured one, else the bound address); the console waits for the
/// bound address to show it in the status bar, and its "simulate YES/NO" posts to
/// ``current``.
public final class ListenerAddress: Sendable {
    private struct Addresses {
        var configured: String?
        var bound: String?
    }

    private let addresses: Mutex<Addresses>
    private let announcements: AsyncStream<String>
    private let announce: AsyncStream<String>.Continuation

    /// - Parameter publicURL: the URL Twilio calls, without the path; nil means the
    ///   listener's own address once bound.
    public init(_ publicURL: String?) {
        addresses = Mutex(Addresses(configured: publicURL.map(Self.trimmed)))
        (announcements, announce) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The public URL webhooks are signed for: the configured one, else the bound address.
    public var current: String? { addresses.withLock { $0.configured ?? $0.bound } }

    /// `http://HOST:PORT` once the socket accepts connections.
    public var bound: String? { addresses.withLock { $0.bound } }

    /// Called by the listener once its socket is bound.
    func setBound(_ address: String) {
        addresses.withLock { $0.bound = Self.trimmed(address) }
        announce.yield(address)
    }

    /// The bound address, once there is one; nil when the waiting task is cancelled first
    /// (the listener failed to start). One waiter only.
    public func waitUntilBound() async -> String? {
        if let bound { return bound }
        for await address in announcements { return address }
        return nil
    }

    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// The name the signature check knows the address by.
public typealias PublicURL = ListenerAddress
