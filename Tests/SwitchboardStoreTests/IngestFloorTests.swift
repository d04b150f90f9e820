import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// The floor benchmark's capture and replay: the replayed statements must be the very ones
/// the store executed, or the floor measures something else.
struct IngestFloorTests {
    @Test("Bound values are read back from SQLite's expanded SQL: NULL, integers, reals, quoted text, blobs")
    func boundValuesParse() {
        let values = StatementCapture.boundValues(
            template: "INSERT INTO t (a, b, c, d, e, f) VALUES (?, ?, ?, ?, ?, ?) -- 'is ? here'",
            expanded: "INSERT INTO t (a, b, c, d, e, f) VALUES (NULL, -42, 0.25, 'it''s ? ''quoted''\n😀', x'00ff', 1.0e+20) -- 'is ? here'")
        #expect(values == [.null, .integer(-42), .real(0.25), .text("it's ? 'quoted'\n😀"), .blob([0, 255]), .real(1e20)])
        #expect(StatementCapture.boundValues(template: "SELECT 1 FROM t WHERE a = ?", expanded: "SELECT 2 FROM t WHERE a = 1") == nil)
        #expect(StatementCapture.boundValues(template: "COMMIT TRANSACTION", expanded: "COMMIT TRANSACTION") == [])
    }

    @Test("Replaying a capture of concurrent ingests on a pristine copy writes the same rows, in the same transactions")
    func replayWritesWhatTheStoreWrote() async throws {
        let (store, path) = try makeTemporaryDatabase()
        let world = try await store.writer.write { db in try SmallWorld.make(db) }
        try await store.writer.writeWithoutTransaction { db in _ = try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let pristine = path + ".pristine"
        try FileManager.default.copyItem(atPath: path, toPath: pristine)

        let render: AnswerRenderer<InboundOutcome> = { WebhookAnswer(statusCode: 200, body: "<Response/>", verdict: $0.verdict) }
        // 40 distinct messages and 10 redeliveries, 8 at a time, so batches hold several webhooks.
        let sids = (0..<40).map { "SMfloor\($0)" } + (0..<10).map { "SMfloor\($0 * 3)" }
        let (_, capture) = try await store.capturingStatements {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: sids.count, by: 8) {
                    group.addTask {
                        for sid in sids[chunk..<min(chunk + 8, sids.count)] {
                            let form = FormParameters([
                                "MessageSid": sid, "From": world.client.phoneE164, "To": world.sitterNumber.e164,
                                "Body": "It's \(sid) — 'quoted' ? & 🐕", "NumMedia": "0",
                            ])
                            let received = ReceivedWebhook(
                                path: "/api/twilio/inbound", rawBody: form.encoded(),
                                headers: ReceiptHeaders(signature: "sig=", contentType: "application/x-www-form-urlencoded", userAgent: nil),
                                arrivedAt: .now)
                            _ = try await store.ingest(try InboundSMS(form: form), received: received, answer: render)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(capture.commits >= 1)
        #expect(capture.templates.contains { $0.hasPrefix("SAVEPOINT") })
        #expect(capture.steps.count { capture.templates[$0.template].hasPrefix("INSERT INTO webhook_receipt") } == sids.count)

        let run = try IngestFloor.replay(capture, at: pristine)
        #expect(run.failures == 0)
        #expect(run.statements == capture.steps.count)

        let replayed = try DatabaseQueue(path: pristine)
        let messages = "SELECT * FROM message_event ORDER BY id"
        let receipts = """
            SELECT id, org_id, path, message_sid, dedupe_key, raw_body, headers, verdict, status_code, response_body,
                   created_at FROM webhook_receipt ORDER BY id
            """
        let threads = "SELECT * FROM message_thread ORDER BY id"
        for sql in [messages, receipts, threads, "SELECT * FROM message_response_link ORDER BY id", "SELECT * FROM webhook_tally"] {
            let original = try await store.reader.read { db in try Row.fetchAll(db, sql: sql) }
            let copy = try await replayed.read { db in try Row.fetchAll(db, sql: sql) }
            #expect(original == copy, "\(sql)")
        }
        let stored = try await replayed.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message_event") }
        #expect(stored == 40)
    }
}
