import Foundation
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Keeps the listener reachable on the open internet: at most `limit` connections are
/// open at once, and when one more arrives the connection idle the longest (no request
/// being answered) is closed to make room. So idle sockets held by a stranger (or a
/// slowloris sending a header byte now and then) can never use up the file descriptors
/// that Twilio's next webhook needs; Hummingbird's idle timeout closes them anyway after
/// ``ListenerConfiguration/idleTimeout``.
///
/// It also closes a connection once a response carrying `Connection: close` is written
/// (a `413` or a malformed body), so a client sending 10 MiB is not left waiting.
public final class ConnectionGuard: Sendable {
    /// The most connections held at once.
    public let limit: Int
    /// How long a request may take to arrive whole once its head is in: a body sent a
    /// byte at a time keeps the idle timer fresh, this deadline does not move.
    public let requestReadTimeout: TimeAmount

    private struct Entry {
        var channel: any Channel
        /// When the connection last finished a response, or opened.
        var idleSince: ContinuousClock.Instant
        /// A request head has arrived and its response is not finished.
        var busy: Bool
    }

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
        var evicted = 0
    }

    private let state = Mutex(State())

    public init(limit: Int, requestReadTimeout: Duration = .seconds(10)) {
        self.limit = max(1, limit)
        self.requestReadTimeout = TimeAmount(requestReadTimeout)
    }

    /// Connections open now.
    public var openCount: Int { state.withLock { $0.open.count } }
    /// Idle connections closed to make room for new ones, since start.
    public var evictedCount: Int { state.withLock { $0.evicted } }

    /// The channel handler that reports one connection to this guard.
    func makeHandler() -> any RemovableChannelHandler {
        Handler(guard: self)
    }

    func opened(_ channel: any Channel) {
        let victim: (any Channel)? = state.withLock { state in
            state.open[ObjectIdentifier(channel)] = Entry(channel: channel, idleSince: .now, busy: false)
            guard state.open.count > limit else { return nil }
            let idle = state.open.filter { !$0.value.busy && $0.key != ObjectIdentifier(channel) }
            guard let oldest = idle.min(by: { $0.value.idleSince < $1.value.idleSince }) else { return nil }
            state.open[oldest.key] = nil
            state.evicted += 1
            return oldest.value.channel
        }
        victim?.close(promise: nil)
    }

    func closed(_ channel: any Channel) {
        state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func setBusy(_ channel: any Channel, _ busy: Bool) {
        state.withLock { state in
            guard var entry = state.open[ObjectIdentifier(channel)] else { return }
            entry.busy = busy
            if !busy { entry.idleSince = .now }
            state.open[ObjectIdentifier(channel)] = entry
        }
    }

    /// The soft limit on open file descriptors is raised to the hard one (Linux ships 1024
    /// soft), then the connection limit is what leaves `reserve` descriptors for the
    /// database, its WAL, logs and outbound requests.
    public static func connectionLimit(wanted: Int, reserve: Int = 64) -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return wanted }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        let available = Int(clamping: limits.rlim_cur) - reserve
        return max(16, min(wanted, available))
    }

    final class Handler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        let guardian: ConnectionGuard
        private var registered = false
        private var closeAfterResponse = false
        private var readDeadline: Scheduled<Void>?

        init(guard guardian: ConnectionGuard) {
            self.guardian = guardian
        }

        func handlerAdded(context: ChannelHandlerContext) {
            registered = true
            let channel = context.channel
            guardian.opened(channel)
            channel.closeFuture.whenComplete { [guardian] _ in guardian.closed(channel) }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            readDeadline?.cancel()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                guardian.setBusy(context.channel, true)
                let channel = context.channel
                readDeadline = context.eventLoop.scheduleTask(in: guardian.requestReadTimeout) { channel.close(promise: nil) }
            case .body:
                break
            case .end:
                readDeadline?.cancel()
                readDeadline = nil
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            switch unwrapOutboundIn(data) {
            case .head(let head):
                if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
                context.write(data, promise: promise)
            case .body:
                context.write(data, promise: promise)
            case .end:
                guardian.setBusy(context.channel, false)
                if closeAfterResponse {
                    context.writeAndFlush(data, promise: promise)
                    context.close(promise: nil)
                } else {
                    context.write(data, promise: promise)
                }
            }
        }
    }
}
