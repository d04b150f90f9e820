import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Issue 14, defect 9: the org has a time zone (from its import file, the machine's when
/// absent), and the offer SMS the system writes uses it.
struct OrgTimeZoneTests {
    static func file(zone: String?) -> String {
        let field = zone.map { #", "time_zone": "\#($0)""# } ?? ""
        return #"""
            {"org": {"name": "Zoned", "front_desk": "+15550000100"\#(field)},
             "sitters": [{"key": "a", "name": "Ana", "phone": "+15550000101"}],
             "clients": [{"key": "c", "name": "Cy", "phone": "+15550000200"}],
             "bookings": [{"code": "B7", "client": "c", "service": "Dog walk", "starts": "in 1 day", "ends": "in 1 day 1 hour"}]}
            """#
    }

    @Test func theDemoOrgHasItsTimeZone() async throws {
        let store = try AppDatabase.makeEmpty()
        try await store.importFile(atPath: demoFilePath)
        let org = try #require(try await store.reader.read { try Org.fetchOne($0) })
        #expect(org.timeZone == "America/New_York")
        #expect(org.zone.identifier == "America/New_York")
    }

    @Test func withoutATimeZoneTheOrgUsesTheMachines() async throws {
        let store = try AppDatabase.makeEmpty()
        _ = try await store.importFile(try ImportFile.decode(Data(Self.file(zone: nil).utf8), file: "x.json"), name: "x.json")
        let org = try #require(try await store.reader.read { try Org.fetchOne($0) })
        #expect(org.timeZone == nil && org.zone == .current)
    }

    @Test func anUnknownTimeZoneIsRefusedWithItsPath() async throws {
        let store = try AppDatabase.makeEmpty()
        let file = try ImportFile.decode(Data(Self.file(zone: "Mars/Olympus").utf8), file: "x.json")
        await #expect {
            _ = try await store.importFile(file, name: "x.json")
        } throws: { error in
            "\(error)".contains("$.org.time_zone") && "\(error)".contains("America/New_York")
        }
    }

    @Test func theOfferSMSUsesTheOrgsTimeZone() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
        let store = try AppDatabase.makeEmpty(clock: .fixed(now))
        _ = try await store.importFile(
            try ImportFile.decode(Data(Self.file(zone: "America/Los_Angeles").utf8), file: "x.json"), name: "x.json")
        let (bookingId, sitterId) = try await store.reader.read { db in
            (try RowID.fetchOne(db, sql: "SELECT id FROM booking")!, try RowID.fetchOne(db, sql: "SELECT id FROM sitter")!)
        }
        let creation = try await store.createOffer(bookingId: bookingId, sitterId: sitterId, expiresAt: now.addingTimeInterval(7200))
        let text = try #require(creation.invitation?.event.body)
        // The booking starts at 2027-01-16 08:00 UTC: midnight in Los Angeles.
        #expect(text == "New booking B7: Dog walk, Jan 16 00:00-01:00 UTC-8. Reply Y B7 to take it or N B7 to pass, by Jan 15 02:00 UTC-8.")
    }
}
