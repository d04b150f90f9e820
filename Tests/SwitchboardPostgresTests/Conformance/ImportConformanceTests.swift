import Foundation
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// `switchboard import` on either engine: the same summary, nothing added the second time,
/// and the same business read back as SQLite's.
@Suite struct ImportConformanceTests {
    static let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))

    @Test(arguments: Engine.allCases) func theDemoImportsTheSameAndOnlyOnce(engine: Engine) async throws {
        let oracle = try AppDatabase.makeEmpty(clock: Self.clock)
        let expected = try await oracle.importFile(atPath: demoImportPath)
        try await withFreshStore(engine, clock: Self.clock) { store in
            let first = try await store.importFile(atPath: demoImportPath)
            #expect(first == expected)
            let second = try await store.importFile(atPath: demoImportPath)
            #expect(second.description == "added 0 sitters, 0 clients, 0 numbers, 0 bookings, 0 offers, 0 threads, 0 messages")
            let org = try #require(first.orgId)
            let now = Self.clock.now
            for mailbox in [Mailbox.owner] + (try oracle.read { try $0.sitters(of: org) }).compactMap(\.id).map(Mailbox.sitter) {
                let page = Page(offset: 0, limit: 100)
                let actual = try store.read { try $0.threads(in: mailbox, of: org, page: page) }
                let wanted = try oracle.read { try $0.threads(in: mailbox, of: org, page: page) }
                #expect("\(actual)" == "\(wanted)")
            }
            let mailboxes = try store.read { try $0.sitterMailboxes(of: org, page: Page(offset: 0, limit: 20), now: now) }
            #expect("\(mailboxes)" == "\(try oracle.read { try $0.sitterMailboxes(of: org, page: Page(offset: 0, limit: 20), now: now) })")
            // The figures, not the rows' ids: a second import recomputes them in new rows on SQLite.
            func figures(_ rows: [TierRow]) -> String {
                "\(rows.map { [$0.sitter.name, $0.window?.tier ?? "-", "\($0.window?.responseRate ?? -1)", "\($0.window?.offerAcceptRate ?? -1)"] })"
            }
            let tiers = try store.read { try $0.tierRows(of: org, page: Page(offset: 0, limit: 20)) }
            #expect(figures(tiers) == figures(try oracle.read { try $0.tierRows(of: org, page: Page(offset: 0, limit: 20)) }))
        }
    }

    @Test(arguments: Engine.allCases) func aMistakeInTheFileSaysWhereAndAddsNothing(engine: Engine) async throws {
        let file = try ImportFile.decode(
            Data(#"{"org": {"name": "Bad", "front_desk": "+15550100100"}, "sitters": [{"key": "a", "name": "A", "phone": "555"}], "clients": []}"#.utf8),
            file: "bad.json")
        try await withFreshStore(engine, clock: Self.clock) { store in
            let error = await #expect(throws: StoreError.self) { try await store.importFile(file, name: "bad.json") }
            #expect(error?.message == "bad.json: $.sitters[0].phone: \"555\" is not an E.164 phone number such as +15551234567")
            let orgs = try store.read { try $0.orgs() }
            #expect(orgs.isEmpty)
        }
    }
}
