import Foundation
import PostgresNIO
import Synchronization
import SwitchboardPostgres
import Testing

/// Consoles on other machines follow commits through LISTEN/NOTIFY.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct ChangeStreamTests {
    /// Waits for the next signal of `iterator`, at most `limit`; true when one came.
    func next(_ iterator: inout AsyncStream<Void>.Iterator, within limit: Duration) async -> Bool {
        let box = Mutex<AsyncStream<Void>.Iterator?>(iterator)
        let came = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var local = box.withLock { $0.take()! }
                let value = await local.next() != nil
                box.withLock { $0 = local }
                return value
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        return came
    }

    /// A commit by another connection reaches the stream within 100 ms.
    @Test func aCommitReachesAListenerWithin100ms() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let stream = database.changes()
            try await PostgresTestServer.connect(location) { writer in
                // Until the LISTEN is in place, commits are not announced: write until one is.
                var iterator = stream.makeAsyncIterator()
                var listening = false
                for attempt in 0..<100 where !listening {
                    try await writer.query("INSERT INTO org (name) VALUES (\("warm-up \(attempt)"))", logger: PostgresTestServer.logger).consume()
                    listening = await next(&iterator, within: .milliseconds(100))
                }
                #expect(listening)
                // Drain whatever the warm-up left buffered.
                _ = await next(&iterator, within: .milliseconds(200))
                var latencies: [Duration] = []
                for round in 0..<10 {
                    let clock = ContinuousClock()
                    let committed = clock.now
                    try await writer.query(
                        "INSERT INTO org (name) VALUES (\("measured \(round)"))", logger: PostgresTestServer.logger
                    ).consume()
                    let came = await next(&iterator, within: .seconds(2))
                    #expect(came)
                    latencies.append(clock.now - committed)
                }
                let worst = latencies.max()!
                #expect(worst < .milliseconds(100), "latencies \(latencies)")
                // A transaction rolled back announces nothing.
                try await writer.query("BEGIN", logger: PostgresTestServer.logger).consume()
                try await writer.query("INSERT INTO org (name) VALUES ('rolled back')", logger: PostgresTestServer.logger).consume()
                try await writer.query("ROLLBACK", logger: PostgresTestServer.logger).consume()
                #expect(await next(&iterator, within: .milliseconds(300)) == false)
            }
            await database.close()
        }
    }

    /// The outbox stream wakes for the outbox only; the console's stream for what it shows.
    @Test func streamsWakeForTheirTablesOnly() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let outbox = database.outboxChanges()
            var iterator = outbox.makeAsyncIterator()
            try await PostgresTestServer.connect(location) { writer in
                let fixture = try await RowLevelSecurityFixture.make(writer)
                // Queue texts until the stream is listening and has seen one.
                var seen = false
                for _ in 0..<50 where !seen {
                    try await writer.query(
                        "SELECT switchboard_queue_outbound(\(fixture.mayaThreadId), 'owner', 'hello', NULL)", logger: PostgresTestServer.logger
                    ).consume()
                    seen = await next(&iterator, within: .milliseconds(100))
                }
                #expect(seen)
                _ = await next(&iterator, within: .milliseconds(200))
                try await writer.query("INSERT INTO org (name) VALUES ('not the outbox')", logger: PostgresTestServer.logger).consume()
                #expect(await next(&iterator, within: .milliseconds(300)) == false)
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
            var iterator = stream.makeAsyncIterator()
            try await PostgresTestServer.connect(location) { writer in
                var listening = false
                for _ in 0..<100 where !listening {
                    try await writer.query("INSERT INTO org (name) VALUES (\(UUID().uuidString))", logger: PostgresTestServer.logger).consume()
                    listening = await next(&iterator, within: .milliseconds(100))
                }
                #expect(listening)
                _ = await next(&iterator, within: .milliseconds(200))
                let channel = "switchboard_changes"
                try await writer.query(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%LISTEN%' || \(channel) || '%'
                    """, logger: PostgresTestServer.logger
                ).consume()
                // Back: one signal for what may have been missed.
                #expect(await next(&iterator, within: .seconds(5)))
                try await writer.query("INSERT INTO org (name) VALUES ('after the drop')", logger: PostgresTestServer.logger).consume()
                #expect(await next(&iterator, within: .seconds(2)))
            }
            await database.close()
        }
    }
}
