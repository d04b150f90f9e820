import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStore {
    /// SQLite's `createOffer`: the same refusals, idempotent for a pending offer, the
    /// invitation queued in the sitter's `owner_sitter` thread through the one outbound path
    /// (`switchboard_queue_outbound`), tied to the offer so closing it cancels the text.
    public func createOffer(bookingId: RowID, sitterId: RowID, expiresAt: Date, channel: String) async throws -> OfferCreation {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            // One offer decision per booking at a time, whichever console or listener makes it.
            guard let booking = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.booking) FROM booking WHERE id = \(bookingId) FOR UPDATE"
            ).first.map({ try Booking(postgres: $0, afterOffer: false) })
            else { throw StoreError(.notFound, "booking \(bookingId) does not exist") }
            let sitter = try OfferCreation.offerable(
                booking: booking,
                sitter: try await c.rows("SELECT \(unescaped: PostgresColumns.sitter) FROM sitter WHERE id = \(sitterId)")
                    .first.map(Sitter.init(postgres:)),
                sitterId: sitterId, expiresAt: expiresAt, now: now)

            if let existing = try await c.rows(
                """
                SELECT \(unescaped: PostgresColumns.offer) FROM offer_event
                WHERE booking_id = \(bookingId) AND sitter_id = \(sitterId) AND status = 'offered' AND expires_at > \(now)
                LIMIT 1
                """
            ).first.map(OfferEvent.init(postgres:)) {
                return OfferCreation(offer: existing, created: false, invitation: nil)
            }
            var offer = OfferEvent(orgId: booking.orgId, sitterId: sitterId, bookingId: bookingId, offeredAt: now, expiresAt: expiresAt.storedPrecision)
            offer.id = try await c.first(
                """
                INSERT INTO offer_event (org_id, sitter_id, booking_id, status, offered_at, expires_at)
                VALUES (\(offer.orgId), \(sitterId), \(bookingId), 'offered', \(now), \(offer.expiresAt)) RETURNING id
                """, as: Int64.self)
            try await logOffer(c, "offer.created", offer: offer, booking: booking, channel: channel, now: now)

            let thread = try await Self.ownerSitterThread(c, sitter: sitter, now: now)
            let zone = try await c.first("SELECT time_zone FROM org WHERE id = \(booking.orgId)", as: String?.self)
                .flatMap { $0.flatMap(TimeZone.init(identifier:)) } ?? .current
            let text = OfferInvitation.text(
                code: booking.code, service: booking.service, startsAt: booking.startsAt, endsAt: booking.endsAt,
                expiresAt: expiresAt, timeZone: zone)
            guard let eventId = try await c.first(
                "SELECT switchboard_queue_outbound(\(thread.id!), 'system', \(text), \(offer.id!), \(now))", as: Int64.self),
                let eventRow = try await c.rows("SELECT \(unescaped: PostgresColumns.event) FROM message_event WHERE id = \(eventId)").first,
                let to = thread.counterpartE164, let from = thread.maskedNumberE164
            else { throw StoreError(.notFound, "the invitation to \(sitter.name) was not stored") }
            let invitation = PendingOutbound(event: try MessageEvent(postgres: eventRow), to: to, from: from)
            return OfferCreation(offer: offer, created: true, invitation: invitation)
        }
    }

    /// Withdraws a pending offer (its unsent invitation is cancelled by the trigger).
    public func withdrawOffer(offerId: RowID, channel: String) async throws -> OfferEvent {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            guard var offer = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.offer) FROM offer_event WHERE id = \(offerId) FOR UPDATE"
            ).first.map(OfferEvent.init(postgres:))
            else { throw StoreError(.notFound, "offer \(offerId) does not exist") }
            guard offer.status == .offered, let booking = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.booking) FROM booking WHERE id = \(offer.bookingId)"
            ).first.map({ try Booking(postgres: $0, afterOffer: false) })
            else { return offer }
            try await close(c, &offer, as: .withdrawn, booking: booking, channel: channel, reason: "withdrawn", now: now)
            return offer
        }
    }
}
