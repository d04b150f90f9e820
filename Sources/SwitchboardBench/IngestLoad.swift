import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `bench ingest`: sends N distinct signed inbound webhooks over C keep-alive connections and
/// reports throughput, latency percentiles and non-200 answers; then checks that every
/// message answered `200` is in the database.
///
/// Senders and recipients follow ``DatabaseGenerator``'s numbering, so the requests route
/// the way real traffic to a `bench gen` database would: clients texting their sitter's
/// masked number and the front desk, sitters texting the front desk, YES/NO answers.
public struct IngestLoad: Sendable {
    public struct Options: Sendable {
        public var url: URL
        public var authToken: String
        public var requests: Int
        public var concurrency: Int
        public var sitters: Int
        public var clients: Int
        public var runID: String
        /// Requests per second across all connections, or nil to send as fast as answered.
        public var rate: Double?

        public init(
            url: URL, authToken: String, requests: Int, concurrency: Int, sitters: Int, clients: Int, runID: String,
            rate: Double? = nil
        ) {
            self.url = url
            self.authToken = authToken
            self.requests = requests
            self.concurrency = concurrency
            self.sitters = sitters
            self.clients = clients
            self.runID = runID
            self.rate = rate
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var requests: Int
        public var seconds: Double
        public var latenciesMs: [Double]
        public var statusCounts: [Int: Int]
        public var transportErrors: Int
        public var acceptedSids: [String]

        public var requestsPerSecond: Double { Double(requests) / seconds }
        public var nonOK: Int { requests - (statusCounts[200] ?? 0) }

        public var description: String {
            let sorted = latenciesMs.sorted()
            func ms(_ p: Double) -> String { String(format: "%.2f ms", Statistics.percentile(sorted, p)) }
            let statuses = statusCounts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            return String(format: "%d requests in %.2f s: %.0f req/s", requests, seconds, requestsPerSecond)
                + "\nlatency p50 \(ms(50)), p90 \(ms(90)), p99 \(ms(99)), max \(ms(100))"
                + "\nstatuses \(statuses); non-200: \(nonOK); connection errors: \(transportErrors)"
        }
    }

    static let clientBodies = [
        "Hi! Could you walk Biscuit tomorrow around noon? 🐕", "Is the overnight still on for Saturday?",
        "Luna threw up a little this morning 😟 should I worry?", "Key is under the blue pot 🔑",
        "Merci ! Elle a adoré la promenade 🐾", "明日の散歩は10時で大丈夫ですか？", "Thanks so much!! 🙏🐶🐱",
    ]
    static let sitterBodies = ["YES", "Y", "NO", "ACCEPT B100042", "Running 10 min late 🚲", "Done with the walk, all good 👍"]

    let options: Options

    public init(options: Options) { self.options = options }

    /// One signed request's bytes and the `MessageSid` it carries.
    struct Prepared {
        var bytes: [UInt8]
        var sid: String
    }

    /// One signed webhook: its form, the signature of `url` + form, and its `MessageSid`.
    struct SignedWebhook {
        var form: FormParameters
        var signature: String
        var sid: String
    }

    /// The path the webhooks are posted to.
    var path: String { options.url.path.isEmpty ? "/api/twilio/inbound" : options.url.path }

    /// The run's webhooks, signed for ``Options/url``: the same for the same options.
    func webhooks() -> [SignedWebhook] {
        let signer = TwilioSignature(authToken: options.authToken)
        let signedURL = options.url.absoluteString
        var generator = SplitMix64(seed: 7)
        return (0..<options.requests).map { index in
            let roll = generator.next() % 100
            let sitter = Int(generator.next() % UInt64(options.sitters)) + 1
            let client = Int(generator.next() % UInt64(options.clients)) + 1
            let from: String, to: String, body: String
            switch roll {
            case 0..<70:
                (from, to) = (DatabaseGenerator.clientPhone(client), DatabaseGenerator.sitterNumber(sitter))
                body = Self.clientBodies[index % Self.clientBodies.count]
            case 70..<85:
                (from, to) = (DatabaseGenerator.clientPhone(client), DatabaseGenerator.frontDesk)
                body = Self.clientBodies[(index / 3) % Self.clientBodies.count]
            default:
                (from, to) = (DatabaseGenerator.sitterPhone(sitter), DatabaseGenerator.frontDesk)
                body = Self.sitterBodies[index % Self.sitterBodies.count]
            }
            let sid = "SM" + options.runID + String(format: "%012d", index)
            var form = FormParameters()
            form.append("AccountSid", "AC00000000000000000000000000000000")
            form.append("ApiVersion", "2010-04-01")
            form.append("Body", body)
            form.append("From", from)
            form.append("MessageSid", sid)
            form.append("NumMedia", "0")
            form.append("SmsMessageSid", sid)
            form.append("To", to)
            return SignedWebhook(form: form, signature: signer.sign(url: signedURL, parameters: form), sid: sid)
        }
    }

    /// Builds and signs every request before the clock starts: the run measures the server.
    func prepare() -> [Prepared] {
        let host = "\(options.url.host ?? "127.0.0.1"):\(options.url.port ?? 80)"
        return webhooks().map { webhook in
            let encoded = Array(webhook.form.encoded().utf8)
            let head = "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "X-Twilio-Signature: \(webhook.signature)\r\nUser-Agent: TwilioProxy/1.1\r\nContent-Length: \(encoded.count)\r\n\r\n"
            return Prepared(bytes: Array(head.utf8) + encoded, sid: webhook.sid)
        }
    }

    /// Runs the load: `concurrency` threads, each with its own keep-alive connection, take
    /// the next request until none is left. Blocks until the run is over.
    public func run() -> Report {
        let prepared = prepare()
        let host = options.url.host ?? "127.0.0.1"
        let port = options.url.port ?? 80
        let next = Counter()
        let results = ResultsBox(count: prepared.count)
        let clock = ContinuousClock()
        let started = clock.now
        // One thread per connection (not concurrentPerform, which caps parallelism at the
        // core count and would quietly lower the concurrency asked for).
        let done = DispatchGroup()
        for _ in 0..<options.concurrency {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                var client = try? KeepAliveClient(host: host, port: port)
                while true {
                    let index = next.take()
                    guard index < prepared.count else { return }
                    if let rate = options.rate {
                        // Paced: request i leaves at i / rate seconds after the start.
                        let due = started + .milliseconds(Int64(Double(index) * 1000 / rate))
                        let wait = due - clock.now
                        if wait > .zero {
                            Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
                        }
                    }
                    let sent = clock.now
                    do {
                        if client == nil { client = try KeepAliveClient(host: host, port: port) }
                        let response = try client!.exchange(prepared[index].bytes)
                        results.set(index, status: response.status, latency: clock.now - sent)
                    } catch {
                        client = nil
                        results.set(index, status: 0, latency: clock.now - sent)
                    }
                }
            }
            thread.start()
        }
        done.wait()
        let elapsed = clock.now - started
        let outcome = results.snapshot()
        var statusCounts: [Int: Int] = [:]
        for status in outcome.statuses where status != 0 { statusCounts[status, default: 0] += 1 }
        return Report(
            requests: prepared.count, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            latenciesMs: outcome.latencies.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 },
            statusCounts: statusCounts, transportErrors: outcome.statuses.filter { $0 == 0 }.count,
            acceptedSids: zip(prepared, outcome.statuses).filter { $0.1 == 200 }.map(\.0.sid))
    }

    /// What the database holds of a run's acknowledged webhooks.
    public struct Verification: Sendable, CustomStringConvertible {
        /// Answered `200` but with no receipt in the database: lost.
        public var missing: Int
        /// Stored more than once (receipts or messages).
        public var duplicated: Int
        /// Acknowledged webhooks stored as messages (the rest were unrouted or commands).
        public var storedAsMessages: Int

        public var description: String {
            "verified: \(missing) lost, \(duplicated) duplicated, \(storedAsMessages) stored as messages"
        }
    }

    /// Checks that every webhook answered `200` is in the database, once.
    public func verify(_ report: Report, in store: any Store) throws -> Verification {
        let (receipts, messages) = try store.storedCounts(messageSidPrefix: "SM" + options.runID)
        let missing = report.acceptedSids.filter { receipts[$0] == nil }.count
        let duplicated = receipts.values.filter { $0 > 1 }.count + messages.values.filter { $0 > 1 }.count
        return Verification(missing: missing, duplicated: duplicated, storedAsMessages: messages.count)
    }
}

/// The next request index, shared by the sender threads.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// Each request's status and latency, written by the thread that sent it.
final class ResultsBox: @unchecked Sendable {
    private var statuses: [Int]
    private var latencies: [Duration]
    private let lock = NSLock()

    init(count: Int) {
        statuses = Array(repeating: 0, count: count)
        latencies = Array(repeating: .zero, count: count)
    }

    func set(_ index: Int, status: Int, latency: Duration) {
        lock.lock()
        statuses[index] = status
        latencies[index] = latency
        lock.unlock()
    }

    func snapshot() -> (statuses: [Int], latencies: [Duration]) {
        lock.lock()
        defer { lock.unlock() }
        return (statuses, latencies)
    }
}
