import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

// The record commands on PostgreSQL: SQLite's `Records/` operations step for step, with the
// same refusals (their sentences), the same event log, and the choices shared through the
// store (`RecordMatch`, `NameMatch`). Each runs in one transaction.

extension PostgresConnection {
    func sitter(_ reference: RecordReference, orgId: RowID) async throws -> Sitter {
        let found: [Sitter]
        switch reference {
        case .id(let id): found = try await records("SELECT * FROM sitter WHERE id = \(id) AND org_id = \(orgId)")
        case .phone(let phone): found = try await records("SELECT * FROM sitter WHERE phone_e164 = \(phone) AND org_id = \(orgId)")
        case .name(let name): found = try await matching(name, table: "sitter", orgId: orgId)
        }
        return try RecordMatch.single(found, kind: "sitter", reference: reference, name: \.name)
    }

    func client(_ reference: RecordReference, orgId: RowID) async throws -> Client {
        let found: [Client]
        switch reference {
        case .id(let id): found = try await records("SELECT * FROM client WHERE id = \(id) AND org_id = \(orgId)")
        case .phone(let phone): found = try await records("SELECT * FROM client WHERE phone_e164 = \(phone) AND org_id = \(orgId)")
        case .name(let name): found = try await matching(name, table: "client", orgId: orgId)
        }
        return try RecordMatch.single(found, kind: "client", reference: reference) { $0.name ?? $0.phoneE164 }
    }

    func booking(code: String, orgId: RowID) async throws -> Booking {
        guard let booking: Booking = try await records(
            "SELECT * FROM booking WHERE org_id = \(orgId) AND lower(code) = lower(\(code)) FOR UPDATE", as: Booking.self
        ).first
        else { throw RecordMatch.noBooking(code) }
        return booking
    }

    func number(e164: String, orgId: RowID) async throws -> MessageNumber {
        guard let number: MessageNumber = try await records(
            "SELECT * FROM message_number WHERE e164 = \(e164) FOR UPDATE", as: MessageNumber.self
        ).first,
            number.orgId == orgId
        else { throw StoreError(.notFound, "\(e164) is not one of this org's numbers") }
        return number
    }

    func activeSitter(_ reference: RecordReference, orgId: RowID) async throws -> Sitter {
        let sitter = try await sitter(reference, orgId: orgId)
        guard sitter.active else { throw StoreError(.refused, "\(sitter.name) is not active") }
        return sitter
    }

    func records<T: Decodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> [T] {
        try await rows(query).map { try $0.makeRandomAccess().record(T.self) }
    }

    /// Records of `table` whose name `NameMatch` picks: read in Swift, so `zoe` finds `Zoë`.
    private func matching<Record: Decodable>(_ name: String, table: String, orgId: RowID) async throws -> [Record] {
        let candidates = try await rows(
            PostgresQuery(
                unsafeSQL: "SELECT id, name FROM \(table) WHERE org_id = $1 AND name IS NOT NULL ORDER BY lower(name), id",
                binds: try PostgresReads.binds(orgId)))
        let names = try candidates.map { try $0.decode((Int64, String).self).1 }
        var found: [Record] = []
        for index in NameMatch.pick(name, among: names) {
            let id = try candidates[index].decode((Int64, String).self).0
            found += try await records(
                PostgresQuery(unsafeSQL: "SELECT * FROM \(table) WHERE id = $1", binds: try PostgresReads.binds(id)), as: Record.self)
        }
        return found
    }
}

extension PostgresStore {
    // MARK: People

    public func addSitter(_ new: NewSitter, orgId: RowID) async throws -> Sitter {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            try await Self.checkPhoneIsPersonal(c, new.phone)
            if let existing: Sitter = try await c.records(
                "SELECT * FROM sitter WHERE org_id = \(orgId) AND phone_e164 = \(new.phone)", as: Sitter.self).first
            {
                throw StoreError(.refused, "a sitter with \(new.phone) exists already: \(existing.name) (#\(existing.id ?? 0))")
            }
            var sitter = Sitter(orgId: orgId, name: new.name, phoneE164: new.phone)
            sitter.id = try await c.first(
                "INSERT INTO sitter (org_id, name, phone_e164) VALUES (\(orgId), \(new.name), \(new.phone)) RETURNING id", as: Int64.self)
            try await Self.logEvent(c, orgId: orgId, type: "sitter.added", metadata: ["sitter_id": String(sitter.id ?? 0)], at: now)
            return sitter
        }
    }

    public func editSitter(_ reference: RecordReference, orgId: RowID, changes: ContactEdit) async throws -> Sitter {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var sitter = try await c.sitter(reference, orgId: orgId)
            if let phone = changes.phone, phone != sitter.phoneE164 {
                try await Self.checkPhoneIsPersonal(c, phone)
                if let other: Sitter = try await c.records("SELECT * FROM sitter WHERE org_id = \(orgId) AND phone_e164 = \(phone)", as: Sitter.self).first {
                    throw StoreError(.refused, "\(phone) is already \(other.name)'s phone (#\(other.id ?? 0))")
                }
                try await c.run(
                    "UPDATE message_thread SET counterpart_e164 = \(phone) WHERE assigned_sitter_id = \(sitter.id!) AND scope = 'owner_sitter'")
                sitter.phoneE164 = phone
            }
            if let name = changes.name { sitter.name = name }
            try await c.run("UPDATE sitter SET name = \(sitter.name), phone_e164 = \(sitter.phoneE164) WHERE id = \(sitter.id!)")
            try await Self.logEvent(c, orgId: orgId, type: "sitter.edited", metadata: ["sitter_id": String(sitter.id ?? 0)], at: now)
            return sitter
        }
    }

    public func deactivateSitter(_ reference: RecordReference, orgId: RowID) async throws -> SitterDeactivation {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var sitter = try await c.sitter(reference, orgId: orgId)
            guard let sitterId = sitter.id, sitter.active else {
                return SitterDeactivation(sitter: sitter, movedThreads: 0, withdrawnOffers: [], releasedNumbers: [], changed: false)
            }
            sitter.active = false
            try await c.run("UPDATE sitter SET active = false WHERE id = \(sitterId)")
            let moved = try await Self.moveClientThreadsToOwner(c, sitterId: sitterId, onNumber: nil, reason: "sitter.deactivated", now: now)
            var withdrawn: [String] = []
            for offer in try await c.rows(
                "SELECT \(unescaped: PostgresColumns.offer) FROM offer_event WHERE sitter_id = \(sitterId) AND status = 'offered' ORDER BY id FOR UPDATE"
            ).map(OfferEvent.init(postgres:)) {
                var closed = offer
                let booking: Booking = try await c.records("SELECT * FROM booking WHERE id = \(offer.bookingId)", as: Booking.self)[0]
                try await close(c, &closed, as: .withdrawn, booking: booking, channel: "records", reason: "withdrawn", now: now)
                withdrawn.append(booking.code)
            }
            let numbers = try await c.rows(
                "SELECT e164 FROM message_number WHERE assigned_sitter_id = \(sitterId) ORDER BY e164").map { try $0.decode(String.self) }
            try await c.run("UPDATE message_number SET number_class = 'pool', assigned_sitter_id = NULL WHERE assigned_sitter_id = \(sitterId)")
            try await Self.markMetricsStale(c, sitterId: sitterId)
            let deactivation = SitterDeactivation(
                sitter: sitter, movedThreads: moved, withdrawnOffers: withdrawn, releasedNumbers: numbers, changed: true)
            try await Self.logEvent(c, orgId: orgId, type: "sitter.deactivated", metadata: deactivation.eventMetadata, at: now)
            return deactivation
        }
    }

    public func activateSitter(_ reference: RecordReference, orgId: RowID) async throws -> (sitter: Sitter, changed: Bool) {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var sitter = try await c.sitter(reference, orgId: orgId)
            guard !sitter.active else { return (sitter, false) }
            sitter.active = true
            try await c.run("UPDATE sitter SET active = true WHERE id = \(sitter.id!)")
            try await Self.logEvent(c, orgId: orgId, type: "sitter.activated", metadata: ["sitter_id": String(sitter.id ?? 0)], at: now)
            return (sitter, true)
        }
    }

    public func addClient(_ new: NewClient, orgId: RowID) async throws -> ClientAddition {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            if var existing: Client = try await c.records("SELECT * FROM client WHERE org_id = \(orgId) AND phone_e164 = \(new.phone)", as: Client.self).first {
                guard existing.name == nil, let name = new.name else {
                    throw StoreError(
                        .refused, "a client with \(new.phone) exists already: \(existing.name ?? "unnamed") (#\(existing.id ?? 0))")
                }
                existing.name = name
                try await c.run("UPDATE client SET name = \(name) WHERE id = \(existing.id!)")
                try await Self.logEvent(c, orgId: orgId, type: "client.edited", metadata: ["client_id": String(existing.id ?? 0)], at: now)
                return ClientAddition(client: existing, namedExistingContact: true)
            }
            var client = Client(orgId: orgId, name: new.name, phoneE164: new.phone)
            client.id = try await c.first(
                "INSERT INTO client (org_id, name, phone_e164) VALUES (\(orgId), \(new.name), \(new.phone)) RETURNING id", as: Int64.self)
            try await Self.logEvent(c, orgId: orgId, type: "client.added", metadata: ["client_id": String(client.id ?? 0)], at: now)
            return ClientAddition(client: client, namedExistingContact: false)
        }
    }

    public func editClient(_ reference: RecordReference, orgId: RowID, changes: ContactEdit) async throws -> Client {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var client = try await c.client(reference, orgId: orgId)
            if let phone = changes.phone, phone != client.phoneE164 {
                if let other: Client = try await c.records("SELECT * FROM client WHERE org_id = \(orgId) AND phone_e164 = \(phone)", as: Client.self).first {
                    throw StoreError(.refused, "\(phone) is already the phone of \(other.name ?? "an unnamed contact") (#\(other.id ?? 0))")
                }
                try await c.run(
                    """
                    UPDATE message_thread SET counterpart_e164 = \(phone)
                    WHERE client_id = \(client.id!) AND scope IN ('client_booking','client_general')
                    """)
                client.phoneE164 = phone
            }
            if let name = changes.name { client.name = name }
            try await c.run("UPDATE client SET name = \(client.name), phone_e164 = \(client.phoneE164) WHERE id = \(client.id!)")
            try await Self.logEvent(c, orgId: orgId, type: "client.edited", metadata: ["client_id": String(client.id ?? 0)], at: now)
            return client
        }
    }

    // MARK: Numbers

    public func addNumber(_ e164: String, role: NumberRole, orgId: RowID) async throws -> NumberRecord {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            if let existing: MessageNumber = try await c.records("SELECT * FROM message_number WHERE e164 = \(e164)", as: MessageNumber.self).first {
                let whose = existing.orgId == orgId ? "as a \(existing.numberClass.spoken) number" : "in another org"
                throw StoreError(.refused, "\(e164) is in use already, \(whose)")
            }
            if try await c.exists("SELECT 1 FROM sitter WHERE org_id = \(orgId) AND phone_e164 = \(e164)") {
                throw StoreError(.refused, "\(e164) is a sitter's personal phone, not a Twilio number")
            }
            var sitter: Sitter?
            let numberClass: NumberClass
            switch role {
            case .frontDesk:
                if let desk = try await c.first(
                    "SELECT e164 FROM message_number WHERE org_id = \(orgId) AND number_class = 'front_desk'", as: String.self)
                {
                    throw StoreError(.refused, "the org's front desk is \(desk) already; add \(e164) to the pool instead")
                }
                numberClass = .frontDesk
            case .pool:
                numberClass = .pool
            case .sitter(let reference):
                sitter = try await c.activeSitter(reference, orgId: orgId)
                numberClass = .sitter
            }
            var number = MessageNumber(orgId: orgId, e164: e164, numberClass: numberClass, assignedSitterId: sitter?.id)
            number.id = try await c.first(
                """
                INSERT INTO message_number (org_id, e164, number_class, assigned_sitter_id)
                VALUES (\(orgId), \(e164), \(numberClass.rawValue), \(sitter?.id)) RETURNING id
                """, as: Int64.self)
            try await Self.logEvent(
                c, orgId: orgId, type: "number.added",
                metadata: ["e164": e164, "number_class": numberClass.rawValue, "sitter_id": sitter?.id.map(String.init) ?? ""], at: now)
            return NumberRecord(number: number, sitter: sitter)
        }
    }

    public func assignNumber(_ e164: String, to reference: RecordReference, orgId: RowID) async throws -> NumberRecord {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var number = try await c.number(e164: e164, orgId: orgId)
            let sitter = try await c.activeSitter(reference, orgId: orgId)
            if number.numberClass == .frontDesk {
                throw StoreError(.refused, "\(e164) is the front desk; a sitter needs a number of her own (add one to the pool)")
            }
            if let current = number.assignedSitterId {
                guard current != sitter.id else { return NumberRecord(number: number, sitter: sitter) }
                let name = try await c.first("SELECT name FROM sitter WHERE id = \(current)", as: String.self) ?? "another sitter"
                throw StoreError(.refused, "\(e164) is \(name)'s number; release it first")
            }
            number.numberClass = .sitter
            number.assignedSitterId = sitter.id
            try await c.run("UPDATE message_number SET number_class = 'sitter', assigned_sitter_id = \(sitter.id!) WHERE id = \(number.id!)")
            try await Self.logEvent(
                c, orgId: orgId, type: "number.assigned", metadata: ["e164": e164, "sitter_id": String(sitter.id ?? 0)], at: now)
            return NumberRecord(number: number, sitter: sitter)
        }
    }

    public func releaseNumber(_ e164: String, orgId: RowID) async throws -> NumberRecord {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var number = try await c.number(e164: e164, orgId: orgId)
            if number.numberClass == .frontDesk {
                throw StoreError(.refused, "\(e164) is the front desk; it cannot go back to the pool")
            }
            guard let sitterId = number.assignedSitterId else { return NumberRecord(number: number, sitter: nil) }
            let sitter: Sitter? = try await c.records("SELECT * FROM sitter WHERE id = \(sitterId)", as: Sitter.self).first
            number.numberClass = .pool
            number.assignedSitterId = nil
            try await c.run("UPDATE message_number SET number_class = 'pool', assigned_sitter_id = NULL WHERE id = \(number.id!)")
            let moved = try await Self.moveClientThreadsToOwner(c, sitterId: sitterId, onNumber: e164, reason: "number.released", now: now)
            try await Self.logEvent(
                c, orgId: orgId, type: "number.released",
                metadata: ["e164": e164, "previous_sitter_id": String(sitterId), "threads_moved": String(moved)], at: now)
            return NumberRecord(number: number, sitter: sitter, movedThreads: moved)
        }
    }

    // MARK: Bookings

    public func addBooking(_ new: NewBooking, orgId: RowID) async throws -> Booking {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            if let existing: Booking = try await c.records(
                "SELECT * FROM booking WHERE org_id = \(orgId) AND lower(code) = lower(\(new.code))", as: Booking.self).first
            {
                throw StoreError(.refused, "booking \(existing.code) exists already (\(existing.service), \(existing.status.rawValue)); choose another code")
            }
            let client = try await c.client(new.client, orgId: orgId)
            var booking = Booking(
                orgId: orgId, code: new.code, clientId: client.id!, service: new.service, startsAt: new.startsAt.storedPrecision,
                endsAt: new.endsAt.storedPrecision)
            booking.id = try await c.first(
                """
                INSERT INTO booking (org_id, code, client_id, service, starts_at, ends_at, status)
                VALUES (\(orgId), \(booking.code), \(booking.clientId), \(booking.service), \(booking.startsAt), \(booking.endsAt), 'open')
                RETURNING id
                """, as: Int64.self)
            try await Self.logEvent(
                c, orgId: orgId, type: "booking.added", metadata: ["booking_code": booking.code], bookingId: booking.id, at: now)
            return booking
        }
    }

    public func cancelBooking(code: String, orgId: RowID) async throws -> BookingCancellation {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            var booking = try await c.booking(code: code, orgId: orgId)
            guard booking.status != .cancelled else { return BookingCancellation(booking: booking, withdrawnFrom: [], changed: false) }
            booking.status = .cancelled
            try await c.run("UPDATE booking SET status = 'cancelled' WHERE id = \(booking.id!)")
            let withdrawn = try await withdrawPending(c, booking: booking, sitterId: nil, now: now)
            try await Self.logEvent(
                c, orgId: orgId, type: "booking.cancelled", metadata: ["booking_code": booking.code], bookingId: booking.id, at: now)
            return BookingCancellation(booking: booking, withdrawnFrom: withdrawn.map(\.sitterName), changed: true)
        }
    }

    public func withdrawOffers(code: String, sitter reference: RecordReference?, orgId: RowID) async throws -> [WithdrawnOffer] {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            let booking = try await c.booking(code: code, orgId: orgId)
            var sitter: Sitter?
            if let reference { sitter = try await c.sitter(reference, orgId: orgId) }
            let withdrawn = try await withdrawPending(c, booking: booking, sitterId: sitter?.id, now: now)
            guard !withdrawn.isEmpty else {
                let whom = sitter.map { " to \($0.name)" } ?? ""
                throw StoreError(.notFound, "booking \(booking.code) has no pending offer\(whom)")
            }
            return withdrawn
        }
    }

    private func withdrawPending(_ c: PostgresConnection, booking: Booking, sitterId: RowID?, now: Date) async throws -> [WithdrawnOffer] {
        let condition: PostgresQuery =
            sitterId.map {
                "SELECT \(unescaped: PostgresColumns.offer) FROM offer_event WHERE booking_id = \(booking.id!) AND status = 'offered' AND sitter_id = \($0) ORDER BY id FOR UPDATE"
            } ?? "SELECT \(unescaped: PostgresColumns.offer) FROM offer_event WHERE booking_id = \(booking.id!) AND status = 'offered' ORDER BY id FOR UPDATE"
        var withdrawn: [WithdrawnOffer] = []
        for offer in try await c.rows(condition).map(OfferEvent.init(postgres:)) {
            var closed = offer
            try await close(c, &closed, as: .withdrawn, booking: booking, channel: "records", reason: "withdrawn", now: now)
            let name = try await c.first("SELECT name FROM sitter WHERE id = \(offer.sitterId)", as: String.self) ?? ""
            withdrawn.append(WithdrawnOffer(offer: closed, bookingCode: booking.code, sitterName: name))
        }
        return withdrawn
    }

    // MARK: Shared

    /// A sitter's client threads (all, or those on one number) moved to the owner inbox, each
    /// move logged as `assignThread` logs it. Returns how many moved.
    static func moveClientThreadsToOwner(
        _ c: PostgresConnection, sitterId: RowID, onNumber number: String?, reason: String, now: Date
    ) async throws -> Int {
        let query: PostgresQuery =
            number.map {
                "SELECT \(unescaped: PostgresColumns.thread) FROM message_thread WHERE assigned_sitter_id = \(sitterId) AND scope IN ('client_booking','client_general') AND masked_number_e164 = \($0) ORDER BY id FOR UPDATE"
            } ?? "SELECT \(unescaped: PostgresColumns.thread) FROM message_thread WHERE assigned_sitter_id = \(sitterId) AND scope IN ('client_booking','client_general') ORDER BY id FOR UPDATE"
        let threads = try await c.rows(query).map(MessageThread.init(postgres:))
        for thread in threads {
            try await c.run("UPDATE message_thread SET assigned_sitter_id = NULL WHERE id = \(thread.id!)")
            try await logEvent(
                c, orgId: thread.orgId, type: "thread.unassigned",
                metadata: ["thread_id": String(thread.id ?? 0), "sitter_id": "", "previous_sitter_id": String(sitterId), "reason": reason],
                bookingId: thread.bookingId, at: now)
        }
        if !threads.isEmpty { try await markMetricsStale(c, sitterId: sitterId) }
        return threads.count
    }

    /// A sitter's personal phone cannot be one of the business's Twilio numbers.
    static func checkPhoneIsPersonal(_ c: PostgresConnection, _ phone: String) async throws {
        if try await c.exists("SELECT 1 FROM message_number WHERE e164 = \(phone)") {
            throw StoreError(.refused, "\(phone) is one of the business's Twilio numbers, not a personal phone")
        }
    }
}
