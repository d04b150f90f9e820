import Foundation
import GRDB
import SwitchboardCore

/// An offer together with its booking: what answering an offer needs to know.
public struct OfferWithBooking: Sendable, Equatable {
    public var offer: OfferEvent
    public var booking: Booking
}

extension OfferCreation {
    /// The sitter a booking may be offered to: refused (on every engine in the same words)
    /// when she is not in the booking's org, the booking is not open, she is inactive or has
    /// opted out, or the offer would expire before it is sent.
    public static func offerable(booking: Booking, sitter: Sitter?, sitterId: RowID, expiresAt: Date, now: Date) throws -> Sitter {
        guard let sitter, sitter.orgId == booking.orgId else {
            throw StoreError(.notFound, "sitter \(sitterId) does not exist in the booking's org")
        }
        switch booking.status {
        case .cancelled: throw StoreError(.refused, "booking \(booking.code) is cancelled; it cannot be offered")
        case .assigned: throw StoreError(.refused, "booking \(booking.code) is already assigned; unassign it before offering it")
        case .open: break
        }
        guard sitter.active else { throw StoreError(.refused, "\(sitter.name) is not active; activate them before offering a booking") }
        guard !sitter.optedOut else {
            throw StoreError(.refused, "\(sitter.name) has opted out of texts; they must text START before they can receive an offer")
        }
        guard expiresAt > now else { throw StoreError(.refused, "the offer would expire before it is sent; give it a later expiry") }
        return sitter
    }
}

/// What creating an offer did: the offer, and the invitation SMS to send when it is new.
public struct OfferCreation: Sendable, Equatable {
    public var offer: OfferEvent
    /// False when the same sitter already had a pending offer for the booking (idempotent).
    public var created: Bool
    /// The invitation, stored and waiting for a sender; nil when nothing new was created.
    public var invitation: PendingOutbound?

    public init(offer: OfferEvent, created: Bool, invitation: PendingOutbound?) {
        self.offer = offer
        self.created = created
        self.invitation = invitation
    }
}

extension AppDatabase {
    // MARK: - Offer lifecycle (inside a caller's transaction)

    /// Offers `bookingId` to `sitterId` until `expiresAt`, logs `offer.created`, and stores
    /// the invitation SMS in the sitter's `owner_sitter` thread, ready to send.
    ///
    /// Idempotent: when the sitter already has a pending offer for the booking, that offer is
    /// returned and nothing is written.
    public func createOffer(
        _ db: Database, bookingId: RowID, sitterId: RowID, expiresAt: Date, channel: String, now: Date
    ) throws -> OfferCreation {
        guard let booking = try Booking.fetchOne(db, key: bookingId) else {
            throw StoreError(.notFound, "booking \(bookingId) does not exist")
        }
        let sitter = try OfferCreation.offerable(
            booking: booking, sitter: try Sitter.fetchOne(db, key: sitterId), sitterId: sitterId, expiresAt: expiresAt, now: now)

        if let existing = try OfferEvent
            .filter(sql: "booking_id = ? AND sitter_id = ? AND status = 'offered' AND expires_at > ?", arguments: [bookingId, sitterId, now])
            .fetchOne(db)
        {
            return OfferCreation(offer: existing, created: false, invitation: nil)
        }
        var offer = OfferEvent(
            orgId: booking.orgId, sitterId: sitterId, bookingId: bookingId, offeredAt: now.storedPrecision,
            expiresAt: expiresAt)
        try offer.insert(db)
        try logOffer(db, "offer.created", offer: offer, booking: booking, channel: channel, now: now)

        let thread = try ownerSitterThread(db, sitter: sitter, now: now)
        let zone = try Org.fetchOne(db, key: booking.orgId)?.zone ?? .current
        let text = OfferInvitation.text(
            code: booking.code, service: booking.service, startsAt: booking.startsAt, endsAt: booking.endsAt,
            expiresAt: expiresAt, timeZone: zone)
        let invitation = try queueOutbound(db, to: thread, actor: .system, body: text, offerId: offer.id, now: now)
        return OfferCreation(offer: offer, created: true, invitation: invitation)
    }

    /// Applies a sitter's YES/NO (SPEC §4) and says what to answer. Never throws for a
    /// command that cannot apply: the sitter is told why instead.
    public func answerOffer(
        _ db: Database, sitter: Sitter, command: OfferCommand, channel: String, now: Date
    ) throws -> OfferReply {
        guard let sitterId = sitter.id else { return .noPending }
        try expireOffers(db, sitterId: sitterId, now: now)

        let target: OfferWithBooking
        if let code = command.bookingCode {
            guard let named = try offers(db, sitterId: sitterId, sql: "booking.code = ? COLLATE NOCASE", [code], limit: 1).first else {
                return .noSuchOffer(code: code)
            }
            target = named
        } else {
            let pending = try offers(db, sitterId: sitterId, sql: "offer_event.status = 'offered'", [])
            switch pending.count {
            case 1: target = pending[0]
            case 0: return try replyWithoutPending(db, sitterId: sitterId, command: command)
            default: return .choose(codes: pending.map(\.booking.code).sorted())
            }
        }
        return try apply(db, command.answer, to: target, sitterId: sitterId, channel: channel, now: now)
    }

    /// With nothing pending and no code, the sitter's latest offer explains the situation:
    /// a repeated command is told nothing changed; an expired or taken offer is named.
    private func replyWithoutPending(_ db: Database, sitterId: RowID, command: OfferCommand) throws -> OfferReply {
        guard let latest = try offers(db, sitterId: sitterId, sql: "1", [], limit: 1).first else { return .noPending }
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
        _ db: Database, _ answer: OfferCommand.Answer, to target: OfferWithBooking, sitterId: RowID, channel: String,
        now: Date
    ) throws -> OfferReply {
        var offer = target.offer
        var booking = target.booking
        let code = booking.code
        switch offer.status {
        // A repeated or contrary command changes nothing: the first answer stands.
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
            // Assigned by the owner directly: this offer can no longer be taken.
            try close(db, &offer, as: .withdrawn, booking: booking, channel: channel, reason: "taken", now: now)
            return .taken(code: code)
        }

        let at = now.storedPrecision
        switch answer {
        case .decline:
            offer.status = .declined
            offer.declinedAt = at
            try offer.update(db, columns: ["status", "declined_at"])
            try logOffer(db, "offer.declined", offer: offer, booking: booking, channel: channel, now: now)
            try Self.markMetricsStale(db, sitterId: sitterId)
            return .declined(code: code)
        case .accept:
            offer.status = .accepted
            offer.acceptedAt = at
            try offer.update(db, columns: ["status", "accepted_at"])
            booking.status = .assigned
            booking.sitterId = sitterId
            try booking.update(db, columns: ["status", "sitter_id"])
            // The sitter's conversations with this client are now about this booking.
            try db.execute(
                sql: """
                    UPDATE message_thread SET scope = 'client_booking', booking_id = ?
                    WHERE assigned_sitter_id = ? AND client_id = ?
                      AND (scope = 'client_general' OR (scope = 'client_booking' AND booking_id IS NULL))
                    """,
                arguments: [booking.id, sitterId, booking.clientId])
            let others = try OfferEvent
                .filter(sql: "booking_id = ? AND id <> ? AND status = 'offered'", arguments: [booking.id, offer.id])
                .fetchAll(db)
            for var other in others {
                try close(db, &other, as: .withdrawn, booking: booking, channel: channel, reason: "taken", now: now)
            }
            try logOffer(db, "offer.accepted", offer: offer, booking: booking, channel: channel, now: now)
            try Self.markMetricsStale(db, sitterId: sitterId)
            return .accepted(code: code)
        }
    }

    /// Marks every pending offer past its expiry as `expired` (of one sitter, or of all),
    /// logs `offer.expired` for each, and marks the sitters' metrics stale.
    @discardableResult
    public func expireOffers(_ db: Database, sitterId: RowID? = nil, now: Date) throws -> [OfferEvent] {
        // Cached: every YES/NO webhook runs the sitter's sweep first. `now` as its stored text
        // (GRDB would format the `Date` through a `DateFormatter` on every call).
        let due = if let sitterId {
            try OfferEvent.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM offer_event WHERE sitter_id = ? AND status = 'offered' AND expires_at <= ?"),
                arguments: [sitterId, now.storedText])
        } else {
            try OfferEvent.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM offer_event WHERE status = 'offered' AND expires_at <= ?"),
                arguments: [now.storedText])
        }
        var expired: [OfferEvent] = []
        for var offer in due {
            guard let booking = try Booking.fetchOne(db, key: offer.bookingId) else { continue }
            offer.status = .expired
            offer.closedAt = offer.expiresAt
            try offer.update(db, columns: ["status", "closed_at"])
            try logOffer(db, "offer.expired", offer: offer, booking: booking, channel: "sweep", now: now)
            expired.append(offer)
        }
        for sitter in Set(expired.map(\.sitterId)) {
            try Self.markMetricsStale(db, sitterId: sitter)
        }
        return expired
    }

    /// Withdraws a pending offer (the owner changed their mind). Idempotent.
    @discardableResult
    public func withdrawOffer(_ db: Database, offerId: RowID, channel: String, now: Date) throws -> OfferEvent {
        guard var offer = try OfferEvent.fetchOne(db, key: offerId) else {
            throw StoreError(.notFound, "offer \(offerId) does not exist")
        }
        guard offer.status == .offered, let booking = try Booking.fetchOne(db, key: offer.bookingId) else { return offer }
        try close(db, &offer, as: .withdrawn, booking: booking, channel: channel, reason: "withdrawn", now: now)
        return offer
    }

    private func close(
        _ db: Database, _ offer: inout OfferEvent, as status: OfferStatus, booking: Booking, channel: String,
        reason: String, now: Date
    ) throws {
        offer.status = status
        offer.closedAt = now.storedPrecision
        try offer.update(db, columns: ["status", "closed_at"])
        try logOffer(db, "offer.\(status.rawValue)", offer: offer, booking: booking, channel: channel, now: now, reason: reason)
    }

    private func logOffer(
        _ db: Database, _ type: String, offer: OfferEvent, booking: Booking, channel: String, now: Date,
        reason: String? = nil
    ) throws {
        var metadata = [
            "offer_id": String(offer.id ?? 0), "sitter_id": String(offer.sitterId),
            "booking_id": String(offer.bookingId), "booking_code": booking.code, "channel": channel,
        ]
        if let reason { metadata["reason"] = reason }
        try Self.logEvent(db, orgId: offer.orgId, type: type, metadata: metadata, bookingId: offer.bookingId, at: now)
    }

    /// A sitter's offers matching `condition` (over `offer_event` and `booking`), newest
    /// first, at most `limit` of them. Statements are cached: every YES/NO webhook runs these.
    private func offers(
        _ db: Database, sitterId: RowID, sql condition: String, _ arguments: [any DatabaseValueConvertible],
        limit: Int = -1
    ) throws -> [OfferWithBooking] {
        // One query for both records, decoded by column index: a sitter may have dozens pending.
        let statement = try db.cachedStatement(sql: """
            SELECT \(OfferEvent.hotColumns), \(Booking.hotColumns)
            FROM offer_event JOIN booking ON booking.id = offer_event.booking_id
            WHERE offer_event.sitter_id = ? AND \(condition)
            ORDER BY offer_event.offered_at DESC, offer_event.id DESC LIMIT ?
            """)
        statement.setUncheckedArguments(StatementArguments([sitterId] + arguments + [limit]))
        return try db.hotRows(statement) { row in
            OfferWithBooking(offer: OfferEvent(hotRow: row), booking: Booking(hotRow: row, from: OfferEvent.hotColumnCount))
        }
    }

    // MARK: - Writes

    /// Creates an offer in its own transaction (see ``createOffer(_:bookingId:sitterId:expiresAt:channel:now:)``).
    public func createOffer(bookingId: RowID, sitterId: RowID, expiresAt: Date, channel: String = "console") async throws -> OfferCreation {
        let now = clock.now
        return try await writer.write { db in
            try self.createOffer(db, bookingId: bookingId, sitterId: sitterId, expiresAt: expiresAt, channel: channel, now: now)
        }
    }

    /// Runs the expiry sweep in its own transaction; returns how many offers expired.
    @discardableResult
    public func expireOffers() async throws -> Int {
        let now = clock.now
        return try await writer.write { db in try self.expireOffers(db, now: now).count }
    }

    /// Withdraws a pending offer in its own transaction.
    @discardableResult
    public func withdrawOffer(offerId: RowID, channel: String = "console") async throws -> OfferEvent {
        let now = clock.now
        return try await writer.write { db in try self.withdrawOffer(db, offerId: offerId, channel: channel, now: now) }
    }
}
