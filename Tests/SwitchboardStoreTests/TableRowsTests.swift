import Foundation
import Testing
@testable import SwitchboardStore

/// The engine-free reading of every business table that `switchboard migrate` copies from.
@Suite struct TableRowsTests {
    @Test func batchesCoverEveryRowOnceInOrder() async throws {
        let store = try AppDatabase.makeEmpty()
        try await store.importFile(atPath: demoFilePath)
        for table in AppDatabase.businessTables {
            var seen = 0
            var after: Int64? = nil
            var lastIds: [Int64] = []
            while true {
                let batch = try store.rows(of: table, after: after, limit: 7)
                #expect(batch.table == table)
                seen += batch.rows.count
                if let idColumn = batch.columns.firstIndex(of: "id") {
                    for row in batch.rows { if case .integer(let id) = row[idColumn] { lastIds.append(id) } }
                }
                guard let last = batch.lastRowid, !batch.rows.isEmpty else { break }
                after = last
            }
            #expect(seen == (try store.rowCount(of: table)), "\(table)")
            #expect(lastIds == lastIds.sorted(), "\(table) in id order")
        }
    }

    @Test func valuesKeepTheirStoredKind() async throws {
        let store = try AppDatabase.makeEmpty()
        try await store.importFile(atPath: demoFilePath)
        let sitters = try store.rows(of: "sitter", after: nil, limit: 1)
        let row = try #require(sitters.rows.first)
        let value = { (name: String) in row[sitters.columns.firstIndex(of: name)!] }
        #expect(value("id") == .integer(1))
        guard case .text = value("name") else { Issue.record("a name is text"); return }
        #expect(value("active") == .integer(1))
        #expect(try store.rowCount(of: "org") == 1)
    }

    @Test func datesReadBackAsGRDBWroteThem() async throws {
        let store = try AppDatabase.makeEmpty()
        try await store.importFile(atPath: demoFilePath)
        let batch = try store.rows(of: "message_event", after: nil, limit: 50)
        let column = try #require(batch.columns.firstIndex(of: "created_at"))
        let events = try store.read { try $0.firstMessages(inThread: 1, limit: 50) }
        let stored = batch.rows.filter { $0[batch.columns.firstIndex(of: "thread_id")!] == .integer(1) }.map { $0[column].date }
        #expect(stored == events.map(\.createdAt))
        #expect(StoredValue.text("not a date").date == nil)
        #expect(StoredValue.null.date == nil)
    }

    @Test func aTableThatIsNotSwitchboardsIsRefused() throws {
        let store = try AppDatabase.makeEmpty()
        #expect(throws: StoreError.self) { try store.rows(of: "sqlite_master", after: nil, limit: 1) }
        #expect(throws: StoreError.self) { try store.rowCount(of: "org; DROP TABLE org") }
    }
}
