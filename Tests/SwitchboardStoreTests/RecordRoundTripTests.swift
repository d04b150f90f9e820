import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// The hand-written `init(row:)` of the hot records read back exactly what was written.
struct RecordRoundTripTests {
    @Test("Thread, message, sitter and metrics window: every field survives a write and a read")
    func roundTrip() throws {
        let store = try AppDatabase.makeEmpty()
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            let when = Date(timeIntervalSince1970: 1_800_000_123)  // whole seconds: stored exactly
            var booking = Booking(orgId: world.org.id!, code: "B7", clientId: world.client.id!, service: "walk", startsAt: when, endsAt: when + 60)
            try booking.insert(db)
            var thread = MessageThread(
                orgId: world.org.id!, assignedSitterId: world.sitter.id, scope: .clientBooking, bookingId: booking.id,
                clientId: world.client.id, counterpartE164: "+15550000002", maskedNumberE164: "+15550000101",
                numberClass: .sitter, createdAt: when, lastMessageAt: when + 5, unread: 3)
            try thread.insert(db)
            #expect(try MessageThread.fetchOne(db, key: thread.id) == thread)

            var event = MessageEvent(
                orgId: world.org.id!, threadId: thread.id!, direction: .outbound, actorType: .sitter, body: "On my way 🐕",
                providerMessageSid: "SMround", createdAt: when, deliveryStatus: .delivered)
            try event.insert(db)
            #expect(try MessageEvent.fetchOne(db, key: event.id) == event)

            var sitter = Sitter(orgId: world.org.id!, name: "Zoë", phoneE164: "+15550000077", active: false, optedOut: true)
            try sitter.insert(db)
            #expect(try Sitter.fetchOne(db, key: sitter.id) == sitter)

            var window = SitterMetricsWindow(
                orgId: world.org.id!, sitterId: sitter.id!, windowStart: when - 86_400, windowEnd: when, avgResponseSeconds: 12.5,
                medianResponseSeconds: 10, responseRate: 0.75, offerAcceptRate: nil, offerMedianResponseSeconds: 33,
                responseRequiredCount: 4, responseSampleCount: 3, offerSampleCount: 2, offerAcceptedCount: 1,
                offerResponseSampleCount: 1, tier: "silver", computedAt: when)
            try window.insert(db)
            #expect(try SitterMetricsWindow.fetchOne(db, key: window.id) == window)
        }
    }
}
