import Foundation
import GRDB
import SwitchboardCore

/// What deactivating a sitter did besides the flag: nothing of hers is left where no one
/// would see it.
public struct SitterDeactivation: Sendable, Equatable {
    public var sitter: Sitter
    /// Her client threads, moved to the owner inbox (unassigned, waiting for triage).
    public var movedThreads: Int
    /// Her pending offers, withdrawn: an inactive sitter cannot take a booking.
    public var withdrawnOffers: [String]
    /// Her masked numbers, back in the pool: a new client texting one reaches the owner inbox.
    public var releasedNumbers: [String]
    /// False when she was inactive already (nothing changed).
    public var changed: Bool

    /// The `sitter.deactivated` event's metadata, the same on every engine.
    public var eventMetadata: [String: String] {
        [
            "sitter_id": sitter.id.map(String.init) ?? "", "threads_moved": String(movedThreads),
            "offers_withdrawn": withdrawnOffers.joined(separator: ","), "numbers_released": releasedNumbers.joined(separator: ","),
        ]
    }

    public init(sitter: Sitter, movedThreads: Int, withdrawnOffers: [String], releasedNumbers: [String], changed: Bool) {
        self.sitter = sitter
        self.movedThreads = movedThreads
        self.withdrawnOffers = withdrawnOffers
        self.releasedNumbers = releasedNumbers
        self.changed = changed
    }
}

/// What adding a client did: a new client, or a name given to a contact who had texted in.
public struct ClientAddition: Sendable, Equatable {
    public var client: Client
    /// True when the phone was an unnamed contact already (someone who texted in first).
    public var namedExistingContact: Bool

    public init(client: Client, namedExistingContact: Bool) {
        self.client = client
        self.namedExistingContact = namedExistingContact
    }
}

extension AppDatabase {
    // MARK: - Records: sitters and clients

    /// Adds a sitter to an org. Her personal phone must be new to the org's sitters and must
    /// not be one of the business's own numbers.
    public func addSitter(_ new: NewSitter, orgId: RowID) async throws -> Sitter {
        let now = clock.now
        return try await writer.write { db in
            try Self.checkPhoneIsPersonal(db, new.phone, orgId: orgId)
            if let existing = try Sitter.filter(Sitter.Columns.orgId == orgId && Sitter.Columns.phoneE164 == new.phone).fetchOne(db) {
                throw StoreError(.refused, "a sitter with \(new.phone) exists already: \(existing.name) (#\(existing.id ?? 0))")
            }
            var sitter = Sitter(orgId: orgId, name: new.name, phoneE164: new.phone)
            try sitter.insert(db)
            try Self.logEvent(db, orgId: orgId, type: "sitter.added", metadata: ["sitter_id": String(sitter.id ?? 0)], at: now)
            return sitter
        }
    }

    /// Renames a sitter or changes her personal phone. Her conversation with the office
    /// (`owner_sitter`) follows the new phone, so the office's next text reaches her.
    public func editSitter(_ reference: RecordReference, orgId: RowID, changes: ContactEdit) async throws -> Sitter {
        let now = clock.now
        return try await writer.write { db in
            var sitter = try Self.sitter(db, reference, orgId: orgId)
            if let phone = changes.phone, phone != sitter.phoneE164 {
                try Self.checkPhoneIsPersonal(db, phone, orgId: orgId)
                if let other = try Sitter.filter(Sitter.Columns.orgId == orgId && Sitter.Columns.phoneE164 == phone).fetchOne(db) {
                    throw StoreError(.refused, "\(phone) is already \(other.name)'s phone (#\(other.id ?? 0))")
                }
                try db.execute(
                    sql: "UPDATE message_thread SET counterpart_e164 = ? WHERE assigned_sitter_id = ? AND scope = 'owner_sitter'",
                    arguments: [phone, sitter.id])
                sitter.phoneE164 = phone
            }
            if let name = changes.name { sitter.name = name }
            try sitter.update(db, columns: ["name", "phone_e164"])
            try Self.logEvent(db, orgId: orgId, type: "sitter.edited", metadata: ["sitter_id": String(sitter.id ?? 0)], at: now)
            return sitter
        }
    }

    /// Deactivates a sitter, and moves what was hers to the owner: her client threads to the
    /// owner inbox (the mailbox rule: unassigned client threads are the owner's), her pending
    /// offers withdrawn, her masked numbers back to the pool. Her metrics are marked stale,
    /// as an assignment marks them, because her response times leave her figures with the
    /// threads. Idempotent.
    public func deactivateSitter(_ reference: RecordReference, orgId: RowID) async throws -> SitterDeactivation {
        let now = clock.now
        return try await writer.write { db in
            var sitter = try Self.sitter(db, reference, orgId: orgId)
            guard let sitterId = sitter.id, sitter.active else {
                return SitterDeactivation(sitter: sitter, movedThreads: 0, withdrawnOffers: [], releasedNumbers: [], changed: false)
            }
            sitter.active = false
            try sitter.update(db, columns: ["active"])
            let moved = try Self.moveClientThreadsToOwner(db, sitterId: sitterId, onNumber: nil, reason: "sitter.deactivated", now: now)
            var withdrawn: [String] = []
            let pending = try OfferEvent.filter(sql: "sitter_id = ? AND status = 'offered'", arguments: [sitterId]).fetchAll(db)
            for offer in pending {
                let closed = try self.withdrawOffer(db, offerId: offer.id!, channel: "records", now: now)
                if closed.status == .withdrawn, let code = try String.fetchOne(db, sql: "SELECT code FROM booking WHERE id = ?", arguments: [offer.bookingId]) {
                    withdrawn.append(code)
                }
            }
            let numbers = try String.fetchAll(
                db, sql: "SELECT e164 FROM message_number WHERE assigned_sitter_id = ? ORDER BY e164", arguments: [sitterId])
            try db.execute(
                sql: "UPDATE message_number SET number_class = 'pool', assigned_sitter_id = NULL WHERE assigned_sitter_id = ?",
                arguments: [sitterId])
            try Self.markMetricsStale(db, sitterId: sitterId)
            let deactivation = SitterDeactivation(
                sitter: sitter, movedThreads: moved, withdrawnOffers: withdrawn, releasedNumbers: numbers, changed: true)
            try Self.logEvent(db, orgId: orgId, type: "sitter.deactivated", metadata: deactivation.eventMetadata, at: now)
            return deactivation
        }
    }

    /// Makes an inactive sitter active again, so she can be offered bookings. What
    /// deactivation moved stays where it went: give her a number with ``assignNumber(_:to:orgId:)``
    /// and threads with ``assignThread(_:to:)``. `changed` is false when she was active already.
    public func activateSitter(_ reference: RecordReference, orgId: RowID) async throws -> (sitter: Sitter, changed: Bool) {
        let now = clock.now
        return try await writer.write { db in
            var sitter = try Self.sitter(db, reference, orgId: orgId)
            guard !sitter.active else { return (sitter, false) }
            sitter.active = true
            try sitter.update(db, columns: ["active"])
            try Self.logEvent(db, orgId: orgId, type: "sitter.activated", metadata: ["sitter_id": String(sitter.id ?? 0)], at: now)
            return (sitter, true)
        }
    }

    /// Adds a client. A phone that texted in before is an unnamed contact already: adding it
    /// with a name names that contact rather than failing.
    public func addClient(_ new: NewClient, orgId: RowID) async throws -> ClientAddition {
        let now = clock.now
        return try await writer.write { db in
            if var existing = try Client.filter(Client.Columns.orgId == orgId && Client.Columns.phoneE164 == new.phone).fetchOne(db) {
                guard existing.name == nil, let name = new.name else {
                    throw StoreError(
                        .refused, "a client with \(new.phone) exists already: \(existing.name ?? "unnamed") (#\(existing.id ?? 0))")
                }
                existing.name = name
                try existing.update(db, columns: ["name"])
                try Self.logEvent(db, orgId: orgId, type: "client.edited", metadata: ["client_id": String(existing.id ?? 0)], at: now)
                return ClientAddition(client: existing, namedExistingContact: true)
            }
            var client = Client(orgId: orgId, name: new.name, phoneE164: new.phone)
            try client.insert(db)
            try Self.logEvent(db, orgId: orgId, type: "client.added", metadata: ["client_id": String(client.id ?? 0)], at: now)
            return ClientAddition(client: client, namedExistingContact: false)
        }
    }

    /// Renames a client or changes their phone; their conversations follow the new phone.
    public func editClient(_ reference: RecordReference, orgId: RowID, changes: ContactEdit) async throws -> Client {
        let now = clock.now
        return try await writer.write { db in
            var client = try Self.client(db, reference, orgId: orgId)
            if let phone = changes.phone, phone != client.phoneE164 {
                if let other = try Client.filter(Client.Columns.orgId == orgId && Client.Columns.phoneE164 == phone).fetchOne(db) {
                    throw StoreError(.refused, "\(phone) is already the phone of \(other.name ?? "an unnamed contact") (#\(other.id ?? 0))")
                }
                try db.execute(
                    sql: "UPDATE message_thread SET counterpart_e164 = ? WHERE client_id = ? AND scope IN ('client_booking','client_general')",
                    arguments: [phone, client.id])
                client.phoneE164 = phone
            }
            if let name = changes.name { client.name = name }
            try client.update(db, columns: ["name", "phone_e164"])
            try Self.logEvent(db, orgId: orgId, type: "client.edited", metadata: ["client_id": String(client.id ?? 0)], at: now)
            return client
        }
    }

    // MARK: - Shared by the record operations

    /// Moves a sitter's client threads (all of them, or those on one number) to the owner
    /// inbox, logging each move as ``assignThread(_:to:)`` does. Returns how many moved.
    static func moveClientThreadsToOwner(_ db: Database, sitterId: RowID, onNumber number: String?, reason: String, now: Date) throws -> Int {
        var request = MessageThread.filter(sql: "assigned_sitter_id = ? AND scope IN ('client_booking','client_general')", arguments: [sitterId])
        if let number { request = request.filter(MessageThread.Columns.maskedNumberE164 == number) }
        let threads = try request.fetchAll(db)
        for var thread in threads {
            thread.assignedSitterId = nil
            try thread.update(db, columns: ["assigned_sitter_id"])
            try logEvent(
                db, orgId: thread.orgId, type: "thread.unassigned",
                metadata: ["thread_id": String(thread.id ?? 0), "sitter_id": "", "previous_sitter_id": String(sitterId), "reason": reason],
                bookingId: thread.bookingId, at: now)
        }
        if !threads.isEmpty { try markMetricsStale(db, sitterId: sitterId) }
        return threads.count
    }

    /// A sitter's personal phone cannot be one of the business's Twilio numbers: her texts
    /// would then look like the business texting itself.
    static func checkPhoneIsPersonal(_ db: Database, _ phone: String, orgId: RowID) throws {
        if try MessageNumber.filter(MessageNumber.Columns.e164 == phone).fetchCount(db) > 0 {
            throw StoreError(.refused, "\(phone) is one of the business's Twilio numbers, not a personal phone")
        }
    }
}
