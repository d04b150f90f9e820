import Foundation
import GRDB
import SwitchboardCore

/// The file format of `Data/demo.json` and `switchboard import`: an org, its people, numbers,
/// bookings, offers and threads. Entities refer to each other by `key` (sitters, clients) or
/// `code` (bookings); times are relative to the moment of import (see ``RelativeTime``).
public struct ImportFile: Decodable, Sendable {
    public struct OrgSpec: Decodable, Sendable {
        public var name: String
        /// The front-desk number clients and sitters text the business on.
        public var frontDesk: String
        /// The org's IANA time zone (`America/New_York`); absent: the machine's.
        public var timeZone: String?
    }
    public struct SitterSpec: Decodable, Sendable {
        public var key: String
        public var name: String
        public var phone: String
        /// The masked number assigned to this sitter, if any.
        public var maskedNumber: String?
        public var active: Bool?
        public var optedOut: Bool?
    }
    public struct ClientSpec: Decodable, Sendable {
        public var key: String
        public var name: String?
        public var phone: String
        public var optedOut: Bool?
    }
    public struct BookingSpec: Decodable, Sendable {
        public var code: String
        public var client: String
        public var service: String
        public var starts: String
        public var ends: String
        public var status: BookingStatus?
        public var sitter: String?
    }
    public struct OfferSpec: Decodable, Sendable {
        public var booking: String
        public var sitter: String
        public var status: OfferStatus?
        public var offered: String
        public var expires: String
        /// When the sitter answered (accepted/declined) or the offer was closed.
        public var answered: String?
    }
    public struct MessageSpec: Decodable, Sendable {
        public var from: ActorType
        public var at: String
        public var body: String
        public var sid: String?
    }
    public struct ThreadSpec: Decodable, Sendable {
        public var scope: ThreadScope
        public var client: String?
        public var sitter: String?
        public var booking: String?
        public var unread: Int?
        public var messages: [MessageSpec]
    }

    public var org: OrgSpec
    public var sitters: [SitterSpec]
    public var clients: [ClientSpec]
    public var bookings: [BookingSpec]?
    public var offers: [OfferSpec]?
    public var threads: [ThreadSpec]?
    /// Extra masked numbers with no sitter yet.
    public var poolNumbers: [String]?

    /// Decodes `data`, naming the JSON path of the first problem.
    public static func decode(_ data: Data, file: String) throws -> ImportFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded: ImportFile
        do {
            decoded = try decoder.decode(ImportFile.self, from: data)
        } catch let error as DecodingError {
            throw StoreError(.invalidImport, "\(file): \(ImportFile.describe(error))")
        } catch {
            throw StoreError(.invalidImport, "\(file): \(error.localizedDescription)")
        }
        if let path = firstTextWithNUL(in: data) {
            throw StoreError(
                .invalidImport, "\(file): \(path): contains a NUL character (\\u0000), where SQLite would cut the text; remove it")
        }
        return decoded
    }

    /// The JSON path of the first string holding a NUL (`\u0000`): SQLite binds text as a C
    /// string, so it would store only what comes before it. Most files have no `\u0000` at
    /// all, and are not parsed a second time.
    static func firstTextWithNUL(in data: Data) -> String? {
        guard data.range(of: Data(#"\u0000"#.utf8)) != nil,
            let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return nil }
        func search(_ value: Any, _ path: String) -> String? {
            switch value {
            case let text as String:
                return text.utf8.contains(0) ? path : nil
            case let array as [Any]:
                for (index, element) in array.enumerated() {
                    if let found = search(element, "\(path)[\(index)]") { return found }
                }
            case let object as [String: Any]:
                for key in object.keys.sorted() {
                    if let found = search(object[key]!, "\(path).\(key)") { return found }
                }
            default:
                break
            }
            return nil
        }
        return search(tree, "$")
    }

    static func jsonPath(_ codingPath: [any CodingKey]) -> String {
        var path = "$"
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += "." + snakeCase(key.stringValue)
            }
        }
        return path
    }

    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { out, character in
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(jsonPath(context.codingPath + [key])): required field is missing"
        case .typeMismatch(let type, let context):
            return "\(jsonPath(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(jsonPath(context.codingPath)): expected \(typeName(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let reason = (context.underlyingError.map { "\($0)" } ?? context.debugDescription).split(whereSeparator: \.isNewline).first ?? ""
                return "$: not valid JSON (\(reason)); give a file in the format of Data/demo.json"
            }
            return "\(jsonPath(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}

/// What an import added (zero everywhere the second time: import is idempotent).
public struct ImportSummary: Sendable, Equatable, CustomStringConvertible {
    public var orgId: RowID = 0
    public var sitters = 0
    public var clients = 0
    public var numbers = 0
    public var bookings = 0
    public var offers = 0
    public var threads = 0
    public var messages = 0

    public init(orgId: RowID = 0) { self.orgId = orgId }

    public var description: String {
        "added \(sitters) sitters, \(clients) clients, \(numbers) numbers, \(bookings) bookings, "
            + "\(offers) offers, \(threads) threads, \(messages) messages"
    }
}

extension AppDatabase {
    // MARK: - Import

    /// Loads `file` in one transaction: everything or, on the first problem, nothing.
    ///
    /// Idempotent: every entity is looked up by its natural key (sitter and client by phone,
    /// number by E.164, booking by code, offer by booking and sitter, thread by the provider
    /// id of its first message) and skipped when present, so importing twice changes nothing.
    @discardableResult
    public func importFile(_ file: ImportFile, name: String) async throws -> ImportSummary {
        let now = clock.now
        let summary = try await writer.write { db in
            var importer = Importer(db: db, file: file, name: name, now: now)
            return try importer.run()
        }
        try await recomputeAllMetrics(orgId: summary.orgId)
        return summary
    }

}

extension ImportFile {
    /// Reads and checks an import file, before any database is touched.
    public static func load(atPath path: String) throws -> ImportFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StoreError(.invalidImport, "cannot read \(path): \(error.localizedDescription)")
        }
        return try decode(data, file: path)
    }
}

/// One import, inside its transaction.
private struct Importer: ImportRules {
    let db: Database
    let file: ImportFile
    let name: String
    let now: Date
    var summary = ImportSummary()
    var sitters: [String: Sitter] = [:]
    var clients: [String: Client] = [:]
    var bookings: [String: Booking] = [:]
    var sitterNumbers: [String: String] = [:]

    init(db: Database, file: ImportFile, name: String, now: Date) {
        self.db = db
        self.file = file
        self.name = name
        self.now = now
    }

    func time(_ text: String, at path: String) throws -> Date { try time(text, at: path, now: now) }

    mutating func run() throws -> ImportSummary {
        let orgId = try importOrg()
        summary.orgId = orgId
        try importSitters(orgId)
        try importClients(orgId)
        try importBookings(orgId)
        try importOffers(orgId)
        try importThreads(orgId)
        return summary
    }

    mutating func importOrg() throws -> RowID {
        let frontDesk = try phone(file.org.frontDesk, at: "$.org.front_desk")
        if let zone = file.org.timeZone, TimeZone(identifier: zone) == nil {
            throw fail("$.org.time_zone", "\(zone) is not a time zone; use an IANA name such as America/New_York")
        }
        var org = try Org.filter(sql: "name = ?", arguments: [file.org.name]).fetchOne(db) ?? Org(name: file.org.name)
        if file.org.timeZone != nil { org.timeZone = file.org.timeZone }
        if org.id == nil { try org.insert(db) } else { try org.update(db) }
        guard let orgId = org.id else { throw fail("$.org", "could not be saved") }
        try number(frontDesk, class: .frontDesk, sitter: nil, orgId: orgId, at: "$.org.front_desk")
        for (index, e164) in (file.poolNumbers ?? []).enumerated() {
            try number(try phone(e164, at: "$.pool_numbers[\(index)]"), class: .pool, sitter: nil, orgId: orgId, at: "$.pool_numbers[\(index)]")
        }
        return orgId
    }

    mutating func number(_ e164: String, class numberClass: NumberClass, sitter: RowID?, orgId: RowID, at path: String) throws {
        if let existing = try MessageNumber.filter(sql: "e164 = ?", arguments: [e164]).fetchOne(db) {
            guard existing.orgId == orgId else { throw fail(path, "\(e164) already belongs to another org") }
            return
        }
        var row = MessageNumber(orgId: orgId, e164: e164, numberClass: numberClass, assignedSitterId: sitter)
        try row.insert(db)
        summary.numbers += 1
    }

    mutating func importSitters(_ orgId: RowID) throws {
        for (index, spec) in file.sitters.enumerated() {
            let path = "$.sitters[\(index)]"
            guard sitters[spec.key] == nil else { throw fail("\(path).key", "\"\(spec.key)\" is used twice") }
            let personal = try phone(spec.phone, at: "\(path).phone")
            var sitter = try Sitter.filter(sql: "org_id = ? AND phone_e164 = ?", arguments: [orgId, personal]).fetchOne(db)
                ?? Sitter(orgId: orgId, name: spec.name, phoneE164: personal, active: spec.active ?? true, optedOut: spec.optedOut ?? false)
            if sitter.id == nil {
                try sitter.insert(db)
                summary.sitters += 1
            }
            sitters[spec.key] = sitter
            if let masked = spec.maskedNumber {
                sitterNumbers[spec.key] = try phone(masked, at: "\(path).masked_number")
                try number(masked, class: .sitter, sitter: sitter.id, orgId: orgId, at: "\(path).masked_number")
            }
        }
    }

    mutating func importClients(_ orgId: RowID) throws {
        for (index, spec) in file.clients.enumerated() {
            let path = "$.clients[\(index)]"
            guard clients[spec.key] == nil else { throw fail("\(path).key", "\"\(spec.key)\" is used twice") }
            let e164 = try phone(spec.phone, at: "\(path).phone")
            var client = try Client.filter(sql: "org_id = ? AND phone_e164 = ?", arguments: [orgId, e164]).fetchOne(db)
                ?? Client(orgId: orgId, name: spec.name, phoneE164: e164, optedOut: spec.optedOut ?? false)
            if client.id == nil {
                try client.insert(db)
                summary.clients += 1
            }
            clients[spec.key] = client
        }
    }

    mutating func importBookings(_ orgId: RowID) throws {
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
            var booking = try Booking.filter(sql: "org_id = ? AND code = ?", arguments: [orgId, spec.code]).fetchOne(db)
                ?? Booking(
                    orgId: orgId, code: spec.code, clientId: client.id!, service: spec.service, startsAt: starts,
                    endsAt: ends, status: spec.status ?? (sitterId == nil ? .open : .assigned), sitterId: sitterId)
            if booking.id == nil {
                try booking.insert(db)
                summary.bookings += 1
            }
            bookings[spec.code] = booking
        }
    }

    mutating func importOffers(_ orgId: RowID) throws {
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
            let exists = try OfferEvent
                .filter(sql: "booking_id = ? AND sitter_id = ?", arguments: [booking.id!, sitter.id!]).fetchCount(db) > 0
            if exists { continue }
            var offer = OfferEvent(
                orgId: orgId, sitterId: sitter.id!, bookingId: booking.id!, status: status, offeredAt: offered,
                acceptedAt: status == .accepted ? answered : nil, declinedAt: status == .declined ? answered : nil,
                expiresAt: expires, closedAt: [.expired, .withdrawn].contains(status) ? answered : nil)
            try offer.insert(db)
            summary.offers += 1
        }
    }

    mutating func importThreads(_ orgId: RowID) throws {
        guard let frontDesk = try MessageNumber.filter(sql: "org_id = ? AND number_class = 'front_desk'", arguments: [orgId]).fetchOne(db)
        else { throw fail("$.org.front_desk", "missing") }
        for (index, spec) in (file.threads ?? []).enumerated() {
            let path = "$.threads[\(index)]"
            guard !spec.messages.isEmpty else { throw fail("\(path).messages", "a thread needs at least one message") }
            let sids = spec.messages.enumerated().map { offset, message in
                message.sid ?? DemoSid.make(org: file.org.name, thread: index, message: offset)
            }
            if try MessageEvent.filter(sql: "provider_message_sid = ?", arguments: [sids[0]]).fetchCount(db) > 0 { continue }

            let sitter = try spec.sitter.map { try self.sitter($0, at: "\(path).sitter") }
            let client = try spec.client.map { try self.client($0, at: "\(path).client") }
            let booking = try spec.booking.map { try self.booking($0, at: "\(path).booking") }
            var thread = MessageThread(
                orgId: orgId, assignedSitterId: sitter?.id, scope: spec.scope, bookingId: booking?.id,
                clientId: client?.id, createdAt: now)
            switch spec.scope {
            case .clientBooking, .clientGeneral:
                guard let client else { throw fail("\(path).client", "a client thread needs a client") }
                let masked = spec.sitter.flatMap { sitterNumbers[$0] }
                thread.counterpartE164 = client.phoneE164
                thread.maskedNumberE164 = masked ?? frontDesk.e164
                thread.numberClass = masked == nil ? .frontDesk : .sitter
            case .ownerSitter:
                guard let sitter else { throw fail("\(path).sitter", "an owner_sitter thread needs a sitter") }
                thread.counterpartE164 = sitter.phoneE164
                thread.maskedNumberE164 = frontDesk.e164
                thread.numberClass = .frontDesk
            case .internal:
                break
            }
            let times = try spec.messages.enumerated().map { offset, message in
                try time(message.at, at: "\(path).messages[\(offset)].at")
            }
            thread.createdAt = times.min() ?? now
            thread.lastMessageAt = thread.createdAt
            try thread.insert(db)
            summary.threads += 1

            for (offset, message) in spec.messages.enumerated() {
                let direction = Self.direction(of: message.from, in: spec.scope)
                let appended = try AppDatabase.appendMessage(
                    db, to: thread, direction: direction, actor: message.from, body: message.body,
                    providerMessageSid: sids[offset], at: times[offset],
                    deliveryStatus: direction == .outbound ? .delivered : .received)
                thread = appended.thread
                summary.messages += 1
            }
            // The file says how many messages are still unread; the rest were read.
            thread.unread = min(spec.unread ?? 0, spec.messages.count)
            try thread.update(db, columns: ["unread"])
        }
    }

    static func direction(of actor: ActorType, in scope: ThreadScope) -> MessageDirection {
        ImportFile.direction(of: actor, in: scope)
    }
}

/// What an importer knows while it reads a file, and the refusals it words the same way on
/// every engine: SQLite's importer and PostgreSQL's both conform, so a bad phone number or
/// an unknown key is reported in one sentence whichever database is behind it.
public protocol ImportRules {
    /// The file's name, as errors quote it.
    var name: String { get }
    var sitters: [String: Sitter] { get }
    var clients: [String: Client] { get }
    var bookings: [String: Booking] { get }
}

extension ImportRules {
    public func fail(_ path: String, _ problem: String) -> StoreError { ImportFile.problem(name, path, problem) }

    public func phone(_ text: String, at path: String) throws -> String {
        guard E164.isValid(text) else { throw fail(path, "\"\(text)\" is not an E.164 phone number such as +15551234567") }
        return text
    }

    /// The time `text` names (`now`, `45 minutes ago`, `in 2 days`), counted from `now`.
    public func time(_ text: String, at path: String, now: Date) throws -> Date {
        guard let date = RelativeTime.parse(text, now: now) else {
            throw fail(path, "\"\(text)\" is not a time; write \"now\", \"45 minutes ago\" or \"in 2 days\"")
        }
        return date
    }

    public func sitter(_ key: String, at path: String) throws -> Sitter {
        guard let sitter = sitters[key] else { throw fail(path, "no sitter has the key \"\(key)\"") }
        return sitter
    }

    public func client(_ key: String, at path: String) throws -> Client {
        guard let client = clients[key] else { throw fail(path, "no client has the key \"\(key)\"") }
        return client
    }

    public func booking(_ code: String, at path: String) throws -> Booking {
        guard let booking = bookings[code] else { throw fail(path, "no booking has the code \"\(code)\"") }
        return booking
    }
}

// The rules of an import that don't depend on the engine, shared by SQLite's importer and
// PostgreSQL's.
extension ImportFile {
    /// A client's message comes in; in a client thread a sitter's and the owner's go out to
    /// the client. In an `owner_sitter` thread the sitter's come in.
    public static func direction(of actor: ActorType, in scope: ThreadScope) -> MessageDirection {
        switch actor {
        case .client: .inbound
        case .sitter: scope == .ownerSitter || scope == .internal ? .inbound : .outbound
        case .owner, .system: .outbound
        }
    }

    /// The provider id of message `message` of thread `thread`: the file's, or a made-up
    /// one that is the same at every import of the file, so a second import finds the first.
    public func messageSid(thread: Int, message: Int) -> String {
        threads?[thread].messages[message].sid ?? DemoSid.make(org: org.name, thread: thread, message: message)
    }

    /// The error an import reports: the file, where in it, and what is wrong.
    public static func problem(_ file: String, _ path: String, _ problem: String) -> StoreError {
        StoreError(.invalidImport, "\(file): \(path): \(problem)")
    }
}

/// Deterministic provider ids for imported messages, so a second import finds the first.
enum DemoSid {
    static func make(org: String, thread: Int, message: Int) -> String {
        let seed = "\(org)|\(thread)|\(message)"
        return "SM" + hex(fnv1a(seed, basis: 0xcbf2_9ce4_8422_2325)) + hex(fnv1a(seed, basis: 0x8422_2325_cbf2_9ce4))
    }

    static func fnv1a(_ text: String, basis: UInt64) -> UInt64 {
        var hash = basis
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
