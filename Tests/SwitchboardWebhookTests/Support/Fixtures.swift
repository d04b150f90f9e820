import Foundation
import GRDB
import Logging
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook

/// A small org: a front desk, two sitters with masked numbers, clients, and bookings.
struct Fixture {
    static let token = "test-auth-token"
    static let publicURL = "https://switchboard.example.com"
    static let frontDesk = "+15550000000"
    static let alicePhone = "+15551110001"
    static let aliceNumber = "+15552220001"
    static let bobPhone = "+15551110002"
    static let bobNumber = "+15552220002"
    static let carolPhone = "+15553330001"
    static let davePhone = "+15553330002"
    static let strangerPhone = "+15559990000"
    static let unknownNumber = "+15557770000"

    let store: AppDatabase
    let clock: ManualClock
    let orgId: RowID
    let alice: Sitter
    let bob: Sitter
    let carol: Client
    let dave: Client

    /// In memory by default; `onDisk` gives a WAL `DatabasePool` in a temporary folder, for
    /// tests where several requests write at once.
    static func make(onDisk: Bool = false) throws -> Fixture {
        let clock = ManualClock()
        let store: AppDatabase
        if onDisk {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-tests-\(UUID().uuidString)")
            store = try AppDatabase.open(path: folder.appendingPathComponent("test.sqlite").path, clock: clock.wallClock)
        } else {
            store = try AppDatabase.makeEmpty(clock: clock.wallClock)
        }
        return try store.writer.write { db in
            var org = Org(name: "Paws")
            try org.insert(db)
            let orgId = org.id!
            var alice = Sitter(orgId: orgId, name: "Alice", phoneE164: alicePhone)
            var bob = Sitter(orgId: orgId, name: "Bob", phoneE164: bobPhone)
            try alice.insert(db)
            try bob.insert(db)
            var numbers = [
                MessageNumber(orgId: orgId, e164: frontDesk, numberClass: .frontDesk),
                MessageNumber(orgId: orgId, e164: aliceNumber, numberClass: .sitter, assignedSitterId: alice.id),
                MessageNumber(orgId: orgId, e164: bobNumber, numberClass: .sitter, assignedSitterId: bob.id),
            ]
            for index in numbers.indices { try numbers[index].insert(db) }
            var carol = Client(orgId: orgId, name: "Carol", phoneE164: carolPhone)
            var dave = Client(orgId: orgId, name: "Dave", phoneE164: davePhone)
            try carol.insert(db)
            try dave.insert(db)
            return Fixture(store: store, clock: clock, orgId: orgId, alice: alice, bob: bob, carol: carol, dave: dave)
        }
    }

    /// Adds an open booking for `client`, starting in a day.
    @discardableResult
    func booking(_ code: String, client: Client? = nil, status: BookingStatus = .open, sitter: Sitter? = nil) throws -> Booking {
        let now = clock.now
        return try store.writer.write { db in
            var booking = Booking(
                orgId: orgId, code: code, clientId: (client ?? carol).id!, service: "Dog walk",
                startsAt: now.addingTimeInterval(86_400), endsAt: now.addingTimeInterval(90_000), status: status,
                sitterId: sitter?.id)
            try booking.insert(db)
            return booking
        }
    }

    /// Offers `booking` to `sitter`, expiring in `expiresIn` seconds.
    @discardableResult
    func offer(_ booking: Booking, to sitter: Sitter, expiresIn: TimeInterval = 3600) async throws -> OfferEvent {
        try await store.createOffer(
            bookingId: booking.id!, sitterId: sitter.id!, expiresAt: clock.now.addingTimeInterval(expiresIn)
        ).offer
    }

    // MARK: - Reads

    func read<T: Sendable>(_ value: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await store.reader.read(value)
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    func events(_ type: String) async throws -> [EventLog] {
        try await read { db in
            try EventLog.filter(sql: "event_type = ?", arguments: [type]).order(sql: "id").fetchAll(db)
        }
    }

    func offer(_ id: RowID) async throws -> OfferEvent {
        try await read { db in try OfferEvent.fetchOne(db, key: id)! }
    }

    func bookingNamed(_ code: String) async throws -> Booking {
        try await read { db in try Booking.filter(sql: "code = ?", arguments: [code]).fetchOne(db)! }
    }

    func messages(sid: String) async throws -> [MessageEvent] {
        try await read { db in try MessageEvent.filter(sql: "provider_message_sid = ?", arguments: [sid]).fetchAll(db) }
    }

    /// Hands every message due in the outbox to `sender`, as the listener's delivery loop does.
    @discardableResult
    func deliverOutbox(_ sender: any OutboundSender, retry: DeliveryRetryPolicy = .init()) async throws -> Int {
        try await OutboxDelivery(store: store, sender: sender, retry: retry, logger: Logger(label: "test.outbox", factory: { _ in SwiftLogNoOpLogHandler() })).deliverDue()
    }

    func threads(counterpart: String) async throws -> [MessageThread] {
        try await read { db in
            try MessageThread.filter(sql: "counterpart_e164 = ?", arguments: [counterpart]).order(sql: "id").fetchAll(db)
        }
    }
}
