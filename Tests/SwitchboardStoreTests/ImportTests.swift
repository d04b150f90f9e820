import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

struct ImportTests {
    @Test("The demo file imports, and importing it twice changes nothing")
    func demoIsIdempotent() async throws {
        let store = try AppDatabase.makeEmpty()
        let first = try await store.importFile(atPath: demoFilePath)
        #expect(first.sitters >= 6)
        #expect(first.clients >= 30)
        #expect(first.threads > 0 && first.messages > first.threads)
        let countsAfterFirst = try await tableCounts(store)
        let second = try await store.importFile(atPath: demoFilePath)
        #expect(second == ImportSummary(orgId: first.orgId))
        #expect(try await tableCounts(store) == countsAfterFirst)
    }

    @Test("The demo has what the console's demo needs: every scope, unassigned threads, offers in every state")
    func demoCoversTheCases() async throws {
        let store = try AppDatabase.makeEmpty()
        try await store.importFile(atPath: demoFilePath)
        try await store.reader.read { (db: Database) throws in
            let scopes = try String.fetchSet(db, sql: "SELECT DISTINCT scope FROM message_thread")
            #expect(scopes == Set(ThreadScope.allCases.map(\.rawValue)))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM message_thread WHERE scope LIKE 'client%' AND assigned_sitter_id IS NULL")! > 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM message_thread WHERE scope = 'owner_sitter' AND assigned_sitter_id IS NOT NULL")! > 0)
            let pendingPerSitter = try Int.fetchAll(
                db,
                sql: """
                    SELECT count(*) FROM offer_event WHERE status = 'offered' AND expires_at > datetime('now')
                    GROUP BY sitter_id
                    """)
            #expect(pendingPerSitter.contains(1), "some sitter has exactly one pending offer")
            #expect(pendingPerSitter.contains { $0 > 1 }, "some sitter has several")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM offer_event WHERE status = 'offered' AND expires_at <= datetime('now')")! > 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT booking_id FROM offer_event WHERE status = 'offered' GROUP BY booking_id HAVING count(*) > 1)")! > 0)
            let bodies = try String.fetchAll(db, sql: "SELECT body FROM message_event")
            #expect(bodies.contains { $0.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
            #expect(bodies.contains { !$0.allSatisfy(\.isASCII) })
        }
    }

    @Test(
        "A malformed file names the file, the JSON path and the problem, and writes nothing",
        arguments: [
            (#"{"org": {"name": "X"}, "sitters": [], "clients": []}"#, "$.org.front_desk: required field is missing"),
            (#"{"org": {"name": "X", "front_desk": "+15550000100"}, "sitters": [{"key": "a", "name": "A", "phone": 5}], "clients": []}"#,
             "$.sitters[0].phone: expected a string"),
            (#"{"org": {"name": "X", "front_desk": "+15550000100"}, "sitters": [{"key": "a", "name": "A", "phone": "555-1234"}], "clients": []}"#,
             "$.sitters[0].phone: \"555-1234\" is not an E.164 phone number"),
            (#"{"org": {"name": "X", "front_desk": "+15550000100"}, "sitters": [], "clients": [{"key": "c", "name": "C", "phone": "+15550000200"}], "bookings": [{"code": "B1", "client": "nobody", "service": "walk", "starts": "in 1 day", "ends": "in 2 days"}]}"#,
             "$.bookings[0].client: no client has the key \"nobody\""),
            (#"{"org": {"name": "X", "front_desk": "+15550000100"}, "sitters": [], "clients": [{"key": "c", "name": "C", "phone": "+15550000200"}], "bookings": [{"code": "B1", "client": "c", "service": "walk", "starts": "tomorrow", "ends": "in 2 days"}]}"#,
             "$.bookings[0].starts: \"tomorrow\" is not a time"),
            (#"{"org": "#, "$: not valid JSON"),
            (#"{"org": {"name": "X", "front_desk": "+15550000100"}, "sitters": [{"key": "a", "name": "A\u0000B", "phone": "+15550000101"}], "clients": []}"#,
             "$.sitters[0].name: contains a NUL character"),
        ])
    func malformedFile(json: String, problem: String) async throws {
        let store = try AppDatabase.makeEmpty()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("bad.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: StoreError.self) { try await store.importFile(atPath: path) }
        #expect(error?.code == .invalidImport)
        #expect(error?.message.hasPrefix(path + ": ") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(problem) == true, "\(error?.message ?? "")")
        #expect(try await tableCounts(store).values.allSatisfy { $0 == 0 }, "nothing written")
    }

    func tableCounts(_ store: AppDatabase) async throws -> [String: Int] {
        try await store.reader.read { (db: Database) throws in
            var counts: [String: Int] = [:]
            for table in ["org", "sitter", "client", "booking", "message_number", "message_thread", "message_event", "message_response_link", "offer_event"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")
            }
            return counts
        }
    }
}
