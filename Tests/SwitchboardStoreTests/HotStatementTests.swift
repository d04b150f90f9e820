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
}
