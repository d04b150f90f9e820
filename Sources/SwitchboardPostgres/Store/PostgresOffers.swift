import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// YES/NO on PostgreSQL: SQLite's `Offers/Offers.swift`, with the replies Core words
/// (``OfferReply``). Several listeners may take two sitters' YES for one booking at the same
/// moment: the booking's row is locked (`FOR UPDATE`) before the offer is read again and
/// answered, so the second YES waits for the first to commit and then finds the booking
/// taken. Exactly one acceptance.
extension PostgresStore {
    func answerOffer(_ c: PostgresConnection, sitter: Sitter, command: OfferCommand, channel: String, now: Date) async throws
        -> OfferReply
    {
        guard let sitterId = sitter.id else { return .noPending }
        try await expireOffers(c, sitterId: sitterId, now: now)

        let target: (offer: OfferEvent, booking: Booking)
        if let code = command.bookingCode {
            guard let named = try await offers(c, sitterId: sitterId, condition: "lower(booking.code) = lower($2)", code, limit: 1).first
            else { return .noSuchOffer(code: code) }
            target = named
        } else {
            let pending = try await offers(c, sitterId: sitterId, condition: "offer_event.status = 'offered'", nil)
            switch pending.count {
            case 1: target = pending[0]
            case 0: return try await replyWithoutPending(c, sitterId: sitterId, command: command)
            default: return .choose(codes: pending.map(\.booking.code).sorted())
            }
        }
        // Lock the booking, then read the offer and the booking again as committed now.
        guard let bookingRow = try await c.rows(
            "SELECT \(unescaped: PostgresColumns.booking) FROM booking WHERE id = \(target.booking.id!) FOR UPDATE").first,
            let offerRow = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.offer) FROM offer_event WHERE id = \(target.offer.id!) FOR UPDATE").first
        else { return .noPending }
        let booking = try Booking(postgres: bookingRow, afterOffer: false)
        let offer = try OfferEvent(postgres: offerRow)
        return try await apply(c, command.answer, to: offer, booking: booking, sitterId: sitterId, channel: channel, now: now)
    }

    private func replyWithoutPending(_ c: PostgresConnection, sitterId: RowID, command: OfferCommand) async throws -> OfferReply {
        guard let latest = try await offers(c, sitterId: sitterId, condition: "true", nil, limit: 1).first else { return .noPending }
        let code = latest.booking.code
        switch (latest.offer.status, command.answer) {
        case (.expired, _): return .expired(code: code)
        case (.accepted, .accept): return .alreadyAccepted(code: code)
        case (.declined, .decline): return .alreadyDeclined(code: code)
        case (.withdrawn, _) where latest.booking.sitterId != nil && latest.booking.sitterId != sitterId:
            return .taken(code: code)
        default: return .noPending
        }
    }

    private func apply(
        _ c: PostgresConnection, _ answer: OfferCommand.Answer, to offer: OfferEvent, booking: Booking, sitterId: RowID,
        channel: String, now: Date
    ) async throws -> OfferReply {
        var offer = offer
        let code = booking.code
        switch offer.status {
        case .accepted: return .alreadyAccepted(code: code)
        case .declined: return .alreadyDeclined(code: code)
        case .expired: return .expired(code: code)
        case .withdrawn:
            if let taker = booking.sitterId, taker != sitterId { return .taken(code: code) }
            return booking.status == .cancelled ? .cancelled(code: code) : .withdrawn(code: code)
        case .offered: break
        }
        if booking.status == .cancelled { return .cancelled(code: code) }
        if booking.status == .assigned, booking.sitterId != sitterId {
            try await close(c, &offer, as: .withdrawn, booking: booking, channel: channel, reason: "taken", now: now)
            return .taken(code: code)
        }
        let offerId = offer.id!
        switch answer {
        case .decline:
            try await c.run("UPDATE offer_event SET status = 'declined', declined_at = \(now) WHERE id = \(offerId)")
            offer.status = .declined
            offer.declinedAt = now
            try await logOffer(c, "offer.declined", offer: offer, booking: booking, channel: channel, now: now)
            try await Self.markMetricsStale(c, sitterId: sitterId)
            return .declined(code: code)
        case .accept:
            // Conditional, as a second guard beside the lock: only an offer still offered is accepted.
            let accepted = try await c.rows(
                "UPDATE offer_event SET status = 'accepted', accepted_at = \(now) WHERE id = \(offerId) AND status = 'offered' RETURNING id")
            guard !accepted.isEmpty else { return .taken(code: code) }
            offer.status = .accepted
            offer.acceptedAt = now
            try await c.run("UPDATE booking SET status = 'assigned', sitter_id = \(sitterId) WHERE id = \(booking.id!)")
            try await c.run(
                """
                UPDATE message_thread SET scope = 'client_booking', booking_id = \(booking.id!)
                WHERE assigned_sitter_id = \(sitterId) AND client_id = \(booking.clientId)
                  AND (scope = 'client_general' OR (scope = 'client_booking' AND booking_id IS NULL))
                """)
            for row in try await c.rows(
                """
                SELECT \(unescaped: PostgresColumns.offer) FROM offer_event
                WHERE booking_id = \(booking.id!) AND id <> \(offerId) AND status = 'offered' FOR UPDATE
                """)
            {
                var other = try OfferEvent(postgres: row)
                try await close(c, &other, as: .withdrawn, booking: booking, channel: channel, reason: "taken", now: now)
            }
            try await logOffer(c, "offer.accepted", offer: offer, booking: booking, channel: channel, now: now)
            try await Self.markMetricsStale(c, sitterId: sitterId)
            return .accepted(code: code)
        }
    }

    /// Marks pending offers past their expiry `expired` (one sitter's, or all), logs each,
    /// and marks the sitters' metrics stale. Rows are claimed with `FOR UPDATE SKIP LOCKED`,
    /// so every listener may sweep at once: each offer expires once.
    @discardableResult
    func expireOffers(_ c: PostgresConnection, sitterId: RowID? = nil, now: Date) async throws -> Int {
        let rows: [PostgresRow]
        if let sitterId {
            rows = try await c.rows(
                """
                SELECT \(unescaped: PostgresColumns.offer) FROM offer_event
                WHERE sitter_id = \(sitterId) AND status = 'offered' AND expires_at <= \(now) FOR UPDATE SKIP LOCKED
                """)
        } else {
            rows = try await c.rows(
                """
                SELECT \(unescaped: PostgresColumns.offer) FROM offer_event
                WHERE status = 'offered' AND expires_at <= \(now) FOR UPDATE SKIP LOCKED
                """)
        }
        var sitters: Set<RowID> = []
        for row in rows {
            var offer = try OfferEvent(postgres: row)
            guard let bookingRow = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.booking) FROM booking WHERE id = \(offer.bookingId)").first
            else { continue }
            let booking = try Booking(postgres: bookingRow, afterOffer: false)
            offer.status = .expired
            offer.closedAt = offer.expiresAt
            try await c.run("UPDATE offer_event SET status = 'expired', closed_at = expires_at WHERE id = \(offer.id!)")
            try await logOffer(c, "offer.expired", offer: offer, booking: booking, channel: "sweep", now: now)
            sitters.insert(offer.sitterId)
        }
        for sitter in sitters { try await Self.markMetricsStale(c, sitterId: sitter) }
        return rows.count
    }

    func close(
        _ c: PostgresConnection, _ offer: inout OfferEvent, as status: OfferStatus, booking: Booking, channel: String,
        reason: String, now: Date
    ) async throws {
        offer.status = status
        offer.closedAt = now
        try await c.run("UPDATE offer_event SET status = \(status.rawValue), closed_at = \(now) WHERE id = \(offer.id!)")
        try await logOffer(c, "offer.\(status.rawValue)", offer: offer, booking: booking, channel: channel, now: now, reason: reason)
    }

    func logOffer(
        _ c: PostgresConnection, _ type: String, offer: OfferEvent, booking: Booking, channel: String, now: Date,
        reason: String? = nil
    ) async throws {
        var metadata = [
            "offer_id": String(offer.id ?? 0), "sitter_id": String(offer.sitterId),
            "booking_id": String(offer.bookingId), "booking_code": booking.code, "channel": channel,
        ]
        if let reason { metadata["reason"] = reason }
        try await Self.logEvent(c, orgId: offer.orgId, type: type, metadata: metadata, bookingId: offer.bookingId, at: now)
    }

    /// A sitter's offers matching `condition` ($1 is the sitter, $2 the optional value),
    /// newest first.
    private func offers(
        _ c: PostgresConnection, sitterId: RowID, condition: String, _ value: String?, limit: Int = 1000
    ) async throws -> [(offer: OfferEvent, booking: Booking)] {
        var binds = PostgresBindings()
        binds.append(sitterId)
        if let value { binds.append(value) }
        let rows = try await c.rows(PostgresQuery(
            unsafeSQL: """
                SELECT \(PostgresColumns.offer), \(PostgresColumns.booking)
                FROM offer_event JOIN booking ON booking.id = offer_event.booking_id
                WHERE offer_event.sitter_id = $1 AND \(condition)
                ORDER BY offer_event.offered_at DESC, offer_event.id DESC LIMIT \(limit)
                """, binds: binds))
        return try rows.map { row in (try OfferEvent(postgres: row), try Booking(postgres: row, afterOffer: true)) }
    }
}
