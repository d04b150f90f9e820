import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `--db`, `--org` and `--json`: what every record command (`sitter`, `client`, `number`,
/// `booking`, `offer`, `withdraw`, `reply`) shares.
struct RecordOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The org, when the database holds several.", valueName: "name"))
    var org: String?

    @Flag(help: "Print the result as JSON for scripts.")
    var json = false

    /// The database (which must exist: records belong to an org, which `import` creates)
    /// and the org the command works on.
    func open() async throws -> (any Store, Org) {
        // Typed as a `:` command in the console: its database and the org on its screen.
        if let console = RecordContext.console {
            guard let org = try console.store.read({ try $0.orgs() }).first(where: { $0.id == console.orgId }) else {
                throw CommandFailure("the org on screen no longer exists")
            }
            return (console.store, org)
        }
        let store = try await database.openExisting()
        return (store, try Self.pick(try store.read { try $0.orgs() }, named: org))
    }

    /// The org named by `--org`, or the only one.
    static func pick(_ orgs: [Org], named name: String?) throws -> Org {
        let names = orgs.map { "\"\($0.name)\"" }.joined(separator: ", ")
        if let name {
            guard let org = orgs.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw CommandFailure(
                    orgs.isEmpty ? "this database holds no org yet; create one with `switchboard import FILE`"
                        : "no org is named \"\(name)\"; the orgs are \(names)")
            }
            return org
        }
        switch orgs.count {
        case 0: throw CommandFailure("this database holds no org yet; create one with `switchboard import FILE`")
        case 1: return orgs[0]
        default: throw CommandFailure("this database holds \(orgs.count) orgs (\(names)); pass --org with one of them")
        }
    }

    /// Prints `line`, or `object` as JSON with `--json`; in the console, hands `line` to it.
    func answer(_ line: String, _ object: [String: Any]) throws {
        if let console = RecordContext.console {
            console.answer(line)
            return
        }
        print(json ? try RecordJSON.text(object) : line)
    }
}

/// Where a record command runs when the console's `:` command line runs it: the console's
/// database and org, and its notice line instead of standard output.
struct RecordContext: Sendable {
    let store: any Store
    let orgId: RowID
    let answer: @Sendable (String) -> Void

    @TaskLocal static var console: RecordContext?
}

/// A value typed on the command line, checked in `validate()`: a mistake there is a usage
/// mistake (exit 64, with the usage), reported in the input's own words.
func validating<T>(_ make: () throws(RecordInputError) -> T) throws -> T {
    do {
        return try make()
    } catch {
        throw ValidationError(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
    }
}

/// The records as `--json` prints them: snake_case keys, times as the store writes them (UTC).
enum RecordJSON {
    static func text(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func optional(_ value: Any?) -> Any { value ?? NSNull() }

    static func sitter(_ sitter: Sitter) -> [String: Any] {
        ["id": optional(sitter.id), "org_id": sitter.orgId, "name": sitter.name, "phone_e164": sitter.phoneE164,
         "active": sitter.active, "opted_out": sitter.optedOut]
    }

    static func client(_ client: Client) -> [String: Any] {
        ["id": optional(client.id), "org_id": client.orgId, "name": optional(client.name), "phone_e164": client.phoneE164,
         "opted_out": client.optedOut]
    }

    static func number(_ number: MessageNumber) -> [String: Any] {
        ["id": optional(number.id), "org_id": number.orgId, "e164": number.e164, "number_class": number.numberClass.rawValue,
         "assigned_sitter_id": optional(number.assignedSitterId)]
    }

    static func booking(_ booking: Booking) -> [String: Any] {
        ["id": optional(booking.id), "org_id": booking.orgId, "code": booking.code, "client_id": booking.clientId,
         "service": booking.service, "starts_at": booking.startsAt.storedText, "ends_at": booking.endsAt.storedText,
         "status": booking.status.rawValue, "sitter_id": optional(booking.sitterId)]
    }

    static func offer(_ offer: OfferEvent) -> [String: Any] {
        ["id": optional(offer.id), "sitter_id": offer.sitterId, "booking_id": offer.bookingId, "status": offer.status.rawValue,
         "offered_at": offer.offeredAt.storedText, "expires_at": offer.expiresAt.storedText,
         "closed_at": optional(offer.closedAt?.storedText)]
    }

    static func message(_ pending: PendingOutbound) -> [String: Any] {
        ["id": optional(pending.event.id), "thread_id": pending.event.threadId, "to": pending.to, "from": pending.from,
         "body": pending.event.body, "delivery_status": optional(pending.event.deliveryStatus?.rawValue),
         "created_at": pending.event.createdAt.storedText]
    }
}
