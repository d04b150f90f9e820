import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

@Suite struct DuplicateTests {
    @Test(arguments: Drive.allCases)
    func duplicateGetsTheFirstAnswerAndNoSecondRow(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let offered = try fixture.booking("B1042")
        try await fixture.offer(offered, to: fixture.alice)
        let (first, second) = try await fixture.withListener(drive) { client in
            (try await client.sms(from: Fixture.alicePhone, to: Fixture.frontDesk, body: "YES", sid: "SMDUP"),
             try await client.sms(from: Fixture.alicePhone, to: Fixture.frontDesk, body: "YES", sid: "SMDUP"))
        }
        #expect(sansAction(first.text) == reply("Booking B1042 is yours. Thank you!"))
        #expect(second.text == first.text)
        #expect(try await fixture.messages(sid: "SMDUP").count == 1)
        #expect(try await fixture.events("offer.accepted").count == 1)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE message_sid = 'SMDUP'") == 2)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'duplicate'") == 1)
    }

    @Test func concurrentDuplicatesMakeOneRowAndOneAnswer() async throws {
        let fixture = try Fixture.make(onDisk: true)
        let answers = try await fixture.withListener(.concurrent) { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "same", sid: "SMSAME").text }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(Set(answers).count == 1)
        #expect(try await fixture.messages(sid: "SMSAME").count == 1)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'accepted'") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'duplicate'") == 7)
    }
}

@Suite struct StatusCallbackTests {
    @Test(arguments: Drive.allCases)
    func statusCallbackUpdatesTheMessageItNames(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let thread = try await fixture.store.writer.write { db in
            var thread = MessageThread(
                orgId: fixture.orgId, scope: .clientGeneral, clientId: fixture.carol.id, counterpartE164: Fixture.carolPhone,
                maskedNumberE164: Fixture.frontDesk, numberClass: .frontDesk, createdAt: fixture.clock.now)
            try thread.insert(db)
            return thread
        }
        let pending = try await fixture.store.queueOutbound(threadId: thread.id!, body: "Hello Carol")
        try await fixture.store.recordSent(eventId: pending.event.id!, messageSid: "SMOUT", status: .queued)
        let responses = try await fixture.withListener(drive) { client in
            [try await client.post("/api/twilio/status", [("MessageSid", "SMOUT"), ("MessageStatus", "delivered")]),
             try await client.post("/api/twilio/status", [("MessageSid", "SMOUT"), ("MessageStatus", "sent")]),
             try await client.post("/api/twilio/status", [("MessageSid", "SMNONE"), ("MessageStatus", "sent")])]
        }
        #expect(responses.map(\.status) == [.ok, .ok, .ok])
        #expect(try await fixture.messages(sid: "SMOUT").first?.deliveryStatus == .delivered, "a late `sent` does not undo `delivered`")
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'ignored'") == 1)
    }
}
