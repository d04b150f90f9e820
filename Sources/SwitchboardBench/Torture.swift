import Foundation
import GRDB
import SwitchboardCore
import SwitchboardWebhook

#if canImport(Glibc)
import Glibc
#endif

/// The reliability figures of issue 13, against a running listener on loopback: idle
/// connections held while real webhooks are answered, a malformed corpus (no 5xx), the WAL
/// after a forged flood, receipt rows after many redeliveries of one request, and the
/// listener's memory across rounds. Every phase is bounded in count and time.
public struct Torture: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var authToken: String
        /// The listener's database, read (never written) for WAL size and receipt rows.
        public var databasePath: String
        /// The listener's process, for its resident memory; nil skips the memory figures.
        public var pid: Int32?
        public var idleConnections: Int
        public var malformedRounds: Int
        public var malformedPerRound: Int
        public var floodRequests: Int
        public var redeliveries: Int

        public init(
            host: String, port: Int, authToken: String, databasePath: String, pid: Int32?, idleConnections: Int = 1_100,
            malformedRounds: Int = 4, malformedPerRound: Int = 2_500, floodRequests: Int = 20_000, redeliveries: Int = 10_000
        ) {
            self.host = host
            self.port = port
            self.authToken = authToken
            self.databasePath = databasePath
            self.pid = pid
            self.idleConnections = idleConnections
            self.malformedRounds = malformedRounds
            self.malformedPerRound = malformedPerRound
            self.floodRequests = floodRequests
            self.redeliveries = redeliveries
        }
    }

    let options: Options
    let runID = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    public init(options: Options) {
        self.options = options
    }

    /// Runs every phase and returns the report, one figure a line.
    public func run(log: (String) -> Void) -> [String] {
        var report: [String] = []
        func say(_ line: String) {
            report.append(line)
            log(line)
        }
        say(idlePhase())
        for line in malformedPhase() { say(line) }
        for line in floodPhase() { say(line) }
        say(redeliveryPhase())
        return report
    }

    // MARK: - Phases

    /// Holds `idleConnections` silent connections, then sends three real webhooks.
    func idlePhase() -> String {
        var idle: [KeepAliveClient] = []
        var refused = 0
        for _ in 0..<options.idleConnections {
            if let client = try? KeepAliveClient(host: options.host, port: options.port) { idle.append(client) } else { refused += 1 }
        }
        var answered = 0
        var slowest = Duration.zero
        for index in 0..<3 {
            let start = ContinuousClock.now
            if let client = try? KeepAliveClient(host: options.host, port: options.port, timeout: .seconds(10)),
                let response = try? client.exchange(signedInbound(sid: "SMidle\(runID)\(index)")), response.status == 200
            {
                answered += 1
            }
            slowest = max(slowest, ContinuousClock.now - start)
        }
        return "idle: \(idle.count) idle connections open (\(refused) could not connect); real webhooks answered \(answered)/3, slowest \(milliseconds(slowest)) ms"
    }

    /// Rounds of malformed requests; the listener's RSS after each.
    func malformedPhase() -> [String] {
        var lines: [String] = []
        var byClass: [Int: Int] = [:]
        var failures = 0
        let corpus = Self.malformedCorpus
        lines.append("malformed: rss before \(rss().map { "\($0 / 1024) KiB" } ?? "n/a")")
        for round in 1...max(1, options.malformedRounds) {
            for index in 0..<options.malformedPerRound {
                let request = corpus[index % corpus.count]
                guard let client = try? KeepAliveClient(host: options.host, port: options.port, timeout: .seconds(10)),
                    let response = try? client.exchange(Array(request.utf8))
                else {
                    failures += 1
                    continue
                }
                byClass[response.status / 100, default: 0] += 1
            }
            lines.append("malformed: round \(round): rss \(rss().map { "\($0 / 1024) KiB" } ?? "n/a")")
        }
        let total = options.malformedRounds * options.malformedPerRound
        lines.append(
            "malformed: \(total) cases (\(corpus.count) kinds): 4xx \(byClass[4] ?? 0), 5xx \(byClass[5] ?? 0), 2xx \(byClass[2] ?? 0), no answer \(failures)")
        return lines
    }

    /// Forged webhooks on keep-alive connections; the WAL's size right after and once idle.
    func floodPhase() -> [String] {
        let body = "MessageSid=SMforged&From=%2B15550000001&To=%2B15550000002&Body=" + String(repeating: "x", count: 900)
        let request = Array(
            ("POST /api/twilio/inbound HTTP/1.1\r\nHost: \(options.host)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "X-Twilio-Signature: forged\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
        var client = try? KeepAliveClient(host: options.host, port: options.port, timeout: .seconds(10))
        var forbidden = 0
        let start = ContinuousClock.now
        for _ in 0..<options.floodRequests {
            if client == nil { client = try? KeepAliveClient(host: options.host, port: options.port, timeout: .seconds(10)) }
            if let response = try? client?.exchange(request) {
                if response.status == 403 { forbidden += 1 }
            } else {
                client = nil
            }
        }
        let elapsed = ContinuousClock.now - start
        let walAfter = walBytes()
        var walIdle = walAfter
        for _ in 0..<50 where walIdle > 0 {
            Thread.sleep(forTimeInterval: 0.1)
            walIdle = walBytes()
        }
        return [
            "flood: \(options.floodRequests) forged webhooks in \(milliseconds(elapsed)) ms, \(forbidden) answered 403",
            "flood: WAL \(walAfter) bytes right after, \(walIdle) bytes once idle; database \(fileSize(options.databasePath)) bytes",
        ]
    }

    /// One signed inbound SMS, then `redeliveries` repeats of it; its receipt rows.
    func redeliveryPhase() -> String {
        let sid = "SMredeliver\(runID)"
        let request = signedInbound(sid: sid)
        var client = try? KeepAliveClient(host: options.host, port: options.port, timeout: .seconds(10))
        var same = 0
        var first: String?
        for _ in 0...options.redeliveries {
            if client == nil { client = try? KeepAliveClient(host: options.host, port: options.port, timeout: .seconds(10)) }
            guard let response = try? client?.exchange(request) else {
                client = nil
                continue
            }
            if first == nil { first = response.body } else if response.body == first && response.status == 200 { same += 1 }
        }
        let rows = (try? readOnly { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook_receipt WHERE message_sid = ?", arguments: [sid]) ?? 0
        }) ?? -1
        return "redeliveries: \(options.redeliveries) repeats, \(same) answered with the first answer; receipt rows for the message: \(rows)"
    }

    // MARK: - Requests

    func signedInbound(sid: String) -> [UInt8] {
        var form = FormParameters()
        form.append("Body", "torture")
        form.append("From", "+15550009999")
        form.append("MessageSid", sid)
        form.append("To", "+15550100100")
        let encoded = form.encoded()
        let url = "http://\(options.host):\(options.port)/api/twilio/inbound"
        let signature = TwilioSignature(authToken: options.authToken).sign(url: url, parameters: form)
        return Array(
            ("POST /api/twilio/inbound HTTP/1.1\r\nHost: \(options.host)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "X-Twilio-Signature: \(signature)\r\nContent-Length: \(encoded.utf8.count)\r\n\r\n" + encoded).utf8)
    }

    /// Requests a listener must refuse with a 4xx: broken framing, bad forms, forgeries.
    static let malformedCorpus: [String] = {
        let post = "POST /api/twilio/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        let framing = [
            ("Transfer-Encoding: chunked", "zz\r\nabc\r\n0\r\n\r\n"),
            ("Transfer-Encoding: chunked", "-5\r\nabcde\r\n0\r\n\r\n"),
            ("Transfer-Encoding: chunked", "fffffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            ("Transfer-Encoding: chunked", "3\nabc\n0\n\n"),
            ("Transfer-Encoding: identity", "3\r\nabc\r\n0\r\n\r\n"),
            ("Transfer-Encoding: gzip, chunked", "3\r\nabc\r\n0\r\n\r\n"),
            ("Transfer-Encoding: chunked\r\nContent-Length: 3", "3\r\nabc\r\n0\r\n\r\n"),
            ("Transfer-Encoding: chunked", "3\r\nabcXY0\r\n\r\n"),
        ].map { post + $0.0 + "\r\n\r\n" + $0.1 }
        let forms = ["MessageSid=SM1&Body=100%", "MessageSid=SM1&Body=%FF%FE", "MessageSid=SM1&Body=a%00b", "Body=only", "=&&=="]
            .map { post + "X-Twilio-Signature: forged\r\nContent-Length: \($0.utf8.count)\r\n\r\n" + $0 }
        let others = [
            "POST /api/twilio/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "GET /api/twilio/inbound HTTP/1.1\r\nHost: x\r\n\r\n",
            post + "Content-Length: 99999999\r\n\r\nabc",
        ]
        return framing + forms + others
    }()

    // MARK: - Measurements

    func walBytes() -> Int { fileSize(options.databasePath + "-wal") }

    func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// The listener's resident memory in bytes, from `/proc/PID/status`.
    func rss() -> Int? {
        guard let pid = options.pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "").map { $0 * 1024 }
    }

    func readOnly<T>(_ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: options.databasePath, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
