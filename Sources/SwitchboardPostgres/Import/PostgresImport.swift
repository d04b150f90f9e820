import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStore {
    /// Loads `file` in one transaction, as SQLite's importer does: every entity looked up by
    /// its natural key (org by name, sitter and client by phone, number by E.164, booking by
    /// code, offer by booking and sitter, thread by its first message's provider id) and
    /// skipped when present, so a second import adds nothing. Then the org's tiers.
    public func importFile(_ file: ImportFile, name: String) async throws -> ImportSummary {
        let now = clock.now
        let summary = try await database.transaction { c in
            // Two imports of one file at once would both find nothing and both insert.
            try await c.run("SELECT pg_advisory_xact_lock(hashtext('switchboard import'))")
            var importer = PostgresImporter(c: c, file: file, name: name, now: now)
            return try await importer.run()
        }
        try await recomputeAllMetrics(orgId: summary.orgId)
        return summary
    }
}

/// One import, inside its transaction: SQLite's `Importer`, step for step.
private struct PostgresImporter: ImportRules {
    let c: PostgresConnection
    let file: ImportFile
    let name: String
    let now: Date
    var summary = ImportSummary()
    var sitters: [String: Sitter] = [:]
    var clients: [String: Client] = [:]
    var bookings: [String: Booking] = [:]
    var sitterNumbers: [String: String] = [:]

    init(c: PostgresConnection, file: ImportFile, name: String, now: Date) {
        self.c = c
        self.file = file
        self.name = name
        self.now = now
    }

    /// A file's time, at the precision the database keeps (as SQLite's text does).
    func time(_ text: String, at path: String) throws -> Date { try time(text, at: path, now: now).storedPrecision }

    mutating func run() async throws -> ImportSummary {
        let orgId = try await importOrg()
        summary.orgId = orgId
        try await importSitters(orgId)
        try await importClients(orgId)
        try await importBookings(orgId)
        try await importOffers(orgId)
        try await importThreads(orgId)
        return summary
    }

    mutating func importOrg() async throws -> RowID {
        let frontDesk = try phone(file.org.frontDesk, at: "$.org.front_desk")
        if let zone = file.org.timeZone, TimeZone(identifier: zone) == nil {
            throw fail("$.org.time_zone", "\(zone) is not a time zone; use an IANA name such as America/New_York")
        }
        let orgId: RowID
        if let existing = try await c.first("SELECT id FROM org WHERE name = \(file.org.name)", as: Int64.self) {
            orgId = existing
            if let zone = file.org.timeZone { try await c.run("UPDATE org SET time_zone = \(zone) WHERE id = \(orgId)") }
        } else {
            guard let id = try await c.first(
                "INSERT INTO org (name, time_zone) VALUES (\(file.org.name), \(file.org.timeZone)) RETURNING id", as: Int64.self)
            else { throw fail("$.org", "could not be saved") }
            orgId = id
        }
        try await number(frontDesk, class: .frontDesk, sitter: nil, orgId: orgId, at: "$.org.front_desk")
        for (index, e164) in (file.poolNumbers ?? []).enumerated() {
            try await number(
                try phone(e164, at: "$.pool_numbers[\(index)]"), class: .pool, sitter: nil, orgId: orgId, at: "$.pool_numbers[\(index)]")
        }
        return orgId
    }

    mutating func number(_ e164: String, class numberClass: NumberClass, sitter: RowID?, orgId: RowID, at path: String) async throws {
        if let owner = try await c.first("SELECT org_id FROM message_number WHERE e164 = \(e164)", as: Int64.self) {
            guard owner == orgId else { throw fail(path, "\(e164) already belongs to another org") }
            return
        }
        try await c.run(
            """
            INSERT INTO message_number (org_id, e164, number_class, assigned_sitter_id)
            VALUES (\(orgId), \(e164), \(numberClass.rawValue), \(sitter))
            """)
        summary.numbers += 1
    }

    mutating func importSitters(_ orgId: RowID) async throws {
        for (index, spec) in file.sitters.enumerated() {
            let path = "$.sitters[\(index)]"
            guard sitters[spec.key] == nil else { throw fail("\(path).key", "\"\(spec.key)\" is used twice") }
            let personal = try phone(spec.phone, at: "\(path).phone")
            var sitter: Sitter
            if let row = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.sitter) FROM sitter WHERE org_id = \(orgId) AND phone_e164 = \(personal)"
            ).first {
                sitter = try Sitter(postgres: row)
            } else {
                sitter = Sitter(orgId: orgId, name: spec.name, phoneE164: personal, active: spec.active ?? true, optedOut: spec.optedOut ?? false)
                sitter.id = try await c.first(
                    """
                    INSERT INTO sitter (org_id, name, phone_e164, active, opted_out)
                    VALUES (\(orgId), \(sitter.name), \(personal), \(sitter.active), \(sitter.optedOut)) RETURNING id
                    """, as: Int64.self)
                summary.sitters += 1
            }
            sitters[spec.key] = sitter
            if let masked = spec.maskedNumber {
                sitterNumbers[spec.key] = try phone(masked, at: "\(path).masked_number")
                try await number(masked, class: .sitter, sitter: sitter.id, orgId: orgId, at: "\(path).masked_number")
            }
        }
    }

    mutating func importClients(_ orgId: RowID) async throws {
        for (index, spec) in file.clients.enumerated() {
            let path = "$.clients[\(index)]"
            guard clients[spec.key] == nil else { throw fail("\(path).key", "\"\(spec.key)\" is used twice") }
            let e164 = try phone(spec.phone, at: "\(path).phone")
            var client: Client
            if let row = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.client) FROM client WHERE org_id = \(orgId) AND phone_e164 = \(e164)"
            ).first {
                client = try Client(postgres: row)
            } else {
                client = Client(orgId: orgId, name: spec.name, phoneE164: e164, optedOut: spec.optedOut ?? false)
                client.id = try await c.first(
                    """
                    INSERT INTO client (org_id, name, phone_e164, opted_out)
                    VALUES (\(orgId), \(client.name), \(e164), \(client.optedOut)) RETURNING id
                    """, as: Int64.self)
                summary.clients += 1
            }
            clients[spec.key] = client
        }
    }

    mutating func importBookings(_ orgId: RowID) async throws {
        for (index, spec) in (file.bookings ?? []).enumerated() {
            let path = "$.bookings[\(index)]"
            guard OfferCommand.isBookingCode(spec.code) else {
                throw fail("\(path).code", "\"\(spec.code)\" is not a booking code such as B1042")
            }
            guard bookings[spec.code] == nil else { throw fail("\(path).code", "\"\(spec.code)\" is used twice") }
            let client = try client(spec.client, at: "\(path).client")
            let sitterId = try spec.sitter.map { try sitter($0, at: "\(path).sitter").id } ?? nil
            let starts = try time(spec.starts, at: "\(path).starts")
            let ends = try time(spec.ends, at: "\(path).ends")
            guard ends > starts else { throw fail("\(path).ends", "ends before it starts") }
            var booking: Booking
            if let row = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.booking) FROM booking WHERE org_id = \(orgId) AND code = \(spec.code)"
            ).first {
                booking = try Booking(postgres: row, afterOffer: false)
            } else {
                booking = Booking(
                    orgId: orgId, code: spec.code, clientId: client.id!, service: spec.service, startsAt: starts, endsAt: ends,
                    status: spec.status ?? (sitterId == nil ? .open : .assigned), sitterId: sitterId)
                booking.id = try await c.first(
                    """
                    INSERT INTO booking (org_id, code, client_id, service, starts_at, ends_at, status, sitter_id)
                    VALUES (\(orgId), \(booking.code), \(booking.clientId), \(booking.service), \(starts), \(ends),
                        \(booking.status.rawValue), \(sitterId)) RETURNING id
                    """, as: Int64.self)
                summary.bookings += 1
            }
            bookings[spec.code] = booking
        }
    }

    mutating func importOffers(_ orgId: RowID) async throws {
        for (index, spec) in (file.offers ?? []).enumerated() {
            let path = "$.offers[\(index)]"
            let booking = try booking(spec.booking, at: "\(path).booking")
            let sitter = try sitter(spec.sitter, at: "\(path).sitter")
            let offered = try time(spec.offered, at: "\(path).offered")
            let expires = try time(spec.expires, at: "\(path).expires")
            let answered = try spec.answered.map { try time($0, at: "\(path).answered") }
            let status = spec.status ?? .offered
            if status != .offered && answered == nil {
                throw fail("\(path).answered", "an offer that is \(status.rawValue) needs the time it was answered")
            }
            if try await c.exists("SELECT 1 FROM offer_event WHERE booking_id = \(booking.id!) AND sitter_id = \(sitter.id!)") { continue }
            try await c.run(
                """
                INSERT INTO offer_event (org_id, sitter_id, booking_id, status, offered_at, accepted_at, declined_at, expires_at, closed_at)
                VALUES (\(orgId), \(sitter.id!), \(booking.id!), \(status.rawValue), \(offered),
                    \(status == .accepted ? answered : nil), \(status == .declined ? answered : nil), \(expires),
                    \([.expired, .withdrawn].contains(status) ? answered : nil))
                """)
            summary.offers += 1
        }
    }

    mutating func importThreads(_ orgId: RowID) async throws {
        guard let frontDesk = try await c.first(
            "SELECT e164 FROM message_number WHERE org_id = \(orgId) AND number_class = 'front_desk' ORDER BY id LIMIT 1", as: String.self)
        else { throw fail("$.org.front_desk", "missing") }
        for (index, spec) in (file.threads ?? []).enumerated() {
            let path = "$.threads[\(index)]"
            guard !spec.messages.isEmpty else { throw fail("\(path).messages", "a thread needs at least one message") }
            let sids = spec.messages.indices.map { file.messageSid(thread: index, message: $0) }
            if try await c.exists("SELECT 1 FROM message_event WHERE provider_message_sid = \(sids[0])") { continue }

            let sitter = try spec.sitter.map { try self.sitter($0, at: "\(path).sitter") }
            let client = try spec.client.map { try self.client($0, at: "\(path).client") }
            let booking = try spec.booking.map { try self.booking($0, at: "\(path).booking") }
            var thread = MessageThread(
                orgId: orgId, assignedSitterId: sitter?.id, scope: spec.scope, bookingId: booking?.id, clientId: client?.id,
                createdAt: now)
            switch spec.scope {
            case .clientBooking, .clientGeneral:
                guard let client else { throw fail("\(path).client", "a client thread needs a client") }
                let masked = spec.sitter.flatMap { sitterNumbers[$0] }
                thread.counterpartE164 = client.phoneE164
                thread.maskedNumberE164 = masked ?? frontDesk
                thread.numberClass = masked == nil ? .frontDesk : .sitter
            case .ownerSitter:
                guard let sitter else { throw fail("\(path).sitter", "an owner_sitter thread needs a sitter") }
                thread.counterpartE164 = sitter.phoneE164
                thread.maskedNumberE164 = frontDesk
                thread.numberClass = .frontDesk
            case .internal:
                break
            }
            let times = try spec.messages.enumerated().map { offset, message in
                try time(message.at, at: "\(path).messages[\(offset)].at")
            }
            thread.createdAt = times.min() ?? now.storedPrecision
            thread.lastMessageAt = thread.createdAt
            thread.id = try await PostgresStore.insertThread(c, thread)
            summary.threads += 1

            for (offset, message) in spec.messages.enumerated() {
                let direction = ImportFile.direction(of: message.from, in: spec.scope)
                thread = try await PostgresStore.append(
                    c, to: thread, direction: direction, actor: message.from, body: message.body, sid: sids[offset],
                    status: direction == .outbound ? .delivered : .received, now: times[offset]
                ).thread
                summary.messages += 1
            }
            // The file says how many messages are still unread; the rest were read.
            let unread = min(spec.unread ?? 0, spec.messages.count)
            try await c.run("UPDATE message_thread SET unread = \(Int64(unread)) WHERE id = \(thread.id!)")
        }
    }
}
