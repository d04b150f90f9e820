import Foundation
import PostgresNIO
import Synchronization
import SwitchboardPostgres
import Testing

/// Two real `switchboard serve` processes on one PostgreSQL database: each webhook is
/// answered correctly whichever listener Twilio reaches, and nothing happens twice.
@Suite(.serialized, .enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct MultiListenerTests {
    static let token = "pg17-test-token-0123456789abcdef"

    static var binary: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("switchboard").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("switchboard")
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["TWILIO_AUTH_TOKEN"] = token
        environment.removeValue(forKey: "SWITCHBOARD_DB")
        process.environment = environment
        return process
    }

    /// A running `serve`: its address, and everything it printed so far.
    final class Listener: Sendable {
        let process: Process
        let printed = Printed()
        let pipe = Pipe()

        init(database: PostgresLocation) throws {
            process = MultiListenerTests.process(["serve", "--db", Self.url(database), "--port", "0"])
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let handle = pipe.fileHandleForReading
            let printed = self.printed
            Thread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return }
                    printed.append(String(decoding: chunk, as: UTF8.self))
                }
            }.start()
        }

        /// The URL as `--db` takes it: the server's, with the password left to PGPASSWORD.
        static func url(_ location: PostgresLocation) -> String { location.description }

        /// `http://HOST:PORT` once it listens (at most 60 s: a first debug start is slow).
        func address() throws -> String {
            for _ in 0..<600 {
                if let line = printed.text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                    return String(line.dropFirst("listening on ".count))
                }
                if !process.isRunning { throw HarnessError("serve stopped: \(printed.text)") }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw HarnessError("serve did not listen within 60 s: \(printed.text)")
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    /// What a process printed so far.
    final class Printed: Sendable {
        private let state = Mutex("")
        func append(_ text: String) { state.withLock { $0 += text } }
        var text: String { state.withLock { $0 } }
    }

    /// Posts signed webhooks through `switchboard simulate`, all at once; their outputs.
    static func simulateTogether(_ posts: [(url: String, from: String, to: String, body: String, sid: String)]) throws -> [String] {
        let runs = posts.map { post -> (Process, Pipe) in
            let simulate = process(["simulate", "--url", post.url + "/api/twilio/inbound", "--from", post.from, "--to", post.to, "--body", post.body, "--sid", post.sid])
            let pipe = Pipe()
            simulate.standardOutput = pipe
            simulate.standardError = pipe
            return (simulate, pipe)
        }
        for (simulate, _) in runs { try simulate.run() }
        return runs.map { simulate, pipe in
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            simulate.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// A fresh database with the fixture, B1 offered to Maya and Diego, and two listeners.
    func withTwoListeners(_ body: (PostgresLocation, RowLevelSecurityFixture, Listener, Listener) async throws -> Void) async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            await database.close()
            let fixture = try await PostgresTestServer.connect(location) { connection in
                let fixture = try await RowLevelSecurityFixture.make(connection)
                for sitter in [fixture.mayaId, fixture.diegoId] {
                    try await connection.query(
                        """
                        INSERT INTO offer_event (org_id, sitter_id, booking_id, status, offered_at, expires_at)
                        VALUES (\(fixture.orgId), \(sitter), \(fixture.bookingId), 'offered', now(), now() + interval '2 hours')
                        """, logger: PostgresTestServer.logger
                    ).consume()
                }
                return fixture
            }
            let first = try Listener(database: location)
            defer { first.stop() }
            let second = try Listener(database: location)
            defer { second.stop() }
            try await body(location, fixture, first, second)
        }
    }

    func count(_ location: PostgresLocation, _ query: PostgresQuery) async throws -> Int64 {
        try await PostgresTestServer.connect(location) { connection in
            for try await value in try await connection.query(query, logger: PostgresTestServer.logger).decode(Int64.self) { return value }
            return -1
        }
    }

    @Test func aDuplicateMessageSidOnBothListenersIsStoredOnceAndAnsweredAlike() async throws {
        try await withTwoListeners { location, fixture, first, second in
            let (a, b) = (try first.address(), try second.address())
            let sid = "SMpg17duplicate" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(18)
            let answers = try Self.simulateTogether([
                (a, "+15550200101", "+15550100100", "YES B1", sid),
                (b, "+15550200101", "+15550100100", "YES B1", sid),
            ])
            #expect(answers[0].contains("HTTP 200"), "\(answers[0])")
            #expect(answers[0].contains("B1"), "\(answers[0])")
            #expect(answers[0] == answers[1])
            #expect(try await count(location, "SELECT count(*) FROM message_event WHERE provider_message_sid = \(sid)") == 1)
            #expect(try await count(location, "SELECT count(*) FROM webhook_receipt WHERE message_sid = \(sid) AND dedupe_key IS NOT NULL") == 1)
            #expect(try await count(location, "SELECT count(*) FROM webhook_receipt WHERE message_sid = \(sid)") == 2)
            #expect(try await count(location, "SELECT count(*) FROM offer_event WHERE status = 'accepted' AND sitter_id = \(fixture.mayaId)") == 1)
        }
    }

    @Test func twoSittersYesOnTwoListenersMakesExactlyOneAcceptance() async throws {
        try await withTwoListeners { location, fixture, first, second in
            let (a, b) = (try first.address(), try second.address())
            let answers = try Self.simulateTogether([
                (a, "+15550200101", "+15550100100", "YES B1", "SMpg17maya" + UUID().uuidString.prefix(8)),
                (b, "+15550200102", "+15550100100", "YES B1", "SMpg17diego" + UUID().uuidString.prefix(8)),
            ])
            #expect(try await count(location, "SELECT count(*) FROM offer_event WHERE status = 'accepted'") == 1)
            #expect(try await count(location, "SELECT count(*) FROM offer_event WHERE status = 'withdrawn'") == 1)
            let winner = try await count(location, "SELECT sitter_id FROM offer_event WHERE status = 'accepted'")
            #expect(try await count(location, "SELECT sitter_id FROM booking WHERE id = \(fixture.bookingId) AND status = 'assigned'") == winner)
            // One was told it is theirs, the other that it was taken.
            let winnerIndex = winner == fixture.mayaId ? 0 : 1
            #expect(answers.allSatisfy { $0.contains("HTTP 200") }, "\(answers)")
            #expect(answers[winnerIndex] != answers[1 - winnerIndex], "\(answers)")
        }
    }

    @Test func theOutboxIsDeliveredOnceByTwoListeners() async throws {
        try await withTwoListeners { location, fixture, first, second in
            _ = (try first.address(), try second.address())
            var queued: [Int64] = []
            try await PostgresTestServer.connect(location) { connection in
                for index in 0..<30 {
                    let thread = index.isMultiple(of: 2) ? fixture.mayaThreadId : fixture.diegoThreadId
                    for try await id in try await connection.query(
                        "SELECT switchboard_queue_outbound(\(thread), 'owner', \("reply \(index)"), NULL, now())",
                        logger: PostgresTestServer.logger
                    ).decode(Int64.self) { queued.append(id) }
                }
            }
            #expect(queued.count == 30)
            var left: Int64 = -1
            for _ in 0..<200 {
                left = try await count(location, "SELECT count(*) FROM outbox")
                if left == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(left == 0)
            let logs = first.printed.text + second.printed.text
            for id in queued {
                let handed = logs.components(separatedBy: "message \(id) handed to the sender as ").count - 1
                #expect(handed == 1, "message \(id) was handed to the sender \(handed) times")
            }
            #expect(try await count(location, "SELECT count(*) FROM message_event WHERE direction = 'outbound' AND provider_message_sid IS NOT NULL") == 30)
        }
    }
}
