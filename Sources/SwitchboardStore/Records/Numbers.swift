import Foundation
import GRDB
import SwitchboardCore

/// A Twilio number with the sitter it is assigned to, as the record operations answer.
public struct NumberRecord: Sendable, Equatable {
    public var number: MessageNumber
    public var sitter: Sitter?
    /// Client threads moved to the owner inbox when the number left its sitter.
    public var movedThreads: Int = 0

    public init(number: MessageNumber, sitter: Sitter?, movedThreads: Int = 0) {
        self.number = number
        self.sitter = sitter
        self.movedThreads = movedThreads
    }
}

extension AppDatabase {
    // MARK: - Records: Twilio numbers

    /// Adds one of the business's Twilio numbers: the front desk (one per org), a pool
    /// number, or a sitter's masked number.
    public func addNumber(_ e164: String, role: NumberRole, orgId: RowID) async throws -> NumberRecord {
        let now = clock.now
        return try await writer.write { db in
            if let existing = try MessageNumber.filter(MessageNumber.Columns.e164 == e164).fetchOne(db) {
                let whose = existing.orgId == orgId ? "as a \(existing.numberClass.spoken) number" : "in another org"
                throw StoreError(.refused, "\(e164) is in use already, \(whose)")
            }
            if try Sitter.filter(Sitter.Columns.orgId == orgId && Sitter.Columns.phoneE164 == e164).fetchCount(db) > 0 {
                throw StoreError(.refused, "\(e164) is a sitter's personal phone, not a Twilio number")
            }
            var sitter: Sitter?
            let numberClass: NumberClass
            switch role {
            case .frontDesk:
                if let desk = try MessageNumber.filter(sql: "org_id = ? AND number_class = 'front_desk'", arguments: [orgId]).fetchOne(db) {
                    throw StoreError(.refused, "the org's front desk is \(desk.e164) already; add \(e164) to the pool instead")
                }
                numberClass = .frontDesk
            case .pool:
                numberClass = .pool
            case .sitter(let reference):
                sitter = try Self.activeSitter(db, reference, orgId: orgId)
                numberClass = .sitter
            }
            var number = MessageNumber(orgId: orgId, e164: e164, numberClass: numberClass, assignedSitterId: sitter?.id)
            try number.insert(db)
            try Self.logEvent(
                db, orgId: orgId, type: "number.added",
                metadata: ["e164": e164, "number_class": numberClass.rawValue, "sitter_id": sitter?.id.map(String.init) ?? ""], at: now)
            return NumberRecord(number: number, sitter: sitter)
        }
    }

    /// Makes a pool number (or a number with no sitter) a sitter's masked number. A number
    /// another sitter has must be released first, so her conversations are not handed over
    /// silently; the front desk is never a sitter's.
    public func assignNumber(_ e164: String, to reference: RecordReference, orgId: RowID) async throws -> NumberRecord {
        let now = clock.now
        return try await writer.write { db in
            var number = try Self.number(db, e164: e164, orgId: orgId)
            let sitter = try Self.activeSitter(db, reference, orgId: orgId)
            if number.numberClass == .frontDesk {
                throw StoreError(.refused, "\(e164) is the front desk; a sitter needs a number of her own (add one to the pool)")
            }
            if let current = number.assignedSitterId {
                guard current != sitter.id else { return NumberRecord(number: number, sitter: sitter) }
                let name = try String.fetchOne(db, sql: "SELECT name FROM sitter WHERE id = ?", arguments: [current]) ?? "another sitter"
                throw StoreError(.refused, "\(e164) is \(name)'s number; release it first")
            }
            number.numberClass = .sitter
            number.assignedSitterId = sitter.id
            try number.update(db, columns: ["number_class", "assigned_sitter_id"])
            try Self.logEvent(
                db, orgId: orgId, type: "number.assigned", metadata: ["e164": e164, "sitter_id": String(sitter.id ?? 0)], at: now)
            return NumberRecord(number: number, sitter: sitter)
        }
    }

    /// Puts a sitter's number back in the pool. Her client threads on it move to the owner
    /// inbox: she could no longer answer them through it, and their clients' next texts
    /// reach the owner.
    public func releaseNumber(_ e164: String, orgId: RowID) async throws -> NumberRecord {
        let now = clock.now
        return try await writer.write { db in
            var number = try Self.number(db, e164: e164, orgId: orgId)
            if number.numberClass == .frontDesk {
                throw StoreError(.refused, "\(e164) is the front desk; it cannot go back to the pool")
            }
            guard let sitterId = number.assignedSitterId else {
                return NumberRecord(number: number, sitter: nil)
            }
            let sitter = try Sitter.fetchOne(db, key: sitterId)
            number.numberClass = .pool
            number.assignedSitterId = nil
            try number.update(db, columns: ["number_class", "assigned_sitter_id"])
            let moved = try Self.moveClientThreadsToOwner(db, sitterId: sitterId, onNumber: e164, reason: "number.released", now: now)
            try Self.logEvent(
                db, orgId: orgId, type: "number.released",
                metadata: ["e164": e164, "previous_sitter_id": String(sitterId), "threads_moved": String(moved)], at: now)
            return NumberRecord(number: number, sitter: sitter, movedThreads: moved)
        }
    }

    static func activeSitter(_ db: Database, _ reference: RecordReference, orgId: RowID) throws -> Sitter {
        let sitter = try sitter(db, reference, orgId: orgId)
        guard sitter.active else { throw StoreError(.refused, "\(sitter.name) is not active") }
        return sitter
    }
}

extension NumberClass {
    /// How a sentence names the class: "front desk", "sitter", "pool".
    public var spoken: String { self == .frontDesk ? "front desk" : rawValue }
}
