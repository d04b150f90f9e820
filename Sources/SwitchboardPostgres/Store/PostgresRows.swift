import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// Running statements on one connection and turning rows into the store's records: the
/// same columns, in the same order, as the SQLite store's `hotColumns`.
extension PostgresConnection {
    func run(_ query: PostgresQuery) async throws {
        try await self.query(query, logger: logger).consume()
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }

    func first<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
        try await rows(query).first?.decode(T.self)
    }

    func exists(_ query: PostgresQuery) async throws -> Bool {
        try await !rows(query).isEmpty
    }
}

/// A stored enum's text that this build does not know: a newer Switchboard wrote the row.
func stored<T: RawRepresentable>(_ raw: String, as type: T.Type) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: raw) else {
        throw StoreError(.cannotOpen, "the database holds \"\(raw)\" where this Switchboard expects a \(T.self); it was written by a newer version: upgrade Switchboard")
    }
    return value
}

enum PostgresColumns {
    static let number = "id, org_id, e164, number_class, assigned_sitter_id"
    static let sitter = "id, org_id, name, phone_e164, active, opted_out"
    static let client = "id, org_id, name, phone_e164, opted_out"
    static let thread = """
        message_thread.id, message_thread.org_id, message_thread.assigned_sitter_id, message_thread.scope,
        message_thread.booking_id, message_thread.client_id, message_thread.counterpart_e164,
        message_thread.masked_number_e164, message_thread.number_class, message_thread.created_at,
        message_thread.last_message_at, message_thread.unread
        """
    static let event = "id, org_id, thread_id, direction, actor_type, body, provider_message_sid, created_at, delivery_status"
    static let offer = """
        offer_event.id, offer_event.org_id, offer_event.sitter_id, offer_event.booking_id, offer_event.status,
        offer_event.offered_at, offer_event.accepted_at, offer_event.declined_at, offer_event.expires_at,
        offer_event.closed_at
        """
    static let booking = """
        booking.id, booking.org_id, booking.code, booking.client_id, booking.service, booking.starts_at,
        booking.ends_at, booking.status, booking.sitter_id
        """
}

extension MessageNumber {
    init(postgres row: PostgresRow) throws {
        let (id, orgId, e164, numberClass, sitter) = try row.decode((Int64, Int64, String, String, Int64?).self)
        self.init(id: id, orgId: orgId, e164: e164, numberClass: try stored(numberClass, as: NumberClass.self), assignedSitterId: sitter)
    }
}

extension Sitter {
    init(postgres row: PostgresRow) throws {
        let (id, orgId, name, phone, active, optedOut) = try row.decode((Int64, Int64, String, String, Bool, Bool).self)
        self.init(id: id, orgId: orgId, name: name, phoneE164: phone, active: active, optedOut: optedOut)
    }
}

extension Client {
    init(postgres row: PostgresRow) throws {
        let (id, orgId, name, phone, optedOut) = try row.decode((Int64, Int64, String?, String, Bool).self)
        self.init(id: id, orgId: orgId, name: name, phoneE164: phone, optedOut: optedOut)
    }
}

extension MessageThread {
    init(postgres row: PostgresRow) throws {
        let (id, orgId, sitter, scope, booking, client, counterpart, masked, numberClass, created, last, unread) = try row.decode(
            (Int64, Int64, Int64?, String, Int64?, Int64?, String?, String?, String?, Date, Date, Int64).self)
        self.init(
            id: id, orgId: orgId, assignedSitterId: sitter, scope: try stored(scope, as: ThreadScope.self), bookingId: booking,
            clientId: client, counterpartE164: counterpart, maskedNumberE164: masked,
            numberClass: try numberClass.map { try stored($0, as: NumberClass.self) }, createdAt: created, lastMessageAt: last,
            unread: Int(unread))
    }
}

extension MessageEvent {
    init(postgres row: PostgresRow) throws {
        let (id, orgId, threadId, direction, actor, body, sid, created, status) = try row.decode(
            (Int64, Int64, Int64, String, String, String, String?, Date, String?).self)
        self.init(
            id: id, orgId: orgId, threadId: threadId, direction: try stored(direction, as: MessageDirection.self),
            actorType: try stored(actor, as: ActorType.self), body: body, providerMessageSid: sid, createdAt: created,
            deliveryStatus: try status.map { try stored($0, as: DeliveryStatus.self) })
    }
}

extension OfferEvent {
    /// The offer's 10 columns, first in the row (a booking's may follow).
    init(postgres row: PostgresRow) throws {
        let columns = Array(row)
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T { try columns[index].decode(T.self) }
        self.init(
            id: try cell(0, Int64.self), orgId: try cell(1, Int64.self), sitterId: try cell(2, Int64.self),
            bookingId: try cell(3, Int64.self), status: try stored(try cell(4, String.self), as: OfferStatus.self),
            offeredAt: try cell(5, Date.self), acceptedAt: try cell(6, Date?.self), declinedAt: try cell(7, Date?.self),
            expiresAt: try cell(8, Date.self), closedAt: try cell(9, Date?.self))
    }
}

extension Booking {
    /// The booking's columns, selected after an offer's (10 columns) in one row.
    init(postgres row: PostgresRow, afterOffer: Bool) throws {
        let columns = Array(row)
        let start = afterOffer ? 10 : 0
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T { try columns[start + index].decode(T.self) }
        self.init(
            id: try cell(0, Int64.self), orgId: try cell(1, Int64.self), code: try cell(2, String.self),
            clientId: try cell(3, Int64.self), service: try cell(4, String.self), startsAt: try cell(5, Date.self),
            endsAt: try cell(6, Date.self), status: try stored(try cell(7, String.self), as: BookingStatus.self),
            sitterId: try cell(8, Int64?.self))
    }
}

extension PostgresRowSequence {
    /// Reads and drops every row: a statement run for what it does.
    func consume() async throws {
        for try await _ in self {}
    }
}
