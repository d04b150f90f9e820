import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

/// SPEC §4 end to end: signed webhooks against the listener and a temporary database.
@Suite struct OfferCommandTests {
    @Test(arguments: Drive.allCases)
    func yesAcceptsTheOnlyPendingOffer(_ drive: Drive) async throws {
        let fixture = try Fixture.make(onDisk: drive == .live)
        let booking = try fixture.booking("B1042")
        let mine = try await fixture.offer(booking, to: fixture.alice)
        let bobs = try await fixture.offer(booking, to: fixture.bob)
        // Alice already talks with Carol about something else: that thread becomes the booking's.
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Hi Alice")
        }
        fixture.clock.advance(by: 120)
        let response = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.alicePhone, to: Fixture.frontDesk, body: "YES")
        }
        #expect(sansAction(response.text) == reply("Booking B1042 is yours. Thank you!"))
        let accepted = try await fixture.offer(mine.id!)
        #expect(accepted.status == .accepted)
        #expect(accepted.acceptedAt == fixture.clock.now.storedPrecision)
        #expect(try await fixture.offer(bobs.id!).status == .withdrawn)
        let assigned = try await fixture.bookingNamed("B1042")
        #expect(assigned.status == .assigned && assigned.sitterId == fixture.alice.id)
        let carolThread = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        #expect(carolThread.scope == .clientBooking && carolThread.bookingId == booking.id)

        let log = try #require(try await fixture.events("offer.accepted").first)
        let metadata = try JSONDecoder().decode([String: String].self, from: Data(log.metadata.utf8))
        #expect(metadata["sitter_id"] == String(fixture.alice.id!))
        #expect(metadata["booking_code"] == "B1042")
        #expect(metadata["channel"] == "sms")
        #expect(log.bookingId == booking.id)
        #expect(try await fixture.events("offer.withdrawn").count == 1)
        #expect(try await fixture.events("offer.created").count == 2)
        // The exchange is visible to the owner in Alice's owner thread.
        let ownerThread = try #require(try await fixture.threads(counterpart: Fixture.alicePhone).first)
        let bodies = try await fixture.read { db in try AppDatabase.messages(db, threadId: ownerThread.id!, limit: 10).map(\.body) }
        #expect(bodies.suffix(2) == ["YES", "Booking B1042 is yours. Thank you!"])
    }

    struct Scenario: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var from: String = Fixture.alicePhone
        var answer: String
        var prepare: @Sendable (Fixture) async throws -> Void
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "no pending offers", body: "YES", answer: reply("You have no pending offers.")) { _ in },
        Scenario(name: "several offers, no code", body: "yes", answer: reply("You have 2 pending offers: B1042, B1043. Reply Y or N with the code, e.g. Y B1042.")) { fixture in
            try await fixture.offer(try fixture.booking("B1043"), to: fixture.alice)
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
        Scenario(name: "several offers, with a code", body: "Y b1043", answer: reply("Booking B1043 is yours. Thank you!")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
            try await fixture.offer(try fixture.booking("B1043"), to: fixture.alice)
        },
        Scenario(name: "expired", body: "ACCEPT", answer: reply("Offer B1042 has expired.")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice, expiresIn: 60)
            fixture.clock.advance(by: 61)
        },
        Scenario(name: "taken by another sitter", body: "YES B1042", answer: reply("Booking B1042 was already taken.")) { fixture in
            let booking = try fixture.booking("B1042")
            try await fixture.offer(booking, to: fixture.alice)
            try await fixture.offer(booking, to: fixture.bob)
            let bob = try await fixture.store.ingestInbound(smsRequest(from: Fixture.bobPhone, body: "Y"))
            #expect(sansAction(bob.body) == reply("Booking B1042 is yours. Thank you!"))
        },
        Scenario(name: "no such booking", body: "YES B9999", answer: reply("You have no offer for booking B9999.")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
        Scenario(name: "booking cancelled after the offer", body: "Y", answer: reply("Booking B1042 was cancelled.")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
            try await fixture.store.writer.write { db in try db.execute(sql: "UPDATE booking SET status = 'cancelled'") }
        },
        Scenario(name: "yes with punctuation", body: "yes!!", answer: reply("Booking B1042 is yours. Thank you!")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
        Scenario(name: "Y with spaces", body: " Y ", answer: reply("Booking B1042 is yours. Thank you!")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
        Scenario(name: "decline", body: "No.", answer: reply("Declined booking B1042. Thanks for letting us know.")) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
        Scenario(name: "Yes please is not a command", body: "Yes please", answer: TwiML.empty) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
        Scenario(name: "YES from an unknown number is a client message", body: "YES", from: Fixture.strangerPhone, answer: TwiML.empty) { fixture in
            try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        },
    ]

    @Test(arguments: scenarios, Drive.allCases)
    func answersEveryCase(_ scenario: Scenario, _ drive: Drive) async throws {
        let fixture = try Fixture.make(onDisk: drive == .live)
        try await scenario.prepare(fixture)
        let response = try await fixture.withListener(drive) { client in
            try await client.sms(from: scenario.from, to: Fixture.frontDesk, body: scenario.body)
        }
        #expect(response.status == .ok)
        #expect(sansAction(response.text) == scenario.answer)
    }

    @Test func sideEffectsOfTheEdgeCases() async throws {
        // Expired: marked on read, logged once.
        let expired = try Fixture.make()
        let offer = try await expired.offer(try expired.booking("B1042"), to: expired.alice, expiresIn: 60)
        expired.clock.advance(by: 61)
        _ = try await expired.store.ingestInbound(smsRequest(from: Fixture.alicePhone, body: "Y"))
        #expect(try await expired.offer(offer.id!).status == .expired)
        #expect(try await expired.events("offer.expired").count == 1)
        #expect(try await expired.bookingNamed("B1042").status == .open)

        // Not a command, unknown sender: nothing about the offer changes.
        for (phone, body) in [(Fixture.alicePhone, "Yes please"), (Fixture.strangerPhone, "YES")] {
            let fixture = try Fixture.make()
            let pending = try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
            _ = try await fixture.store.ingestInbound(smsRequest(from: phone, body: body))
            #expect(try await fixture.offer(pending.id!).status == .offered)
            #expect(try await fixture.events("offer.accepted").isEmpty)
        }
    }

    @Test func repeatedCommandChangesNothingAndSaysSo() async throws {
        let fixture = try Fixture.make()
        try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        let first = try await fixture.store.ingestInbound(smsRequest(from: Fixture.alicePhone, body: "YES"))
        let again = try await fixture.store.ingestInbound(smsRequest(from: Fixture.alicePhone, body: "YES"))
        let named = try await fixture.store.ingestInbound(smsRequest(from: Fixture.alicePhone, body: "N B1042"))
        #expect(sansAction(first.body) == reply("Booking B1042 is yours. Thank you!"))
        #expect(sansAction(again.body) == reply("You already accepted booking B1042; nothing changed."))
        #expect(sansAction(named.body) == reply("You already accepted booking B1042; nothing changed."))
        #expect(try await fixture.events("offer.accepted").count == 1)
        #expect(try await fixture.events("offer.declined").isEmpty)
    }

    @Test func twoYesAtTheSameMomentMakeOneAcceptance() async throws {
        let fixture = try Fixture.make(onDisk: true)
        let booking = try fixture.booking("B1042")
        try await fixture.offer(booking, to: fixture.alice)
        try await fixture.offer(booking, to: fixture.bob)
        let answers = try await fixture.withListener(.concurrent) { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                for phone in [Fixture.alicePhone, Fixture.alicePhone, Fixture.bobPhone, Fixture.bobPhone] {
                    group.addTask { try await client.sms(from: phone, to: Fixture.frontDesk, body: "YES").text }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(answers.filter { sansAction($0) == reply("Booking B1042 is yours. Thank you!") }.count == 1)
        #expect(try await fixture.events("offer.accepted").count == 1)
        #expect(try await fixture.count("SELECT count(*) FROM offer_event WHERE status = 'accepted'") == 1)
        let winner = try await fixture.bookingNamed("B1042").sitterId
        #expect(winner == fixture.alice.id || winner == fixture.bob.id)
    }
}

@Suite struct OfferLifecycleTests {
    @Test func createOfferIsIdempotentAndTextsTheSitter() async throws {
        let fixture = try Fixture.make()
        let booking = try fixture.booking("B1042")
        let expiry = fixture.clock.now.addingTimeInterval(3600)
        let first = try await fixture.store.createOffer(bookingId: booking.id!, sitterId: fixture.alice.id!, expiresAt: expiry)
        let second = try await fixture.store.createOffer(bookingId: booking.id!, sitterId: fixture.alice.id!, expiresAt: expiry)
        #expect(first.created && !second.created)
        #expect(first.offer.id == second.offer.id)
        #expect(try await fixture.events("offer.created").count == 1)
        let invitation = try #require(first.invitation)
        #expect(invitation.to == Fixture.alicePhone && invitation.from == Fixture.frontDesk)
        #expect(invitation.event.body.contains("Reply Y B1042"))
        #expect(try await fixture.count("SELECT count(*) FROM message_event WHERE direction = 'outbound'") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM outbox") == 1, "the invitation waits for the listener to send it")
    }

    @Test func refusesOffersThatCannotBeMade() async throws {
        let fixture = try Fixture.make()
        let taken = try fixture.booking("B1", status: .assigned, sitter: fixture.bob)
        let cancelled = try fixture.booking("B2", status: .cancelled)
        for booking in [taken, cancelled] {
            await #expect(throws: StoreError.self) {
                try await fixture.store.createOffer(bookingId: booking.id!, sitterId: fixture.alice.id!, expiresAt: fixture.clock.now.addingTimeInterval(60))
            }
        }
        // A sitter who texted STOP cannot be texted an offer.
        _ = try await fixture.store.ingestInbound(smsRequest(from: Fixture.alicePhone, body: "STOP"))
        let open = try fixture.booking("B3")
        await #expect(throws: StoreError.self) {
            try await fixture.store.createOffer(bookingId: open.id!, sitterId: fixture.alice.id!, expiresAt: fixture.clock.now.addingTimeInterval(60))
        }
        #expect(try await fixture.count("SELECT count(*) FROM offer_event") == 0)
    }

    @Test func sweepExpiresAndWithdrawIsIdempotent() async throws {
        let fixture = try Fixture.make()
        let booking = try fixture.booking("B1042")
        let short = try await fixture.offer(booking, to: fixture.alice, expiresIn: 10)
        let long = try await fixture.offer(booking, to: fixture.bob, expiresIn: 1000)
        fixture.clock.advance(by: 11)
        #expect(try await fixture.store.expireOffers() == 1)
        #expect(try await fixture.store.expireOffers() == 0)
        #expect(try await fixture.offer(short.id!).status == .expired)
        try await fixture.store.withdrawOffer(offerId: long.id!)
        try await fixture.store.withdrawOffer(offerId: long.id!)
        #expect(try await fixture.offer(long.id!).status == .withdrawn)
        #expect(try await fixture.events("offer.expired").count == 1)
        #expect(try await fixture.events("offer.withdrawn").count == 1)
        let metadata = try #require(try await fixture.events("offer.withdrawn").first?.metadata)
        #expect(metadata.contains(#""channel":"console""#) && metadata.contains(#""sitter_id":"\#(fixture.bob.id!)""#))
    }
}

/// An inbound SMS to the front desk, for tests that call the store directly.
func smsRequest(from: String, body: String, to: String = Fixture.frontDesk) -> InboundSMS {
    InboundSMS(sid: SimulatedSender.makeMessageSid(), from: from, to: to, body: body)
}

extension AppDatabase {
    /// Ingests `sms` as the listener does, answered as the listener answers.
    func ingestInbound(_ sms: InboundSMS) async throws -> WebhookAnswer {
        try await ingest(
            sms, received: ReceivedWebhook(
                path: "/api/twilio/inbound", rawBody: "", headers: ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil)),
            answer: TwiMLAnswers(publicURL: Fixture.publicURL).inbound)
    }
}
