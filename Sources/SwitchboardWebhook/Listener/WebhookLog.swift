import Foundation
import Hummingbird
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// One line per webhook: time, verdict, status, `MessageSid` and milliseconds; never the
/// body, the phone numbers or the token.
///
/// Refusals (4xx), failures (5xx) and duplicates come from strangers (or a replayed
/// capture) as much as from Twilio, so they are logged at most once per verdict and minute,
/// the line saying how many more there were: a flood cannot grow the log. Each new message
/// (accepted, unrouted, unknown) has its line.
public struct WebhookLog: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public let format: Format
    /// False leaves the time out of text lines, for a log handler that stamps its own.
    public let timestamped: Bool
    let write: @Sendable (String) -> Void
    let throttle: LogThrottle

    /// - Parameter write: takes one line, without its newline.
    public init(
        format: Format, timestamped: Bool = true, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        write: @escaping @Sendable (String) -> Void
    ) {
        self.format = format
        self.timestamped = timestamped
        self.write = write
        self.throttle = LogThrottle(interval: .seconds(60), now: clock)
    }

    /// Logs one answered webhook. `verdict` is nil when nothing decided one (a failure).
    func record(verdict: WebhookVerdict?, status: Int, messageSid: String?, milliseconds: Double, at date: Date = Date()) {
        let name = verdict?.rawValue ?? (status >= 500 ? "failed" : "refused")
        var suppressed = 0
        if verdict.map({ $0.isRefusal || $0 == .duplicate }) ?? true {
            guard let earlier = throttle.admit(name) else { return }
            suppressed = earlier
        }
        write(line(verdict: name, status: status, messageSid: messageSid.map(Self.cleanSid), milliseconds: milliseconds, suppressed: suppressed, at: date))
    }

    func line(verdict: String, status: Int, messageSid: String?, milliseconds: Double, suppressed: Int, at date: Date) -> String {
        let time = format == .json || timestamped ? LogTimestamp.text(date) : ""
        let ms = (milliseconds * 10).rounded() / 10
        switch format {
        case .text:
            var text = (timestamped ? "\(time) " : "") + "\(verdict) \(status) \(messageSid ?? "-") \(ms)ms"
            if suppressed > 0 { text += " (+\(suppressed) more \(verdict) in the last minute, not logged)" }
            return text
        case .json:
            var text = "{\"time\":\"\(time)\",\"verdict\":\"\(verdict)\",\"status\":\(status),\"message_sid\":"
            text += messageSid.map { "\"\($0)\"" } ?? "null"
            text += ",\"ms\":\(ms)"
            if suppressed > 0 { text += ",\"suppressed\":\(suppressed)" }
            return text + "}"
        }
    }

    /// A `MessageSid` as it may appear in a log: letters and digits only, at most 64 of them,
    /// so a forged value cannot inject lines, escapes or JSON.
    static func cleanSid(_ sid: String) -> String {
        // Byte by byte: every byte of a scalar beyond ASCII is 0x80 or more, so it is dropped.
        var kept: [UInt8] = []
        kept.reserveCapacity(min(sid.utf8.count, 64))
        for byte in sid.utf8 where kept.count < 64 {
            if (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) { kept.append(byte) }
        }
        return String(decoding: kept, as: UTF8.self)
    }
}

/// Admits one event per key and interval, counting the others.
final class LogThrottle: Sendable {
    private let interval: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let windows = Mutex<[String: (start: ContinuousClock.Instant, suppressed: Int)]>([:])

    init(interval: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.interval = interval
        self.now = now
    }

    /// Nil when `key` was admitted less than an interval ago (the event is counted);
    /// otherwise how many were suppressed since the last admitted one.
    func admit(_ key: String) -> Int? {
        let instant = now()
        return windows.withLock { windows in
            if let window = windows[key], instant < window.start + interval {
                windows[key]?.suppressed += 1
                return nil
            }
            let suppressed = windows[key]?.suppressed ?? 0
            windows[key] = (instant, 0)
            return suppressed
        }
    }
}

/// What the controller decided about the request in hand, for the log line and the
/// metrics written once it is answered.
final class WebhookOutcome: Sendable {
    @TaskLocal static var current: WebhookOutcome?

    private let value = Mutex<(verdict: WebhookVerdict?, messageSid: String?)>((nil, nil))

    var verdict: WebhookVerdict? { value.withLock { $0.verdict } }
    var messageSid: String? { value.withLock { $0.messageSid } }

    static func note(_ verdict: WebhookVerdict, messageSid: String? = nil) {
        current?.value.withLock { $0 = (verdict, messageSid ?? $0.messageSid) }
    }
}

/// Times every webhook and reports it once answered: to the log and to the metrics.
struct WebhookObserverMiddleware<Context: RequestContext>: RouterMiddleware {
    let paths: Set<String>
    let log: WebhookLog?
    let metrics: ListenerMetrics?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard paths.contains(request.uri.path) else { return try await next(request, context) }
        let outcome = WebhookOutcome()
        let start = ContinuousClock.now
        let response = try await WebhookOutcome.$current.withValue(outcome) { try await next(request, context) }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        log?.record(verdict: outcome.verdict, status: response.status.code, messageSid: outcome.messageSid, milliseconds: milliseconds)
        metrics?.recordWebhook(verdict: outcome.verdict, status: response.status.code, duration: elapsed)
        return response
    }
}
