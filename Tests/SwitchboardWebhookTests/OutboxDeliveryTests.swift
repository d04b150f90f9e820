import Foundation
import GRDB
import Logging
import SwitchboardCore
@testable import SwitchboardStore
@testable import SwitchboardWebhook
import Synchronization
import Testing

/// The outbox: replies and offers are stored by any process and delivered by the listener,
/// once each, with retries and backoff.
@Suite struct OutboxDeliveryTests {
    /// A sender that fails its first `failures` calls with `error`, then delivers as Twilio
    /// would (a SID and `sent`); it counts every call by message.
    final class ScriptedSender: OutboundSender {
        let store: AppDatabase
        let failures: Int
        let error: any Error & Sendable
        let calls = Mutex<[RowID]>([])

        init(store: AppDatabase, failures: Int = 0, error: any Error & Sendable = URLError(.notConnectedToInternet)) {
            self.store = store
            self.failures = failures
            self.error = error
        }

        func deliver(_ message: PendingOutbound) async throws -> String {
            let call = calls.withLock { calls in
                calls.append(message.event.id!)
                return calls.count
            }
            if call <= failures { throw error }
            let sid = SimulatedSender.makeMessageSid()
            try await store.recordSent(eventId: message.event.id!, messageSid: sid, status: .sent)
            return sid
        }
    }

    func queueReply(_ fixture: Fixture, _ body: String = "On my way") async throws -> RowID {
        let thread = try await fixture.store.writer.write { db in
            var thread = MessageThread(
                orgId: fixture.orgId, assignedSitterId: fixture.alice.id, scope: .clientGeneral, clientId: fixture.carol.id,
                counterpartE164: Fixture.carolPhone, maskedNumberE164: Fixture.aliceNumber, numberClass: .sitter,
                createdAt: fixture.clock.now)
            if let existing = try MessageThread.filter(sql: "counterpart_e164 = ?", arguments: [Fixture.carolPhone]).fetchOne(db) {
                return existing
            }
            try thread.insert(db)
            return thread
        }
        return try await fixture.store.queueOutbound(threadId: thread.id!, body: body).event.id!
    }

    func status(_ fixture: Fixture, _ eventId: RowID) async throws -> DeliveryStatus? {
        try await fixture.read { db in try MessageEvent.fetchOne(db, key: eventId)?.deliveryStatus }
    }

    @Test func aQueuedReplyWaitsInTheOutboxUntilTheListenerDeliversIt() async throws {
        let fixture = try Fixture.make()
        let id = try await queueReply(fixture)
        #expect(try await status(fixture, id) == .queued)
        #expect(try await fixture.store.outboxDepth() == 1)

        let sender = ScriptedSender(store: fixture.store)
        #expect(try await fixture.deliverOutbox(sender) == 1)
        #expect(try await status(fixture, id) == .sent)
        #expect(try await fixture.store.outboxDepth() == 0)
        #expect(try await fixture.deliverOutbox(sender) == 0, "nothing is sent twice")
        #expect(sender.calls.withLock { $0 } == [id])
    }

    @Test func aFailureWorthRetryingIsTriedAgainWithADoublingDelay() async throws {
        let fixture = try Fixture.make()
        let id = try await queueReply(fixture)
        let sender = ScriptedSender(store: fixture.store, failures: 2)
        let retry = DeliveryRetryPolicy(firstDelay: 5, maximumDelay: 300, maximumAttempts: 8)

        #expect(try await fixture.deliverOutbox(sender, retry: retry) == 0)
        var note = try #require(try fixture.store.read { try $0.outboxNotes(ofMessages: [id])[id] })
        #expect(note.attempts == 1)
        #expect(note.nextAttemptAt == fixture.clock.now.addingTimeInterval(5).storedPrecision)
        #expect(note.lastError?.isEmpty == false)
        #expect(try await status(fixture, id) == .queued, "a retried message stays queued")
        #expect(try fixture.store.nextOutboundAttempt() == note.nextAttemptAt)

        // Not due yet: nothing is tried.
        fixture.clock.advance(by: 4)
        #expect(try await fixture.deliverOutbox(sender, retry: retry) == 0)
        #expect(sender.calls.withLock { $0.count } == 1)

        fixture.clock.advance(by: 1)
        #expect(try await fixture.deliverOutbox(sender, retry: retry) == 0)
        note = try #require(try fixture.store.read { try $0.outboxNotes(ofMessages: [id])[id] })
        #expect(note.attempts == 2)
        #expect(note.nextAttemptAt == fixture.clock.now.addingTimeInterval(10).storedPrecision, "the delay doubles")

        fixture.clock.advance(by: 10)
        #expect(try await fixture.deliverOutbox(sender, retry: retry) == 1)
        #expect(try await status(fixture, id) == .sent)
        #expect(try await fixture.store.outboxDepth() == 0)
    }

    @Test func aMessageIsGivenUpAfterTheLastAttemptAndMarkedFailed() async throws {
        let fixture = try Fixture.make()
        let id = try await queueReply(fixture)
        let sender = ScriptedSender(store: fixture.store, failures: .max)
        let retry = DeliveryRetryPolicy(firstDelay: 1, maximumDelay: 2, maximumAttempts: 3)
        for _ in 0..<3 {
            try await fixture.deliverOutbox(sender, retry: retry)
            fixture.clock.advance(by: 2)
        }
        #expect(sender.calls.withLock { $0.count } == 3)
        #expect(try await status(fixture, id) == .failed)
        #expect(try await fixture.store.outboxDepth() == 0)
        #expect(try await fixture.events("message.failed").count == 1)
        fixture.clock.advance(by: 60)
        #expect(try await fixture.deliverOutbox(sender, retry: retry) == 0)
        #expect(sender.calls.withLock { $0.count } == 3)
    }

    @Test func aRefusalAnotherTryWouldNotChangeFailsAtOnce() async throws {
        let fixture = try Fixture.make()
        let id = try await queueReply(fixture)
        let refused = TwilioMessagesClient.APIError(httpStatus: 400, code: 21211, message: "Invalid 'To' Phone Number", moreInfo: nil)
        try await fixture.deliverOutbox(ScriptedSender(store: fixture.store, failures: 1, error: refused))
        #expect(try await status(fixture, id) == .failed)
        #expect(try await fixture.events("message.failed").first?.metadata.contains("21211") == true)

        // Twilio's own trouble (429, 5xx) is worth another try.
        #expect(OutboxDelivery.isWorthRetrying(TwilioMessagesClient.APIError(httpStatus: 503, code: nil, message: "down", moreInfo: nil)))
        #expect(OutboxDelivery.isWorthRetrying(TwilioMessagesClient.APIError(httpStatus: 429, code: 20429, message: "slow", moreInfo: nil)))
        #expect(OutboxDelivery.isWorthRetrying(URLError(.timedOut)))
        #expect(!OutboxDelivery.isWorthRetrying(OutboundError(.optedOut, "STOP")))
    }

    @Test func twoListenersDeliveringAtOnceSendEachMessageOnce() async throws {
        let fixture = try Fixture.make(onDisk: true)
        var ids: [RowID] = []
        for n in 0..<40 { ids.append(try await queueReply(fixture, "message \(n)")) }
        let sender = ScriptedSender(store: fixture.store)
        async let first = fixture.deliverOutbox(sender)
        async let second = fixture.deliverOutbox(sender)
        #expect(try await first + second == 40)
        let calls = sender.calls.withLock { $0 }
        #expect(calls.sorted() == ids.sorted(), "each message handed to the sender exactly once")
    }

    @Test func aClaimLeftByAListenerThatDiedIsTakenUpWhenItsLeaseEnds() async throws {
        let fixture = try Fixture.make()
        let id = try await queueReply(fixture)
        // A listener claims the message and dies before sending it.
        #expect(try await fixture.store.claimDueOutbound().map(\.message.event.id) == [id])
        let sender = ScriptedSender(store: fixture.store)
        #expect(try await fixture.deliverOutbox(sender) == 0, "the claim holds while its lease runs")
        #expect(try fixture.store.nextOutboundAttempt() == fixture.clock.now.addingTimeInterval(AppDatabase.outboxClaimLease).storedPrecision)
        fixture.clock.advance(by: AppDatabase.outboxClaimLease)
        #expect(try await fixture.deliverOutbox(sender) == 1)
        #expect(try await status(fixture, id) == .sent)
    }

    @Test func theRunningServiceDeliversAReplyAnotherProcessQueues() async throws {
        let fixture = try Fixture.make(onDisk: true)
        let sender = ScriptedSender(store: fixture.store)
        let delivery = OutboxDelivery(store: fixture.store, sender: sender, logger: Logger(label: "test"))
        let service = Task { try await delivery.run() }
        defer { service.cancel() }
        // Another process (a console attached to serve) opens the same file and queues a reply.
        let console = try AppDatabase.open(path: fixture.store.writer.path, clock: fixture.clock.wallClock)
        let changes = fixture.store.changes()
        let thread = try await fixture.store.writer.write { db in
            var thread = MessageThread(
                orgId: fixture.orgId, scope: .clientGeneral, clientId: fixture.carol.id, counterpartE164: Fixture.carolPhone,
                maskedNumberE164: Fixture.frontDesk, numberClass: .frontDesk, createdAt: fixture.clock.now)
            try thread.insert(db)
            return thread
        }
        let id = try await console.queueOutbound(threadId: thread.id!, body: "From the other console").event.id!
        for await _ in changes where try await status(fixture, id) == .sent { break }
        #expect(try await status(fixture, id) == .sent)
        #expect(sender.calls.withLock { $0 } == [id])
    }

    @Test func anOfferClosedBeforeItsTextLeftIsNeverSent() async throws {
        let fixture = try Fixture.make()
        let expiry = fixture.clock.now.addingTimeInterval(3600)
        let withdrawn = try await fixture.store.createOffer(bookingId: try fixture.booking("B1").id!, sitterId: fixture.alice.id!, expiresAt: expiry)
        let expiring = try await fixture.store.createOffer(
            bookingId: try fixture.booking("B2").id!, sitterId: fixture.alice.id!, expiresAt: fixture.clock.now.addingTimeInterval(60))
        let kept = try await fixture.store.createOffer(bookingId: try fixture.booking("B3").id!, sitterId: fixture.alice.id!, expiresAt: expiry)
        #expect(try await fixture.store.outboxDepth() == 3)

        _ = try await fixture.store.withdrawOffer(offerId: withdrawn.offer.id!)
        fixture.clock.advance(by: 61)
        #expect(try await fixture.store.expireOffers() == 1)

        let sender = ScriptedSender(store: fixture.store)
        #expect(try await fixture.deliverOutbox(sender) == 1)
        #expect(sender.calls.withLock { $0 } == [kept.invitation!.event.id!], "only the offer still open is texted")
        #expect(try await status(fixture, withdrawn.invitation!.event.id!) == .canceled)
        #expect(try await status(fixture, expiring.invitation!.event.id!) == .canceled)
    }
}
