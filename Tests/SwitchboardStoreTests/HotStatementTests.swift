import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// The ingest path's own statements (prepared once, values bound directly, dates written
/// as text by hand) must store exactly what GRDB's cached statements and date formatter
/// stored before them: old rows and new rows compare equal.
struct HotStatementTests {
    @Test("A date's stored text is exactly GRDB's DateFormatter text, on every kind of date")
    func storedTextIsGRDBsText() {
        var generator = SplitMix64(seed: 1616)
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0.9999), Date(timeIntervalSince1970: 0.0005),
            Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSince1970: 1_796_000_000.0005),
            Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: 0.001),
            Date(timeIntervalSinceReferenceDate: -0.0005), Date().storedPrecision, Date(),
        ]
        for _ in 0..<20_000 {
            // 1970 to about 2100, with sub-millisecond parts.
            let seconds = Double(generator.next() % 4_102_444_800_000) / 1000 + Double(generator.next() % 1000) / 1e6
            dates.append(Date(timeIntervalSince1970: seconds))
            // What the store writes: times at stored precision, computed as the clock does.
            dates.append(Date(timeIntervalSince1970: seconds).storedPrecision)
            dates.append(Date(timeIntervalSinceReferenceDate: Double(generator.next() % 4_000_000_000_000) / 1000))
        }
        var mismatches: [String] = []
        for date in dates {
            let grdb = String.fromDatabaseValue(date.databaseValue)
            if date.storedText != grdb { mismatches.append("\(date.timeIntervalSinceReferenceDate): \(date.storedText) ≠ \(grdb ?? "nil")") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test("Ingesting through the group commit (prepared statements) and through a plain write (GRDB's cache) stores the same rows")
    func preparedAndCachedPathsStoreTheSameRows() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_796_000_000.1234))
        let (grouped, _) = try makeTemporaryDatabase(clock: clock.wallClock)
        let (plain, _) = try makeTemporaryDatabase(clock: clock.wallClock)
        let world = try await grouped.writer.write { db in try SmallWorld.make(db) }
        _ = try await plain.writer.write { db in try SmallWorld.make(db) }
        let render: AnswerRenderer<InboundOutcome> = { WebhookAnswer(statusCode: 200, body: "<Response/>", verdict: $0.verdict) }
        // A client to a sitter's number, the sitter to the front desk, a new client, a
        // redelivery, a STOP, a number that is not ours, media.
        let texts: [(sid: String, from: String, to: String, body: String, media: Int)] = [
            ("SM1", world.client.phoneE164, world.sitterNumber.e164, "Is Friday on? 'quoted' 🐕", 0),
            ("SM2", world.sitter.phoneE164, world.frontDesk.e164, "Running late", 0),
            ("SM3", "+15559990001", world.frontDesk.e164, "New here", 1),
            ("SM1", world.client.phoneE164, world.sitterNumber.e164, "Is Friday on? 'quoted' 🐕", 0),
            ("SM4", world.sitter.phoneE164, world.sitterNumber.e164, "On my way", 0),
            ("SM5", world.client.phoneE164, world.sitterNumber.e164, "STOP", 0),
            ("SM6", world.client.phoneE164, "+15550009999", "Wrong number", 0),
        ]
        var answers: [[WebhookAnswer]] = [[], []]
        for text in texts {
            var fields = [("MessageSid", text.sid), ("From", text.from), ("To", text.to), ("Body", text.body), ("NumMedia", "\(text.media)")]
            if text.media > 0 {
                fields += [("MediaUrl0", "https://api.twilio.com/media/\(text.sid)"), ("MediaContentType0", "image/jpeg")]
            }
            let form = FormParameters(fields.map { FormParameters.Pair($0.0, $0.1) })
            let sms = try InboundSMS(form: form)
            let received = ReceivedWebhook(
                path: "/api/twilio/inbound", rawBody: form.encoded(),
                headers: ReceiptHeaders(signature: "sig=", contentType: "application/x-www-form-urlencoded", userAgent: "test"))
            answers[0].append(try await grouped.ingest(sms, received: received, answer: render))
            answers[1].append(try await plain.writer.write { db in
                try plain.ingest(db, sms, received: received, answer: render, now: clock.wallClock.now)
            })
            clock.advance(by: 1.0005)
        }
        #expect(answers[0] == answers[1])
        #expect(answers[0][3].verdict == .duplicate)
        for table in [
            "message_event", "message_thread", "message_response_link", "message_media", "client", "sitter",
            "webhook_receipt", "webhook_tally", "metrics_stale", "event_log",
        ] {
            let sql = "SELECT * FROM \(table) ORDER BY rowid"
            let a = try await grouped.reader.read { db in try Row.fetchAll(db, sql: sql) }
            let b = try await plain.reader.read { db in try Row.fetchAll(db, sql: sql) }
            #expect(a == b, "\(table)")
            // SM1, SM2, SM3, SM4 (relayed to the client), SM5; not the redelivery nor the unrouted text.
            if table == "message_event" { #expect(a.count == 5) }
        }
    }

    @Test("A prepared statement that fails is prepared anew: the next webhooks are stored")
    func aFailedStatementIsPreparedAnew() async throws {
        let (store, _) = try makeTemporaryDatabase()
        let world = try await store.writer.write { db in try SmallWorld.make(db) }
        let receipt = WebhookReceipt(
            path: "/x", messageSid: "SMx", dedupeKey: "inbound:SMx", rawBody: "", headers: "{}", verdict: .accepted,
            statusCode: 200, responseBody: "", createdAt: Date())
        try await store.ingestQueue.submit { db in try AppDatabase.insertReceipt(db, receipt) }
        // The same dedupe key again: the insert fails (UNIQUE), in its own savepoint.
        await #expect(throws: DatabaseError.self) {
            try await store.ingestQueue.submit { db in try AppDatabase.insertReceipt(db, receipt) }
        }
        let render: AnswerRenderer<InboundOutcome> = { WebhookAnswer(statusCode: 200, body: "<Response/>", verdict: $0.verdict) }
        for sid in ["SMa", "SMb"] {
            let form = FormParameters(["MessageSid": sid, "From": world.client.phoneE164, "To": world.frontDesk.e164, "Body": "hi"])
            let received = ReceivedWebhook(
                path: "/api/twilio/inbound", rawBody: form.encoded(),
                headers: ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil))
            let answer = try await store.ingest(try InboundSMS(form: form), received: received, answer: render)
            #expect(answer.verdict == .accepted)
        }
        let receipts = try await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook_receipt") }
        #expect(receipts == 3)
    }

    @Test("A hot row reads what GRDB's Row reads: integers, text, booleans, enums, NULLs, dates in any stored form")
    func hotRowsReadWhatGRDBReads() async throws {
        let (store, _) = try makeTemporaryDatabase()
        try await store.writer.write { db in
            // Dates as the store writes them, as text GRDB also reads (no milliseconds, a
            // `T`, a time zone), and as a Unix timestamp.
            let sql = """
                SELECT 42, -7, 'Zoë 🐶', 1, 'client_booking', NULL, NULL, '2026-11-27 10:11:12.345',
                       '2026-11-27 10:11:12', '2026-11-27T10:11:12.5', 1796000000.25, NULL
                """
            let statement = try db.makeStatement(sql: sql)
            let hot = try db.hotRows(statement) { row in
                (
                    row[0] as Int64, row[1] as Int, row[2] as String, row[3] as Bool, row[4] as ThreadScope,
                    row[5] as String?, row[6] as RowID?, row.storedDate(7), row.storedDate(8), row.storedDate(9),
                    row.storedDate(10), row.storedDateIfPresent(11), row.hasNull(atIndex: 5), row.hasNull(atIndex: 0)
                )
            }
            let grdb = try #require(try Row.fetchOne(db, sql: sql))
            #expect(hot.count == 1)
            let first = try #require(hot.first)
            #expect(first.0 == grdb[0] && first.1 == grdb[1] && first.2 == grdb[2] && first.3 == grdb[3])
            #expect(first.4 == .clientBooking && first.5 == nil && first.6 == nil)
            #expect(first.7 == grdb[7] as Date && first.8 == grdb[8] as Date && first.9 == grdb[9] as Date)
            #expect(first.10 == Date(timeIntervalSince1970: 1_796_000_000.25))
            #expect(first.11 == nil && first.12 && !first.13)
            // Every row, or as many as asked for; the statement is reset for the next use.
            let numbers = try db.makeStatement(sql: "SELECT value FROM json_each('[1,2,3,4]')")
            #expect(try db.hotRows(numbers) { $0[0] as Int } == [1, 2, 3, 4])
            #expect(try db.hotRows(numbers, limit: 2) { $0[0] as Int } == [1, 2])
            #expect(try db.hotRows(numbers) { $0[0] as Int } == [1, 2, 3, 4])
        }
    }

    @Test("A hot query that fails while stepping throws SQLite's error, with its statement")
    func aFailingHotQueryThrows() async throws {
        let (store, _) = try makeTemporaryDatabase()
        try await store.writer.write { db in
            // An integer overflow is found only when the row is computed.
            let statement = try db.makeStatement(sql: "SELECT abs(-9223372036854775807 - 1)")
            do {
                _ = try db.hotRows(statement) { $0[0] as Int64 }
                Issue.record("the overflow was not reported")
            } catch let error as DatabaseError {
                #expect(error.message?.contains("integer overflow") == true, "\(error)")
                #expect(error.sql?.contains("abs(") == true)
            }
        }
    }
}
