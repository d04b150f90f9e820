import Foundation
import GRDB
import SwitchboardCore

/// Builds a realistic large database for benchmarks (`switchboard bench gen`). It writes
/// rows in bulk with SQL, so it lives with the store, behind one intent: ``generate(at:)``.
///
/// Builds a realistic large database for benchmarks: sitters, clients, threads across every
/// scope, message history with response links, and offers.
///
/// Rows go in through prepared statements in one transaction, with foreign-key checks and
/// durability off for the bulk load only (it is a fresh file: a crash just means running it
/// again). A million messages take seconds.
public struct DatabaseGenerator {
    public struct Plan: Sendable {
        public var threads: Int
        public var messages: Int
        public var sitters: Int
        public var clients: Int
        /// Thread 1 gets this many messages: the "long thread" of the console benchmark.
        public var longThreadMessages: Int
        public var seed: UInt64

        /// - Parameter sitters: how many sitters; by default one per thousand threads
        ///   (6 to 200), but fix it to compare databases of one business at two sizes.
        public init(threads: Int, messages: Int, sitters: Int? = nil, seed: UInt64 = 42) {
            self.threads = threads
            self.messages = messages
            self.sitters = sitters ?? max(6, min(200, threads / 1000))
            self.clients = max(30, threads / 2)
            self.longThreadMessages = min(messages / 10, 5_000)
            self.seed = seed
        }
    }

    public struct Summary: Sendable, CustomStringConvertible {
        public var sitters = 0, clients = 0, threads = 0, messages = 0, links = 0, offers = 0
        public var description: String {
            "\(sitters) sitters, \(clients) clients, \(threads) threads, \(messages) messages, \(links) response links, \(offers) offers"
        }
    }

    public static let frontDesk = "+15550100100"
    public static func sitterPhone(_ index: Int) -> String { "+1555020\(String(format: "%04d", index))" }
    public static func sitterNumber(_ index: Int) -> String { "+1555030\(String(format: "%04d", index))" }
    public static func clientPhone(_ index: Int) -> String { "+1556\(String(format: "%07d", index))" }

    static let clientBodies = [
        "Hi! Could you walk Biscuit tomorrow around noon? 🐕", "Is the overnight still on for Saturday?",
        "Luna threw up a little this morning, should I worry?", "Key is under the blue pot 🔑",
        "Can you send a photo when you get a chance? 📸", "Merci ! Elle a adoré la promenade 🐾",
        "We're running 20 minutes late, sorry!", "明日の散歩は10時で大丈夫ですか？", "Thanks so much!! 🙏",
        "Half a cup of food only please, she's on a diet",
    ]
    static let sitterBodies = [
        "Of course! I'll be there at 12 sharp.", "Yes, all set for Saturday ☀️", "Keep an eye on it; I'll check at 3.",
        "Here you go! Napping in the sun 😊", "No problem at all.", "Noted 👍", "On my way now", "YES", "Y B1042",
    ]

    public let plan: Plan

    public init(plan: Plan) { self.plan = plan }

    /// Generates into a new database file at `path` (refused if the file exists).
    public func generate(at path: String) throws -> Summary {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.refused, "\(path) already exists; bench gen writes a new database, so pass a new --db path")
        }
        let store = try AppDatabase.open(path: path)
        var rng = SplitMix64(seed: plan.seed)
        var summary = Summary()
        let now = Date()
        try store.writer.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL") }
            try db.inTransaction {
                try fill(db, now: now, rng: &rng, summary: &summary)
                return .commit
            }
        }
        try store.writer.write { db in
            if let orgId = try AppDatabase.primaryOrg(db)?.id {
                for sitter in try AppDatabase.sitters(db, orgId: orgId) {
                    try store.recomputeSitterMetrics(db, sitterId: sitter.id!, now: now)
                }
            }
            try db.execute(sql: "DELETE FROM metrics_stale")
        }
        try (store.writer as? DatabasePool)?.close()
        return summary
    }

    private func fill(_ db: Database, now: Date, rng: inout SplitMix64, summary: inout Summary) throws {
        try db.execute(sql: "INSERT INTO org (id, name) VALUES (1, 'Benchmark Pet Care')")
        try db.execute(sql: "INSERT INTO message_number (org_id, e164, number_class) VALUES (1, ?, 'front_desk')", arguments: [Self.frontDesk])
        for index in 1...plan.sitters {
            try db.execute(
                sql: "INSERT INTO sitter (id, org_id, name, phone_e164) VALUES (?, 1, ?, ?)",
                arguments: [index, "Sitter \(index)", Self.sitterPhone(index)])
            try db.execute(
                sql: "INSERT INTO message_number (org_id, e164, number_class, assigned_sitter_id) VALUES (1, ?, 'sitter', ?)",
                arguments: [Self.sitterNumber(index), index])
        }
        summary.sitters = plan.sitters
        let insertClient = try db.makeStatement(sql: "INSERT INTO client (id, org_id, name, phone_e164) VALUES (?, 1, ?, ?)")
        for index in 1...plan.clients {
            try insertClient.execute(arguments: [index, "Client \(index)", Self.clientPhone(index)])
        }
        summary.clients = plan.clients

        let insertThread = try db.makeStatement(sql: """
            INSERT INTO message_thread (id, org_id, assigned_sitter_id, scope, client_id, counterpart_e164,
                masked_number_e164, number_class, created_at, last_message_at, unread)
            VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertMessage = try db.makeStatement(sql: """
            INSERT INTO message_event (id, org_id, thread_id, direction, actor_type, body, provider_message_sid,
                created_at, delivery_status)
            VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertLink = try db.makeStatement(sql: """
            INSERT INTO message_response_link (org_id, thread_id, requires_response_event_id, requires_at,
                response_event_id, response_seconds)
            VALUES (1, ?, ?, ?, ?, ?)
            """)

        // Messages are spread over threads: thread 1 is long, the rest share what is left.
        let rest = max(0, plan.messages - plan.longThreadMessages)
        let perThread = plan.threads > 1 ? rest / (plan.threads - 1) : 0
        var leftover = plan.threads > 1 ? rest % (plan.threads - 1) : 0
        var messageID: Int64 = 0
        let horizon = 60.0 * 86_400
        for threadID in 1...plan.threads {
            var count = threadID == 1 ? plan.longThreadMessages : perThread
            if threadID > 1 && leftover > 0 {
                count += 1
                leftover -= 1
            }
            count = max(count, 1)
            let roll = rng.next() % 100
            let sitter = Int(rng.next() % UInt64(plan.sitters)) + 1
            let client = Int(rng.next() % UInt64(plan.clients)) + 1
            let scope: ThreadScope
            var assigned: Int? = sitter
            switch roll {
            case 0..<55: scope = .clientGeneral
            case 55..<75: scope = .clientBooking
            case 75..<88: scope = .clientGeneral; assigned = nil  // unassigned, at the front desk
            case 88..<97: scope = .ownerSitter
            default: scope = .internal; assigned = nil
            }
            let isClientThread = scope.isClientThread
            let counterpart: String? = isClientThread ? Self.clientPhone(client) : scope == .ownerSitter ? Self.sitterPhone(sitter) : nil
            let masked: String? = scope == .internal ? nil : (isClientThread && assigned != nil) ? Self.sitterNumber(sitter) : Self.frontDesk
            let numberClass: String? = scope == .internal ? nil : (isClientThread && assigned != nil) ? "sitter" : "front_desk"

            // Message times: the thread starts somewhere in the last 60 days and moves forward.
            let span = min(horizon, Double(count) * 900)
            let start = now.addingTimeInterval(-horizon + Double(rng.next() % UInt64(horizon - span + 1)))
            let step = span / Double(count)
            let last = start.addingTimeInterval(step * Double(count - 1))
            let unread = rng.next() % 10 == 0 ? 1 : 0
            try insertThread.execute(arguments: [
                threadID, assigned, scope.rawValue, isClientThread ? client : nil, counterpart, masked, numberClass,
                start, last, unread,
            ])
            summary.threads += 1

            var openLink: (id: Int64, at: Date)?
            for index in 0..<count {
                messageID += 1
                let at = start.addingTimeInterval(step * Double(index))
                let fromClient = index % 2 == 0
                let direction: MessageDirection
                let actor: ActorType
                switch scope {
                case .clientBooking, .clientGeneral:
                    direction = fromClient ? .inbound : .outbound
                    actor = fromClient ? .client : (assigned == nil ? .owner : .sitter)
                case .ownerSitter:
                    direction = fromClient ? .inbound : .outbound
                    actor = fromClient ? .sitter : .owner
                case .internal:
                    direction = .outbound
                    actor = .owner
                }
                let bodies = actor == .client ? Self.clientBodies : Self.sitterBodies
                let body = bodies[Int(rng.next() % UInt64(bodies.count))]
                try insertMessage.execute(arguments: [
                    messageID, threadID, direction.rawValue, actor.rawValue, body, String(format: "SMbench%026lld", messageID), at,
                    direction == .inbound ? "received" : "delivered",
                ])
                summary.messages += 1
                if isClientThread {
                    if direction == .inbound, openLink == nil {
                        openLink = (messageID, at)
                    } else if direction == .outbound, let link = openLink {
                        try insertLink.execute(arguments: [threadID, link.id, link.at, messageID, at.timeIntervalSince(link.at)])
                        summary.links += 1
                        openLink = nil
                    }
                }
            }
            if let link = openLink {
                try insertLink.execute(arguments: [threadID, link.id, link.at, nil, nil])
                summary.links += 1
            }
        }
        summary.offers = try generateOffers(db, now: now, rng: &rng)
    }

    /// A booking per ten threads, each offered to one or two sitters, in every state.
    private func generateOffers(_ db: Database, now: Date, rng: inout SplitMix64) throws -> Int {
        let insertBooking = try db.makeStatement(sql: """
            INSERT INTO booking (id, org_id, code, client_id, service, starts_at, ends_at, status, sitter_id)
            VALUES (?, 1, ?, ?, 'Dog walk (30 min)', ?, ?, ?, ?)
            """)
        let insertOffer = try db.makeStatement(sql: """
            INSERT INTO offer_event (org_id, sitter_id, booking_id, status, offered_at, accepted_at, declined_at, expires_at)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?)
            """)
        let statuses: [OfferStatus] = [.accepted, .accepted, .declined, .expired, .offered]
        var offers = 0
        for bookingID in 1...max(1, plan.threads / 10) {
            let sitter = Int(rng.next() % UInt64(plan.sitters)) + 1
            let status = statuses[Int(rng.next() % UInt64(statuses.count))]
            // Offers expire a day after they are made, so only the last day's can still be
            // pending: the sweep has expired anything older.
            let age = status == .offered ? rng.next() % 86_400 : rng.next() % (25 * 86_400)
            let offered = now.addingTimeInterval(-Double(age))
            let answered = offered.addingTimeInterval(Double(60 + rng.next() % 7200))
            let starts = offered.addingTimeInterval(3 * 86_400)
            try insertBooking.execute(arguments: [
                bookingID, "B\(100_000 + bookingID)", Int(rng.next() % UInt64(plan.clients)) + 1, starts,
                starts.addingTimeInterval(1800), status == .accepted ? "assigned" : "open", status == .accepted ? sitter : nil,
            ])
            try insertOffer.execute(arguments: [
                sitter, bookingID, status.rawValue, offered, status == .accepted ? answered : nil,
                status == .declined ? answered : nil,
                offered.addingTimeInterval(86_400),
            ])
            offers += 1
        }
        return offers
    }
}

// MARK: - What the benchmarks read and watch

extension AppDatabase {
    /// How many sitters and clients the database holds (every org): what a load generator
    /// draws its senders and recipients from.
    public func population() throws -> (sitters: Int, clients: Int) {
        try reader.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM sitter") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM client") ?? 0)
        }
    }

    /// How many receipts and messages each `MessageSid` starting with `prefix` left: what a
    /// load run checks to prove nothing was lost or stored twice.
    public func storedCounts(messageSidPrefix prefix: String) throws -> (receipts: [String: Int], messages: [String: Int]) {
        let pattern = prefix + "%"
        return try reader.read { db in
            var receipts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT message_sid, count(*) AS n FROM webhook_receipt WHERE message_sid LIKE ? GROUP BY message_sid",
                arguments: [pattern])
            {
                receipts[row["message_sid"]] = row["n"]
            }
            var messages: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT provider_message_sid AS sid, count(*) AS n FROM message_event WHERE provider_message_sid LIKE ? GROUP BY provider_message_sid",
                arguments: [pattern])
            {
                messages[row["sid"]] = row["n"]
            }
            return (receipts, messages)
        }
    }

    /// The busiest sitter mailbox and the longest thread of the file at `path`, found on a
    /// connection of their own that maps nothing and is closed on return: finding them scans
    /// the whole file, which must neither warm the caches of a benchmark's connection nor
    /// count in its peak memory.
    public static func busiestScreens(path: String) throws -> (busiestSitter: RowID?, longestThread: RowID?) {
        var setup = Configuration()
        setup.readonly = true
        let scanner = try DatabaseQueue(path: path, configuration: setup)
        defer { try? scanner.close() }
        return try scanner.read { db -> (RowID?, RowID?) in
            let sitter = try RowID.fetchOne(
                db,
                sql: """
                    SELECT assigned_sitter_id FROM message_thread
                    WHERE assigned_sitter_id IS NOT NULL AND scope IN ('client_booking','client_general')
                    GROUP BY assigned_sitter_id ORDER BY count(*) DESC LIMIT 1
                    """)
            let thread = try RowID.fetchOne(
                db, sql: "SELECT thread_id FROM message_event GROUP BY thread_id ORDER BY count(*) DESC LIMIT 1")
            return (sitter, thread)
        }
    }

    /// Calls `onCommit` on the writer's queue right after every commit, until the returned
    /// observation is stopped: how `bench live` stamps commits.
    public func observeCommits(_ onCommit: @escaping @Sendable () -> Void) -> CommitObservation {
        let observer = CommitObserver(onCommit: onCommit)
        writer.add(transactionObserver: observer, extent: .databaseLifetime)
        return CommitObservation(writer: writer, observer: observer)
    }
}

/// A running ``AppDatabase/observeCommits(_:)``.
public struct CommitObservation: Sendable {
    let writer: any DatabaseWriter
    let observer: CommitObserver

    public func stop() { writer.remove(transactionObserver: observer) }
}

final class CommitObserver: TransactionObserver, Sendable {
    let onCommit: @Sendable () -> Void
    init(onCommit: @escaping @Sendable () -> Void) { self.onCommit = onCommit }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { onCommit() }
    func databaseDidRollback(_ db: Database) {}
}
