import Foundation
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// Offering a booking from a console or the command line, on either engine.
@Suite struct OfferConformanceTests {
    @Test(arguments: Engine.allCases) func anOfferQueuesItsInvitationOnceAndWithdrawingCancelsIt(engine: Engine) async throws {
        let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))
        try await withFreshStore(engine, clock: clock) { store in
            let org = try await store.importFile(atPath: demoImportPath).orgId
            let booking = try #require(try store.read { try $0.openBookings(of: org, limit: 1) }.first)
            let sitter = try #require(try store.read { try $0.sitters(of: org) }.first(where: { $0.active && !$0.optedOut }))
            let expires = clock.now.addingTimeInterval(3600)
            /// The sitters pane's badge (a counter kept by triggers since migration v8).
            func pendingBadge() throws -> Int? { try store.read { try $0.sitterMailbox(sitter.id!, now: clock.now) }?.pendingOffers }
            let before = try #require(try pendingBadge())

            let created = try await store.createOffer(bookingId: booking.id, sitterId: sitter.id!, expiresAt: expires)
            #expect(created.created && created.offer.status == .offered)
            let invitation = try #require(created.invitation)
            #expect(invitation.event.body.contains(booking.code) && invitation.event.deliveryStatus == .queued)
            #expect(invitation.to == sitter.phoneE164)
            let again = try await store.createOffer(bookingId: booking.id, sitterId: sitter.id!, expiresAt: expires)
            #expect(!again.created && again.offer.id == created.offer.id && again.invitation == nil)
            #expect(try store.read { try $0.pendingOffers(ofSitter: sitter.id!, now: clock.now, limit: 50) }.contains { $0.code == booking.code })
            #expect(try pendingBadge() == before + 1, "the new offer counted once")

            let withdrawn = try await store.withdrawOffer(offerId: created.offer.id!)
            #expect(withdrawn.status == .withdrawn)
            #expect(try pendingBadge() == before, "the withdrawn offer counted out")
            let notes = try store.read { try $0.outboxNotes(ofMessages: [invitation.event.id!]) }
            #expect(notes.isEmpty)
            let thread = try #require(try store.read { try $0.messages(inThread: invitation.event.threadId, limit: 50, skippingNewest: 0) }
                .first { $0.id == invitation.event.id })
            #expect(thread.deliveryStatus == .canceled)

            await #expect(throws: StoreError.self) {
                try await store.createOffer(bookingId: booking.id, sitterId: sitter.id!, expiresAt: clock.now.addingTimeInterval(-1))
            }
            await #expect(throws: StoreError.self) { try await store.createOffer(bookingId: 999_999, sitterId: sitter.id!, expiresAt: expires) }
        }
    }
}
