import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

/// Replays `receipt` to the listener `client` talks to: through the router, the request
/// ``WebhookReplay`` builds; over a socket, ``WebhookReplay/send`` itself.
private func replay(_ receipt: ReceiptDetail, through client: any TestClientProtocol) async throws -> (status: Int, body: String) {
    if let port = client.port {
        return try await WebhookReplay.send(receipt, to: "http://127.0.0.1:\(port)")
    }
    let request = try WebhookReplay.request(for: receipt)
    var headers: HTTPFields = [:]
    for header in request.headers { headers[HTTPField.Name(header.name)!] = header.value }
    let response = try await client.execute(
        uri: request.pathAndQuery, method: .post, headers: headers, body: ByteBuffer(string: request.body))
    return (Int(response.status.code), response.text)
}

@Suite struct ReplayTests {
    /// Issue 15: a replayed receipt is verified by the listener exactly as the original was,
    /// from its stored path and query, body and signature.
    @Test(arguments: Drive.allCases)
    func replayIsVerifiedAsTheOriginalWasAndAnsweredAsADuplicate(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let path = "/api/twilio/inbound?region=us1&attempt=1"
        let form: Form = [
            ("MessageSid", "SMREPLAY1"), ("AccountSid", "AC0123"), ("From", Fixture.carolPhone), ("To", Fixture.aliceNumber),
            ("Body", "Hello, can you walk Rex at 3?"), ("NumMedia", "0"),
        ]
        let (original, replayed, tampered) = try await fixture.withListener(drive) { client in
            let original = try await client.post(path, form)
            let receipt = try #require(try fixture.store.receipt(messageSid: "SMREPLAY1"))
            #expect(receipt.summary.path == path, "the query is kept: it is part of what Twilio signed")
            let replayed = try await replay(receipt, through: client)
            // Tampered in the store: one character of the body changed, the signature kept.
            try await fixture.store.writer.write { db in
                try db.execute(
                    sql: "UPDATE webhook_receipt SET raw_body = replace(raw_body, 'Rex', 'Max') WHERE id = ?",
                    arguments: [receipt.summary.id])
            }
            let tampered = try await replay(try #require(try fixture.store.receipt(id: receipt.summary.id)), through: client)
            return (original, replayed, tampered)
        }
        #expect(original.status == .ok)
        #expect(replayed.status == 200)
        #expect(replayed.body == original.text, "answered with the first answer")
        #expect(tampered.status == 403)
        #expect(try await fixture.messages(sid: "SMREPLAY1").count == 1, "a replay stores nothing twice")
        let verdicts = try await fixture.read { db in
            try String.fetchAll(db, sql: "SELECT verdict FROM webhook_receipt ORDER BY id")
        }
        #expect(verdicts == ["accepted", "duplicate", "rejected_signature"])
    }

    @Test func aRefusedReceiptReplaysAsRefusedAndAPrunedOneCannotBeReplayed() async throws {
        let fixture = try Fixture.make()
        let answers = try await fixture.withListener(Drive.router) { client in
            _ = try await client.post(
                "/api/twilio/inbound", [("MessageSid", "SMFORGED"), ("From", Fixture.carolPhone), ("To", Fixture.frontDesk)],
                signature: .some("bm90IGEgc2lnbmF0dXJl"))
            let forged = try #require(try fixture.store.receipts(ReceiptFilter(verdict: .rejectedSignature)).first)
            return try await replay(try #require(try fixture.store.receipt(id: forged.id)), through: client)
        }
        #expect(answers.status == 403)

        _ = try await fixture.withListener(Drive.router) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "old news", sid: "SMOLD")
        }
        fixture.clock.advance(by: AppDatabase.defaultReceiptBodyRetention + 60)
        #expect(try await fixture.store.pruneReceiptBodies(olderThan: AppDatabase.defaultReceiptBodyRetention) == 1)
        let pruned = try #require(try fixture.store.receipt(messageSid: "SMOLD"))
        #expect(throws: WebhookReplay.Problem.self) { try WebhookReplay.request(for: pruned) }
    }
}

@Suite struct ReceiptListTests {
    @Test("receipts: newest first, by verdict and age, with From → To and a latency for what arrived over HTTP")
    func listFiltersAndDetail() async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(Drive.live) { client in
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "first", sid: "SMLIST1")
            _ = try await client.sms(from: Fixture.strangerPhone, to: Fixture.unknownNumber, body: "wrong number", sid: "SMLIST2")
        }
        fixture.clock.advance(by: 3 * 3600)
        _ = try await fixture.withListener(Drive.router) { client in
            try await client.sms(from: Fixture.davePhone, to: Fixture.aliceNumber, body: "third", sid: "SMLIST3")
        }
        let all = try fixture.store.receipts(ReceiptFilter())
        #expect(all.map(\.messageSid) == ["SMLIST3", "SMLIST2", "SMLIST1"])
        #expect(all.map(\.verdict) == [.accepted, .unrouted, .accepted])
        #expect(all[1].from == Fixture.strangerPhone && all[1].to == Fixture.unknownNumber)
        #expect(all.allSatisfy { ($0.latencySeconds ?? -1) >= 0 }, "every webhook through the controller has a latency")
        #expect(try fixture.store.receipts(ReceiptFilter(verdict: .unrouted)).map(\.messageSid) == ["SMLIST2"])
        let recent = ReceiptFilter(since: fixture.clock.now.addingTimeInterval(-3600))
        #expect(try fixture.store.receipts(recent).map(\.messageSid) == ["SMLIST3"])
        #expect(try fixture.store.receipts(ReceiptFilter(limit: 2)).count == 2)

        let detail = try #require(try fixture.store.receipt(id: all[0].id))
        #expect(detail.parameters.contains(FormParameters.Pair("Body", "third")))
        #expect(detail.headers.signature != nil)
        #expect(detail.headers.contentType == "application/x-www-form-urlencoded")
        #expect(detail.responseBody.contains("<Response"))
    }
}

@Suite struct RouteLaterTests {
    @Test("an unrouted text is routed once its number is added: stored as a fresh webhook would be, the receipt marked")
    func routeAfterTheNumberIsAdded() async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(Drive.router) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.unknownNumber, body: "Are you free Friday?", sid: "SMLATE")
        }
        let unrouted = try #require(try fixture.store.receipts(ReceiptFilter(verdict: .unrouted)).first)
        await #expect(throws: StoreError.self) { try await fixture.store.routeUnrouted(receiptId: unrouted.id) }
        do {
            _ = try await fixture.store.routeUnrouted(receiptId: unrouted.id)
        } catch let error as StoreError {
            #expect(error.message.contains("still not one of our numbers"), "\(error.message)")
        }

        // The number is added: a masked number of Alice's.
        try await fixture.store.writer.write { db in
            var number = MessageNumber(orgId: fixture.orgId, e164: Fixture.unknownNumber, numberClass: .sitter, assignedSitterId: fixture.alice.id)
            try number.insert(db)
        }
        let routed = try await fixture.store.routeUnrouted(receiptId: unrouted.id)
        #expect(routed.mailbox == .sitter(fixture.alice.id!))
        #expect(routed.mailboxName == "Alice's mailbox")
        #expect(routed.unsentReplies == 1, "the forward to Alice the webhook would have answered with")
        let stored = try #require(try await fixture.messages(sid: "SMLATE").first)
        #expect(stored.body == "Are you free Friday?")
        #expect(stored.threadId == routed.threadId)
        let receipt = try #require(try fixture.store.receipt(id: unrouted.id))
        #expect(receipt.summary.verdict == .accepted)
        #expect(receipt.summary.routedAt != nil)
        #expect(try await fixture.read { db in try AppDatabase.unroutedMessages(db, limit: 10) }.isEmpty)

        // Again, or a receipt that was never unrouted: refused, nothing changes.
        for id in [unrouted.id, 999] {
            await #expect(throws: StoreError.self) { try await fixture.store.routeUnrouted(receiptId: id) }
        }
        #expect(try await fixture.messages(sid: "SMLATE").count == 1)
    }
}

@Suite struct RetentionTests {
    @Test("prune: accepted receipts past the age lose their raw body; the row, its verdict and other verdicts' bodies stay")
    func pruneKeepsRowsAndOtherVerdicts() async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(Drive.router) { client in
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "old", sid: "SMP1")
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.unknownNumber, body: "old, unrouted", sid: "SMP2")
        }
        fixture.clock.advance(by: 10 * 86_400)
        _ = try await fixture.withListener(Drive.router) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "new", sid: "SMP3")
        }
        #expect(try await fixture.store.pruneReceiptBodies(olderThan: 7 * 86_400) == 1)
        #expect(try await fixture.store.pruneReceiptBodies(olderThan: 7 * 86_400) == 0, "a second sweep finds nothing")
        let old = try #require(try fixture.store.receipt(messageSid: "SMP1"))
        #expect(!old.rawBody.contains("old"), "what the customer wrote is gone")
        #expect(old.parameters == [FormParameters.Pair("From", Fixture.carolPhone), FormParameters.Pair("To", Fixture.frontDesk)])
        #expect(old.summary.from == Fixture.carolPhone, "the list still says who wrote to whom")
        #expect(old.summary.verdict == .accepted)
        #expect(old.summary.bodyPrunedAt != nil)
        #expect(old.responseBody.contains("<Response"), "the answer stays: a redelivery still gets it")
        #expect(try fixture.store.receipt(messageSid: "SMP2")?.rawBody.contains("unrouted") == true)
        #expect(try fixture.store.receipt(messageSid: "SMP3")?.rawBody.contains("new") == true)
    }

    @Test("the retention service sweeps once at start, beside the listener")
    func serviceSweepsAtStart() async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(Drive.router) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "old", sid: "SMS1")
        }
        fixture.clock.advance(by: 2 * 86_400)
        let service = ReceiptRetentionService(store: fixture.store, age: 86_400, logger: .init(label: "test"))
        let task = Task { try await service.run() }
        for _ in 0..<200 where try fixture.store.receipt(messageSid: "SMS1")?.summary.bodyPrunedAt == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        #expect(try fixture.store.receipt(messageSid: "SMS1")?.summary.bodyPrunedAt != nil)
    }
}
