import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Issue 15, records without JSON: the store's record intents, which the command line and
/// the console's `:` commands share.
struct RecordsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The demo business, imported at ``now``, and its org's id.
    static func demo() async throws -> (AppDatabase, RowID) {
        let store = try AppDatabase.makeEmpty(clock: .fixed(now))
        let summary = try await store.importFile(atPath: demoFilePath)
        return (store, summary.orgId)
    }

    static func sitter(_ store: AppDatabase, _ name: String) throws -> Sitter {
        try store.reader.read { db in try Sitter.filter(Sitter.Columns.name == name).fetchOne(db)! }
    }

    /// The mailbox rule counted from the threads themselves, and the trigger-kept count.
    static func mailboxCounts(_ store: AppDatabase, orgId: RowID, _ mailbox: Mailbox) throws -> (counted: Int, kept: Int) {
        try store.reader.read { db in
            let counted = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM message_thread WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ?",
                arguments: [orgId, mailbox.key])!
            return (counted, try AppDatabase.threadCount(db, orgId: orgId, mailbox: mailbox))
        }
    }

    @Test("sitter add: a new sitter; her phone twice, or a Twilio number as her phone, is refused")
    func addSitter() async throws {
        let (store, orgId) = try await Self.demo()
        let added = try await store.addSitter(try NewSitter(name: " Ana Ruiz ", phone: "+1 (555) 020-0999"), orgId: orgId)
        #expect(added.name == "Ana Ruiz" && added.phoneE164 == "+15550200999" && added.active)

        let twice = await #expect(throws: StoreError.self) {
            try await store.addSitter(try NewSitter(name: "Someone", phone: "+15550200999"), orgId: orgId)
        }
        #expect(twice?.description == "a sitter with +15550200999 exists already: Ana Ruiz (#\(added.id!))")
        let desk = await #expect(throws: StoreError.self) {
            try await store.addSitter(try NewSitter(name: "Someone", phone: "+15550100100"), orgId: orgId)
        }
        #expect(desk?.description.contains("is one of the business's Twilio numbers") == true)
    }

    @Test("sitter edit: found by a unique beginning of her name; a new phone moves her office thread; an ambiguous name is refused")
    func editSitter() async throws {
        let (store, orgId) = try await Self.demo()
        let diego = try Self.sitter(store, "Diego Ramírez")
        let edited = try await store.editSitter(.name("diego"), orgId: orgId, changes: try ContactEdit(name: nil, phone: "+15550209999"))
        #expect(edited.id == diego.id && edited.phoneE164 == "+15550209999" && edited.name == "Diego Ramírez")
        let officePhones = try await store.reader.read { db in
            try String.fetchAll(db, sql: "SELECT counterpart_e164 FROM message_thread WHERE assigned_sitter_id = ? AND scope = 'owner_sitter'", arguments: [diego.id])
        }
        #expect(officePhones == ["+15550209999"], "the office's next text reaches her new phone")

        _ = try await store.addSitter(try NewSitter(name: "Priyanka Das", phone: "+15550200998"), orgId: orgId)
        let ambiguous = await #expect(throws: StoreError.self) {
            try await store.editSitter(.name("pri"), orgId: orgId, changes: try ContactEdit(name: "X", phone: nil))
        }
        #expect(ambiguous?.description == #"2 sitters match "pri" ("Priya Natarajan", "Priyanka Das"); give more of the name, the phone or the id"#)
        let missing = await #expect(throws: StoreError.self) {
            try await store.editSitter(.name("Nobody"), orgId: orgId, changes: try ContactEdit(name: "X", phone: nil))
        }
        #expect(missing?.description == #"no sitter is "Nobody""#)
        let taken = await #expect(throws: StoreError.self) {
            try await store.editSitter(.id(diego.id!), orgId: orgId, changes: try ContactEdit(name: nil, phone: "+15550200101"))
        }
        #expect(taken?.description.contains("is already Maya Okafor's phone") == true)
    }

    @Test("sitter deactivate: her client threads move to the owner inbox, offers withdrawn, numbers pooled, metrics stale; twice changes nothing")
    func deactivateSitter() async throws {
        let (store, orgId) = try await Self.demo()
        let maya = try Self.sitter(store, "Maya Okafor")
        let ownerBefore = try Self.mailboxCounts(store, orgId: orgId, .owner)
        let hers = try Self.mailboxCounts(store, orgId: orgId, .sitter(maya.id!))
        #expect(hers.counted == 7)
        try await store.writer.write { db in try db.execute(sql: "DELETE FROM metrics_stale") }

        let done = try await store.deactivateSitter(.phone("+15550200101"), orgId: orgId)
        #expect(done.changed && !done.sitter.active)
        #expect(done.movedThreads == 7)
        #expect(done.withdrawnOffers == ["B1040"])
        #expect(done.releasedNumbers == ["+15550300101"])

        #expect(try Self.mailboxCounts(store, orgId: orgId, .sitter(maya.id!)) == (0, 0))
        let ownerAfter = try Self.mailboxCounts(store, orgId: orgId, .owner)
        #expect(ownerAfter.counted == ownerBefore.counted + 7 && ownerAfter.kept == ownerAfter.counted, "mailbox_stats kept in step")
        try await store.reader.read { db in
            #expect(try RowID.fetchAll(db, sql: "SELECT sitter_id FROM metrics_stale") == [maya.id!])
            let number = try MessageNumber.filter(MessageNumber.Columns.e164 == "+15550300101").fetchOne(db)!
            #expect(number.numberClass == .pool && number.assignedSitterId == nil)
            #expect(try String.fetchOne(db, sql: "SELECT status FROM offer_event WHERE sitter_id = ? AND booking_id = (SELECT id FROM booking WHERE code = 'B1040')", arguments: [maya.id]) == "withdrawn")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM event_log WHERE event_type = 'thread.unassigned'") == 7)
        }
        let again = try await store.deactivateSitter(.id(maya.id!), orgId: orgId)
        #expect(!again.changed && again.movedThreads == 0)
    }

    @Test("After deactivation a client's text to her former number reaches the owner inbox and is forwarded to nobody; activate brings her back")
    func textsAfterDeactivation() async throws {
        let (store, orgId) = try await Self.demo()
        let maya = try Self.sitter(store, "Maya Okafor")
        _ = try await store.deactivateSitter(.id(maya.id!), orgId: orgId)
        let received = ReceivedWebhook(path: "/api/twilio/inbound", rawBody: "", headers: ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil))
        let render: AnswerRenderer<InboundOutcome> = { outcome in
            WebhookAnswer(statusCode: 200, body: "\(outcome.replies.count)", verdict: outcome.verdict)
        }
        for (sid, from) in [("SMrecords1", "+15550401011"), ("SMrecords2", "+15550407777")] {  // her client Mateo; a stranger
            let answer = try await store.ingest(
                InboundSMS(sid: sid, from: from, to: "+15550300101", body: "Hello?"), received: received, answer: render)
            #expect(answer.verdict == .accepted && answer.body == "0", "\(from): stored, forwarded to nobody")
            let mailbox = try await store.reader.read { db in
                try RowID.fetchOne(
                    db, sql: "SELECT \(Mailbox.sqlKeyExpression) FROM message_thread WHERE id = (SELECT thread_id FROM message_event WHERE provider_message_sid = ?)",
                    arguments: [sid])
            }
            #expect(mailbox == Mailbox.owner.key, "\(from)'s text is in the owner inbox")
        }
        let activated = try await store.activateSitter(.name("Maya"), orgId: orgId)
        #expect(activated.changed && activated.sitter.active)
        #expect(try await store.activateSitter(.name("Maya"), orgId: orgId).changed == false)
    }

    @Test("Deactivation on a WAL pool (the production setup) keeps mailbox_stats in step too")
    func deactivateOnPool() async throws {
        let (store, _) = try makeTemporaryDatabase(clock: .fixed(Self.now))
        let orgId = try await store.importFile(atPath: demoFilePath).orgId
        let maya = try Self.sitter(store, "Maya Okafor")
        let done = try await store.deactivateSitter(.name("Maya Okafor"), orgId: orgId)
        #expect(done.movedThreads == 7)
        #expect(try Self.mailboxCounts(store, orgId: orgId, .sitter(maya.id!)) == (0, 0))
        let owner = try Self.mailboxCounts(store, orgId: orgId, .owner)
        #expect(owner.counted == owner.kept)
    }

    @Test("client add names a contact who texted in; a named client's phone twice is refused; client edit follows the phone")
    func clients() async throws {
        let (store, orgId) = try await Self.demo()
        let stranger = try await store.addClient(try NewClient(name: nil, phone: "+15550409999"), orgId: orgId)
        #expect(!stranger.namedExistingContact && stranger.client.name == nil)
        let named = try await store.addClient(try NewClient(name: "Mateo Rossi", phone: "+15550409999"), orgId: orgId)
        #expect(named.namedExistingContact && named.client.id == stranger.client.id && named.client.name == "Mateo Rossi")
        let twice = await #expect(throws: StoreError.self) {
            try await store.addClient(try NewClient(name: "Other", phone: "+15550409999"), orgId: orgId)
        }
        #expect(twice?.description == "a client with +15550409999 exists already: Mateo Rossi (#\(named.client.id!))")

        let zoe = try await store.editClient(.name("Zoë"), orgId: orgId, changes: try ContactEdit(name: nil, phone: "+15550401999"))
        let phones = try await store.reader.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT counterpart_e164 FROM message_thread WHERE client_id = ?", arguments: [zoe.id])
        }
        #expect(phones == ["+15550401999"])
    }

    @Test("number add/assign/release: one front desk; a number in use, or another sitter's, is refused; release moves her threads on it")
    func numbers() async throws {
        let (store, orgId) = try await Self.demo()
        let desk = await #expect(throws: StoreError.self) { try await store.addNumber("+15550300950", role: .frontDesk, orgId: orgId) }
        #expect(desk?.description == "the org's front desk is +15550100100 already; add +15550300950 to the pool instead")
        let inUse = await #expect(throws: StoreError.self) { try await store.addNumber("+15550300101", role: .pool, orgId: orgId) }
        #expect(inUse?.description == "+15550300101 is in use already, as a sitter number")

        let pooled = try await store.addNumber("+15550300950", role: .pool, orgId: orgId)
        #expect(pooled.number.numberClass == .pool)
        let ana = try await store.addSitter(try NewSitter(name: "Ana Ruiz", phone: "+15550200999"), orgId: orgId)
        let assigned = try await store.assignNumber("+15550300950", to: .name("Ana"), orgId: orgId)
        #expect(assigned.number.numberClass == .sitter && assigned.number.assignedSitterId == ana.id)
        let others = await #expect(throws: StoreError.self) { try await store.assignNumber("+15550300101", to: .id(ana.id!), orgId: orgId) }
        #expect(others?.description == "+15550300101 is Maya Okafor's number; release it first")
        let deskToSitter = await #expect(throws: StoreError.self) { try await store.assignNumber("+15550100100", to: .id(ana.id!), orgId: orgId) }
        #expect(deskToSitter?.description.hasPrefix("+15550100100 is the front desk") == true)

        let maya = try Self.sitter(store, "Maya Okafor")
        let released = try await store.releaseNumber("+15550300101", orgId: orgId)
        #expect(released.sitter?.id == maya.id && released.movedThreads == 7)
        #expect(try Self.mailboxCounts(store, orgId: orgId, .sitter(maya.id!)) == (0, 0))
        let unknown = await #expect(throws: StoreError.self) { try await store.releaseNumber("+15550300999", orgId: orgId) }
        #expect(unknown?.description == "+15550300999 is not one of this org's numbers")
    }

    @Test("booking add: a code that exists (any case) or a missing client is refused; cancel withdraws its pending offers, once")
    func bookings() async throws {
        let (store, orgId) = try await Self.demo()
        let start = Self.now.addingTimeInterval(86_400)
        let booking = try await store.addBooking(
            try NewBooking(code: "b2001", client: .name("Zoë Whitfield"), service: "Dog walk", startsAt: start, endsAt: start.addingTimeInterval(1800)),
            orgId: orgId)
        #expect(booking.code == "B2001" && booking.status == .open)
        let exists = await #expect(throws: StoreError.self) {
            try await store.addBooking(
                try NewBooking(code: "B1042", client: .name("Zoë"), service: "Walk", startsAt: start, endsAt: start.addingTimeInterval(60)),
                orgId: orgId)
        }
        #expect(exists?.description.hasPrefix("booking B1042 exists already") == true)
        let noClient = await #expect(throws: StoreError.self) {
            try await store.addBooking(
                try NewBooking(code: "B2002", client: .phone("+15550499999"), service: "Walk", startsAt: start, endsAt: start.addingTimeInterval(60)),
                orgId: orgId)
        }
        #expect(noClient?.description == "no client is +15550499999")

        let cancelled = try await store.cancelBooking(code: "b1046", orgId: orgId)
        #expect(cancelled.changed && cancelled.booking.status == .cancelled)
        #expect(cancelled.withdrawnFrom.sorted() == ["Lena Schröder", "田中 ゆき (Yuki)"])
        let again = try await store.cancelBooking(code: "B1046", orgId: orgId)
        #expect(!again.changed && again.withdrawnFrom.isEmpty)
        let missing = await #expect(throws: StoreError.self) { try await store.cancelBooking(code: "B9999", orgId: orgId) }
        #expect(missing?.description == "no booking has the code B9999")
    }

    @Test("withdraw: one sitter's pending offer, or all of a booking's; none pending is refused")
    func withdraw() async throws {
        let (store, orgId) = try await Self.demo()
        let one = try await store.withdrawOffers(code: "B1042", sitter: .name("Priya"), orgId: orgId)
        #expect(one.map(\.sitterName) == ["Priya Natarajan"] && one[0].offer.status == .withdrawn)
        let none = await #expect(throws: StoreError.self) { try await store.withdrawOffers(code: "B1042", sitter: nil, orgId: orgId) }
        #expect(none?.description == "booking B1042 has no pending offer")
        let both = try await store.withdrawOffers(code: "B1046", sitter: nil, orgId: orgId)
        #expect(both.count == 2)
    }

    @Test("offer target and reply thread are found in the org only")
    func targets() async throws {
        let (store, orgId) = try await Self.demo()
        let target = try store.offerTarget(code: "b1040", sitter: .name("maya"), orgId: orgId)
        #expect(target.booking.code == "B1040" && target.sitter.name == "Maya Okafor")
        #expect(throws: StoreError.self) { try store.replyThread(id: 99_999, orgId: orgId) }
        #expect(throws: StoreError.self) { try store.replyThread(id: 1, orgId: orgId + 1) }
    }

    @Test("export: a mailbox's threads are the mailbox rule's; messages since a moment are only those")
    func export() async throws {
        let (store, orgId) = try await Self.demo()
        let maya = try Self.sitter(store, "Maya Okafor")
        var threads: [ThreadExportRow] = []
        try store.exportThreads(ExportFilter(orgId: orgId, mailbox: .sitter(maya.id!))) { threads.append($0) }
        #expect(threads.count == 7 && threads.allSatisfy { $0.mailbox == "Maya Okafor" })
        #expect(threads.map(\.lastMessageAt) == threads.map(\.lastMessageAt).sorted(by: >))
        var owner: [ThreadExportRow] = []
        try store.exportThreads(ExportFilter(orgId: orgId, mailbox: .owner)) { owner.append($0) }
        #expect(owner.count == (try Self.mailboxCounts(store, orgId: orgId, .owner).counted) && owner.allSatisfy { $0.mailbox == "owner" })

        var all: [MessageExportRow] = []
        try store.exportMessages(ExportFilter(orgId: orgId)) { all.append($0) }
        let since = Self.now.addingTimeInterval(-86_400)
        var recent: [MessageExportRow] = []
        try store.exportMessages(ExportFilter(orgId: orgId, since: since)) { recent.append($0) }
        #expect(!recent.isEmpty && recent.count < all.count)
        #expect(recent == all.filter { $0.createdAt >= since })
        let inbound = try #require(all.first { $0.direction == .inbound && $0.actor == .client })
        #expect(inbound.from?.hasPrefix("+1555040") == true && inbound.to?.hasPrefix("+1555") == true)
    }
}
