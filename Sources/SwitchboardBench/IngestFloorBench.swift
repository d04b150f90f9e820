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
        /// How many rounds of the store path beside its floor, each on fresh copies.
        public var runs: Int

        public init(databasePath: String, requests: Int, concurrency: Int, storeOnly: Bool = false, runs: Int = 1) {
            self.databasePath = databasePath
            self.requests = requests
            self.concurrency = concurrency
            self.storeOnly = storeOnly
            self.runs = max(1, runs)
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
        /// The store path's round with the median CPU per webhook (of an even number, the
        /// upper of the middle two).
        public var store: Figures
        /// The floor's round picked the same way; nil when only the store path ran.
        public var floor: Figures?
        /// Every round, the store path and its floor side by side.
        public var rounds: [(store: Figures, floor: Figures)] = []
        public var statements: Int
        public var commits: Int
        public var floorFailures: Int
        public var answered: Int
        /// Each statement the store executed, with how many times: the floor's work.
        public var executions: [(template: String, count: Int)]

        /// CPU per webhook of the store path ÷ the floor's (target ≤ 1.5): the median of the
        /// rounds' ratios.
        public var cpuRatio: Double? {
            rounds.isEmpty
                ? nil
                : Statistics.median(rounds.map { $0.store.cpuMicrosecondsPerWebhook / $0.floor.cpuMicrosecondsPerWebhook })
        }

        /// The floor's webhooks/s ÷ the store path's: the median of the rounds' ratios.
        public var throughputRatio: Double? {
            rounds.isEmpty ? nil : Statistics.median(rounds.map { $0.floor.webhooksPerSecond / $0.store.webhooksPerSecond })
        }

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
            let each = rounds.count < 2 ? "" : rounds.enumerated().map { index, round in
                String(
                    format: "  round %d: store %.1f µs, floor %.1f µs CPU per webhook: %.2f×\n", index + 1,
                    round.store.cpuMicrosecondsPerWebhook, round.floor.cpuMicrosecondsPerWebhook,
                    round.store.cpuMicrosecondsPerWebhook / round.floor.cpuMicrosecondsPerWebhook)
            }.joined()
            let medians = rounds.count < 2 ? "" : " (medians of \(rounds.count) rounds)"
            return "ingest without HTTP, the store part beside its floor (synchronous=FULL, WAL, group commit):\n"
                + each
                + line("store (GRDB) ", store) + "\n"
                + line("floor (C API)", floor) + "\n"
                + String(
                    format: "  ratio store ÷ floor%@: %.2f× CPU per webhook, %.2f× webhooks/s (target: CPU ≤ 1.5×)\n",
                    medians, cpuRatio, throughputRatio ?? 0)
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
        let (_, capture) = try await captureStore.capturingStatements { try await drive(captureStore, webhooks) }
        var rounds: [(store: Figures, floor: Figures)] = []
        var answered = 0
        var replay: IngestFloor.Run?
        for round in 0..<options.runs {
            let storePath = try copy(to: scratch, named: "store-\(round).sqlite")
            let floorPath = try copy(to: scratch, named: "floor-\(round).sqlite")
            func runStore() async throws -> Figures {
                let (count, figures) = try await drive(AppDatabase.open(path: storePath), webhooks)
                answered = count
                return figures
            }
            func runFloor() async throws -> Figures {
                let run = try await Task.detached { try IngestFloor.replay(capture, at: floorPath) }.value
                replay = run
                return Figures(webhooks: webhooks.count, cpuSeconds: run.cpuSeconds, wallSeconds: run.wallSeconds)
            }
            // Each goes first in every other round, so a machine slowing down weighs on both.
            if round.isMultiple(of: 2) {
                let store = try await runStore()
                rounds.append((store, try await runFloor()))
            } else {
                let floor = try await runFloor()
                rounds.append((try await runStore(), floor))
            }
            for path in [storePath, floorPath] { removeCopy(path) }
        }
        let byStore = rounds.map(\.store).sorted { $0.cpuSeconds < $1.cpuSeconds }
        let byFloor = rounds.map(\.floor).sorted { $0.cpuSeconds < $1.cpuSeconds }
        return Report(
            store: byStore[byStore.count / 2], floor: byFloor[byFloor.count / 2], rounds: rounds,
            statements: replay?.statements ?? 0, commits: replay?.commits ?? 0, floorFailures: replay?.failures ?? 0,
            answered: answered, executions: capture.executionCounts)
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

    /// Removes a copy made by ``copy(to:named:)`` and its WAL and shared memory.
    private func removeCopy(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
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
