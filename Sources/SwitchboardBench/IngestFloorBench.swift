import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `bench ingest --floor`: the store's part of a webhook beside its floor.
///
/// The real store path is the store's `ingest` (group commit, a savepoint per webhook, the
/// receipt, the answer rendered by the webhook layer's TwiML renderer) driven directly by
/// `concurrency` tasks, without HTTP, form parsing or signature checks. The floor is the same
/// statements through SQLite's C API (``IngestFloor``): the real path runs once on a copy of
/// the database with a statement capture on, and the capture is replayed on a second,
/// pristine copy. A third pristine copy takes the measured real run, without the capture.
public struct IngestFloorBench: Sendable {
    public struct Options: Sendable {
        public var databasePath: String
        public var requests: Int
        public var concurrency: Int
        /// Only the store path, once, without the capture and the floor: for a profiler.
        public var storeOnly: Bool

        public init(databasePath: String, requests: Int, concurrency: Int, storeOnly: Bool = false) {
            self.databasePath = databasePath
            self.requests = requests
            self.concurrency = concurrency
            self.storeOnly = storeOnly
        }
    }

    /// One side's cost.
    public struct Figures: Sendable {
        public var webhooks: Int
        public var cpuSeconds: Double
        public var wallSeconds: Double

        public var cpuMicrosecondsPerWebhook: Double { cpuSeconds * 1e6 / Double(webhooks) }
        public var webhooksPerSecond: Double { Double(webhooks) / wallSeconds }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var store: Figures
        /// Nil when only the store path ran.
        public var floor: Figures?
        public var statements: Int
        public var commits: Int
        public var floorFailures: Int
        public var answered: Int
        /// Each statement the store executed, with how many times: the floor's work.
        public var executions: [(template: String, count: Int)]

        /// CPU per webhook of the store path ÷ the floor's (target ≤ 1.5).
        public var cpuRatio: Double? { floor.map { store.cpuMicrosecondsPerWebhook / $0.cpuMicrosecondsPerWebhook } }

        public var description: String {
            func line(_ name: String, _ figures: Figures) -> String {
                String(
                    format: "  %@ %7.1f µs CPU per webhook  %8.0f webhooks/s  (%d webhooks, %.2f s CPU, %.2f s wall)",
                    name, figures.cpuMicrosecondsPerWebhook, figures.webhooksPerSecond, figures.webhooks, figures.cpuSeconds,
                    figures.wallSeconds)
            }
            guard let floor, let cpuRatio else {
                return "ingest without HTTP (synchronous=FULL, WAL, group commit):\n" + line("store (GRDB) ", store)
                    + "\n  \(answered) answered 200"
            }
            return "ingest without HTTP, the store part beside its floor (synchronous=FULL, WAL, group commit):\n"
                + line("store (GRDB) ", store) + "\n"
                + line("floor (C API)", floor) + "\n"
                + String(
                    format: "  ratio store ÷ floor: %.2f× CPU per webhook, %.2f× webhooks/s (target: CPU ≤ 1.5×)\n",
                    cpuRatio, floor.webhooksPerSecond / store.webhooksPerSecond)
                + String(
                    format: "  replayed %d statements in %d transactions (%.1f webhooks a commit, %.1f statements a webhook); %d answered 200, %d replay failures",
                    statements, commits, Double(store.webhooks) / Double(max(commits, 1)),
                    Double(statements) / Double(store.webhooks), answered, floorFailures)
                + "\n  statements executed per webhook:\n"
                + executions.map { execution in
                    let text = execution.template.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    return String(format: "  %6.2f  ", Double(execution.count) / Double(store.webhooks)) + String(text.prefix(100))
                }.joined(separator: "\n")
        }
    }

    let options: Options

    public init(options: Options) { self.options = options }

    public func run() async throws -> Report {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-floor-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let capturePath = try copy(to: scratch, named: "capture.sqlite")
        let captureStore = try AppDatabase.open(path: capturePath)
        let (sitters, clients) = try captureStore.population()
        let webhooks = makeWebhooks(sitters: max(sitters, 1), clients: max(clients, 1))
        if options.storeOnly {
            let (answered, store) = try await drive(captureStore, webhooks)
            return Report(
                store: store, floor: nil, statements: 0, commits: 0, floorFailures: 0, answered: answered, executions: [])
        }
        let storePath = try copy(to: scratch, named: "store.sqlite")
        let floorPath = try copy(to: scratch, named: "floor.sqlite")

        let (_, capture) = try await captureStore.capturingStatements { try await drive(captureStore, webhooks) }
        let (answered, store) = try await drive(AppDatabase.open(path: storePath), webhooks)
        let floorRun = try await Task.detached { try IngestFloor.replay(capture, at: floorPath) }.value
        return Report(
            store: store,
            floor: Figures(webhooks: webhooks.count, cpuSeconds: floorRun.cpuSeconds, wallSeconds: floorRun.wallSeconds),
            statements: floorRun.statements, commits: floorRun.commits, floorFailures: floorRun.failures, answered: answered,
            executions: capture.executionCounts)
    }

    /// A webhook as the listener hands it to the store once its signature and form are checked.
    struct Ready: Sendable {
        var sms: InboundSMS
        var received: ReceivedWebhook
    }

    func makeWebhooks(sitters: Int, clients: Int) -> [Ready] {
        let url = URL(string: "http://127.0.0.1:8080/api/twilio/inbound")!
        let load = IngestLoad(
            options: .init(
                url: url, authToken: "floor-bench", requests: options.requests, concurrency: options.concurrency,
                sitters: sitters, clients: clients, runID: "f1008b1e"))
        return load.webhooks().map { webhook in
            let headers = ReceiptHeaders(
                signature: webhook.signature, contentType: "application/x-www-form-urlencoded", userAgent: "TwilioProxy/1.1")
            return Ready(
                sms: try! InboundSMS(form: webhook.form),
                received: ReceivedWebhook(path: load.path, rawBody: webhook.form.encoded(), headers: headers))
        }
    }

    /// Ingests every webhook through the store, `concurrency` at a time; returns how many were
    /// answered 200 and what it cost this process.
    func drive(_ store: AppDatabase, _ webhooks: [Ready]) async throws -> (answered: Int, figures: Figures) {
        let answers = TwiMLAnswers(publicURL: "http://127.0.0.1:8080/api/twilio/inbound")
        let next = Counter()
        let started = ProcessClock.now()
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<options.concurrency {
                group.addTask {
                    var ok = 0
                    while true {
                        let index = next.take()
                        guard index < webhooks.count else { return ok }
                        var received = webhooks[index].received
                        received.arrivedAt = .now
                        let answer = try await store.ingest(webhooks[index].sms, received: received, answer: answers.inbound)
                        if answer.statusCode == 200 { ok += 1 }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let finished = ProcessClock.now()
        return (answered, Figures(webhooks: webhooks.count, cpuSeconds: finished.cpu - started.cpu, wallSeconds: finished.wall - started.wall))
    }

    /// Copies the database (and its WAL, when there is one) into `folder`.
    private func copy(to folder: URL, named name: String) throws -> String {
        let target = folder.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: options.databasePath, toPath: target)
        if FileManager.default.fileExists(atPath: options.databasePath + "-wal") {
            try FileManager.default.copyItem(atPath: options.databasePath + "-wal", toPath: target + "-wal")
        }
        return target
    }
}
