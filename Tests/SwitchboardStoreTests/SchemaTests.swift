import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// The migrations are frozen: whatever changes in the application's code, a fresh database
/// gets the schema the shipped migrations always made.
struct SchemaTests {
    struct SchemaObject: Decodable, Equatable, CustomStringConvertible {
        var type: String
        var name: String
        var tbl_name: String
        var sql: String?
        var description: String { "\(type) \(name): \(sql ?? "<none>")" }
    }

    static func schema(of reader: some DatabaseReader) throws -> [SchemaObject] {
        try reader.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
            ).map { SchemaObject(type: $0[0], name: $0[1], tbl_name: $0[2], sql: $0[3]) }
        }
    }

    /// The last migration whose schema the fixture captured; later migrations add to it.
    static let capturedUpTo = "v2 sitter list index"

    @Test("Given a fresh database (in memory and a WAL file), when migrated up to the captured migration, then its schema is the captured one, object by object")
    func schemaIsUnchanged() throws {
        let expected = try JSONDecoder().decode([SchemaObject].self, from: Data(SchemaFixture.json.utf8))
        let (_, path) = try makeTemporaryDatabase()
        let fresh = path + "-fresh.sqlite"
        for writer in [try DatabaseQueue() as any DatabaseWriter, try DatabasePool(path: fresh)] {
            try AppDatabase.migrator.migrate(writer, upTo: Self.capturedUpTo)
            let actual = try Self.schema(of: writer)
            #expect(actual.map(\.name) == expected.map(\.name))
            for (found, wanted) in zip(actual, expected) where found != wanted {
                Issue.record("schema differs:\n  expected: \(wanted)\n  actual:   \(found)")
            }
        }
    }

    /// The frozen index spells the mailbox rule out; the queries use `Mailbox.sqlKeyExpression`.
    /// If the rule changes, this fails: the index needs a new migration, or the thread
    /// lists stop being ranges of it.
    @Test("The mailbox index of the frozen migration has the expression the queries use")
    func mailboxIndexMatchesTheRule() throws {
        let sql = try AppDatabase.makeEmpty().reader.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'message_thread_mailbox'")
        }
        #expect(sql?.contains("(org_id, \(Mailbox.sqlKeyExpression), last_message_at DESC, id DESC)") == true, "\(sql ?? "")")
    }
}
