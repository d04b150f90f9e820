import Foundation
import GRDB
import SwitchboardCore

/// What cancelling a booking did.
public struct BookingCancellation: Sendable, Equatable {
    public var booking: Booking
    /// Sitters whose pending offer for it was withdrawn.
    public var withdrawnFrom: [String]
    /// False when it was cancelled already (nothing changed).
    public var changed: Bool

    public init(booking: Booking, withdrawnFrom: [String], changed: Bool) {
        self.booking = booking
        self.withdrawnFrom = withdrawnFrom
        self.changed = changed
    }
}

/// A booking and a sitter, both found and checked: what `offer BOOKING SITTER` sends.
public struct OfferTarget: Sendable, Equatable {
    public var booking: Booking
    public var sitter: Sitter

    public init(booking: Booking, sitter: Sitter) {
        self.booking = booking
        self.sitter = sitter
    }
}

/// One withdrawn offer, with the names a sentence needs.
public struct WithdrawnOffer: Sendable, Equatable {
    public var offer: OfferEvent
    public var bookingCode: String
    public var sitterName: String

    public init(offer: OfferEvent, bookingCode: String, sitterName: String) {
        self.offer = offer
        self.bookingCode = bookingCode
        self.sitterName = sitterName
    }
}

extension AppDatabase {
    // MARK: - Records: bookings and offers

    /// Adds an open booking for a client. Its code must be new in the org: sitters answer
    /// offers with it (`YES B1042`).
    public func addBooking(_ new: NewBooking, orgId: RowID) async throws -> Booking {
        let now = clock.now
        return try await writer.write { db in
            if let existing = try Booking.filter(sql: "org_id = ? AND code = ? COLLATE NOCASE", arguments: [orgId, new.code]).fetchOne(db) {
                throw StoreError(.refused, "booking \(existing.code) exists already (\(existing.service), \(existing.status.rawValue)); choose another code")
            }
            let client = try Self.client(db, new.client, orgId: orgId)
            var booking = Booking(
                orgId: orgId, code: new.code, clientId: client.id!, service: new.service,
                startsAt: new.startsAt.storedPrecision, endsAt: new.endsAt.storedPrecision)
            try booking.insert(db)
            try Self.logEvent(
                db, orgId: orgId, type: "booking.added", metadata: ["booking_code": booking.code], bookingId: booking.id, at: now)
            return booking
        }
    }

    /// Cancels a booking and withdraws its pending offers (a sitter answering one is told it
    /// was cancelled). Idempotent.
    public func cancelBooking(code: String, orgId: RowID) async throws -> BookingCancellation {
        let now = clock.now
        return try await writer.write { db in
            var booking = try Self.booking(db, code: code, orgId: orgId)
            guard booking.status != .cancelled else { return BookingCancellation(booking: booking, withdrawnFrom: [], changed: false) }
            booking.status = .cancelled
            try booking.update(db, columns: ["status"])
            let withdrawn = try self.withdrawPending(db, bookingId: booking.id!, sitterId: nil, now: now)
            try Self.logEvent(
                db, orgId: orgId, type: "booking.cancelled", metadata: ["booking_code": booking.code], bookingId: booking.id, at: now)
            return BookingCancellation(booking: booking, withdrawnFrom: withdrawn.map(\.sitterName), changed: true)
        }
    }

    /// Finds the booking and the sitter an offer names, so the offer itself can go through
    /// the outbox (``createOffer(bookingId:sitterId:expiresAt:channel:)`` checks the rest).
    public func offerTarget(code: String, sitter reference: RecordReference, orgId: RowID) throws -> OfferTarget {
        try reader.read { db in
            OfferTarget(booking: try Self.booking(db, code: code, orgId: orgId), sitter: try Self.sitter(db, reference, orgId: orgId))
        }
    }

    /// Withdraws the pending offers of a booking: the one to `sitter`, or every one. A booking
    /// with none pending is refused, so a typo is not mistaken for success.
    public func withdrawOffers(code: String, sitter reference: RecordReference?, orgId: RowID) async throws -> [WithdrawnOffer] {
        let now = clock.now
        return try await writer.write { db in
            let booking = try Self.booking(db, code: code, orgId: orgId)
            let sitter = try reference.map { try Self.sitter(db, $0, orgId: orgId) }
            let withdrawn = try self.withdrawPending(db, bookingId: booking.id!, sitterId: sitter?.id, now: now)
            guard !withdrawn.isEmpty else {
                let whom = sitter.map { " to \($0.name)" } ?? ""
                throw StoreError(.notFound, "booking \(booking.code) has no pending offer\(whom)")
            }
            return withdrawn
        }
    }

    /// The thread a reply goes to, checked to be in the org.
    public func replyThread(id: RowID, orgId: RowID) throws -> MessageThread {
        try reader.read { db in try Self.thread(db, id: id, orgId: orgId) }
    }

    private func withdrawPending(_ db: Database, bookingId: RowID, sitterId: RowID?, now: Date) throws -> [WithdrawnOffer] {
        var request = OfferEvent.filter(sql: "booking_id = ? AND status = 'offered'", arguments: [bookingId])
        if let sitterId { request = request.filter(OfferEvent.Columns.sitterId == sitterId) }
        var withdrawn: [WithdrawnOffer] = []
        for offer in try request.order(sql: "id").fetchAll(db) {
            let closed = try withdrawOffer(db, offerId: offer.id!, channel: "records", now: now)
            let code = try String.fetchOne(db, sql: "SELECT code FROM booking WHERE id = ?", arguments: [bookingId]) ?? ""
            let name = try String.fetchOne(db, sql: "SELECT name FROM sitter WHERE id = ?", arguments: [offer.sitterId]) ?? ""
            withdrawn.append(WithdrawnOffer(offer: closed, bookingCode: code, sitterName: name))
        }
        return withdrawn
    }
}
