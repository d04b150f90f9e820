import Foundation
import PostgresNIO
import Synchronization
import SwitchboardPostgres
import Testing

/// Consoles on other machines follow commits through LISTEN/NOTIFY.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct ChangeStreamTests {
    /// Counts a stream's signals from a task of its own, so a test can wait for the next.
    final class Signals: Sendable {
        private let counter = Counter()
        private let task: Task<Void, Never>

        init(_ stream: AsyncStream<Void>) {
            let counter = self.counter
            task = Task {
                for await _ in stream { counter.add() }
            }
        }

        var seen: Int { counter.value }

        /// Waits until more than `count` signals came, at most `limit`; true when one did.
        func next(after count: Int, within limit: Duration) async -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now + limit
            while clock.now < deadline {
                if counter.value > count { return true }
                try? await Task.sleep(for: .milliseconds(1))
            }
            return counter.value > count
        }

        deinit { task.cancel() }
    }

    final class Counter: Sendable {
        private let state = Mutex(0)
        func add() { state.withLock { $0 += 1 } }
        var value: Int { state.withLock { $0 } }
    }

    /// Waits for the signal after those seen so far.
    func next(_ signals: Signals, within limit: Duration) async -> Bool {
        await signals.next(after: signals.seen, within: limit)
    }

    /// A commit by another connection reaches the stream within 100 ms.
    @Test func everyCommitReachesAListenerAndNoRollbackDoes() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let stream = database.changes()
            try await PostgresTestServer.connect(location) { writer in
                try await writer.query("INSERT INTO org (name) VALUES ('Harbor Hounds')", logger: PostgresTestServer.logger).consume()
                // Until the LISTEN is in place, commits are not announced: write until one is.
                let iterator = Signals(stream)
                var listening = false
                for attempt in 0..<100 where !listening {
                    try await writer.query("INSERT INTO client (org_id, phone_e164) SELECT min(id), \("+1555000\(attempt)") FROM org", logger: PostgresTestServer.logger).consume()
                    listening = await next(iterator, within: .milliseconds(100))
                }
                #expect(listening)
                // Drain whatever the warm-up left buffered.
                _ = await next(iterator, within: .milliseconds(200))
                // Every commit is announced. How fast is a benchmark's question (`bench live
                // --attached --db postgres://…`), not a timed test's: the bound here only ends a
                // wait for an announcement that never comes.
                for round in 0..<10 {
                    let before = iterator.seen
                    try await writer.query(
                        "INSERT INTO client (org_id, phone_e164) SELECT min(id), \("+1555100\(round)") FROM org", logger: PostgresTestServer.logger
                    ).consume()
                    #expect(await iterator.next(after: before, within: .seconds(5)), "commit \(round)")
                }
                // A transaction rolled back announces nothing.
                try await writer.query("BEGIN", logger: PostgresTestServer.logger).consume()
                try await writer.query("INSERT INTO client (org_id, phone_e164) SELECT min(id), '+15559999' FROM org", logger: PostgresTestServer.logger).consume()
                try await writer.query("ROLLBACK", logger: PostgresTestServer.logger).consume()
                #expect(await next(iterator, within: .milliseconds(300)) == false)
            }
            await database.close()
        }
    }

    /// The outbox stream wakes for the outbox only; the console's stream for what it shows.
    @Test func streamsWakeForTheirTablesOnly() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let iterator = Signals(database.outboxChanges())
            try await PostgresTestServer.connect(location) { writer in
                let fixture = try await RowLevelSecurityFixture.make(writer)
                // Queue texts until the stream is listening and has seen one.
                var seen = false
                for _ in 0..<50 where !seen {
                    try await writer.query(
                        "SELECT switchboard_queue_outbound(\(fixture.mayaThreadId), 'owner', 'hello', NULL, now())", logger: PostgresTestServer.logger
                    ).consume()
                    seen = await next(iterator, within: .milliseconds(100))
                }
                #expect(seen)
                _ = await next(iterator, within: .milliseconds(200))
                try await writer.query("INSERT INTO org (name) VALUES ('not the outbox')", logger: PostgresTestServer.logger).consume()
                #expect(await next(iterator, within: .milliseconds(300)) == false)
            }
            await database.close()
        }
    }

    /// The LISTEN connection killed by the server: the stream connects again, says so once,
    /// and announces later commits.
    @Test func theStreamReconnectsWhenItsConnectionDrops() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let stream = database.changes()
            let iterator = Signals(stream)
            try await PostgresTestServer.connect(location) { writer in
                try await writer.query("INSERT INTO org (name) VALUES ('Harbor Hounds')", logger: PostgresTestServer.logger).consume()
                var listening = false
                for _ in 0..<100 where !listening {
                    try await writer.query("INSERT INTO client (org_id, phone_e164) SELECT min(id), \(UUID().uuidString) FROM org", logger: PostgresTestServer.logger).consume()
                    listening = await next(iterator, within: .milliseconds(100))
                }
                #expect(listening)
                _ = await next(iterator, within: .milliseconds(200))
                let channel = "switchboard_changes"
                try await writer.query(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%LISTEN%' || \(channel) || '%'
                    """, logger: PostgresTestServer.logger
                ).consume()
                // Back: one signal for what may have been missed.
                #expect(await next(iterator, within: .seconds(5)))
                let before = iterator.seen
                try await writer.query("INSERT INTO client (org_id, phone_e164) SELECT min(id), 'after the drop' FROM org", logger: PostgresTestServer.logger).consume()
                #expect(await iterator.next(after: before, within: .seconds(2)))
            }
            await database.close()
        }
    }
}
