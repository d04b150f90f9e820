import Foundation
import GRDB
import SwitchboardCore
import SwitchboardStore
import Testing

/// SPEC §2: one rule, in Swift and in SQL, and every thread in exactly one mailbox.
struct MailboxRuleTests {
    static let combinations: [(RowID?, ThreadScope)] = [nil, RowID(1)].flatMap { sitter in
        ThreadScope.allCases.map { (sitter, $0) }
    }

    @Test("Swift rule matches SPEC §2", arguments: combinations)
    func swiftRule(sitter: RowID?, scope: ThreadScope) {
        let expected: Mailbox = (sitter != nil && (scope == .clientBooking || scope == .clientGeneral)) ? .sitter(1) : .owner
        #expect(Mailbox.of(assignedSitterID: sitter, scope: scope) == expected)
    }

    @Test("Swift and SQL rules agree, and each thread is in exactly one mailbox")
    func swiftAndSQLAgree() throws {
        let store = try AppDatabase.makeEmpty()
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            var other = Sitter(orgId: world.org.id!, name: "Diego", phoneE164: "+15550000003")
            try other.insert(db)
            for (sitter, scope) in Self.combinations {
                var thread = MessageThread(
                    orgId: world.org.id!, assignedSitterId: sitter == nil ? nil : world.sitter.id, scope: scope,
                    createdAt: Date())
                try thread.insert(db)
            }
            let threads = try MessageThread.fetchAll(db)
            #expect(threads.count == 8)
            let mailboxes: [Mailbox] = [.owner, .sitter(world.sitter.id!), .sitter(other.id!)]
            for thread in threads {
                let sqlKey = try RowID.fetchOne(
                    db, sql: "SELECT \(Mailbox.sqlKeyExpression) FROM message_thread WHERE id = ?", arguments: [thread.id])
                #expect(Mailbox(key: sqlKey!) == thread.mailbox, "thread \(thread.scope) sitter \(String(describing: thread.assignedSitterId))")
                // Exactly one mailbox's query returns it.
                var homes = 0
                for mailbox in mailboxes {
                    let page = try AppDatabase.threads(db, orgId: world.org.id!, mailbox: mailbox, limit: 100)
                    homes += page.filter { $0.id == thread.id }.count
                }
                #expect(homes == 1)
            }
            // Two client threads with a sitter are that sitter's; the other six are the owner's.
            #expect(try AppDatabase.threadCount(db, orgId: world.org.id!, mailbox: .sitter(world.sitter.id!)) == 2)
            #expect(try AppDatabase.threadCount(db, orgId: world.org.id!, mailbox: .owner) == 6)
            #expect(try AppDatabase.threadCount(db, orgId: world.org.id!, mailbox: .sitter(other.id!)) == 0)
        }
    }

    @Test("Assigning a thread moves it between mailboxes at once")
    func assignMovesThread() async throws {
        let store = try AppDatabase.makeEmpty()
        let (world, threadID) = try await store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            var thread = MessageThread(orgId: world.org.id!, scope: .clientGeneral, clientId: world.client.id, createdAt: Date())
            try thread.insert(db)
            return (world, thread.id!)
        }
        func mailboxOfThread() throws -> [Mailbox] {
            try store.reader.read { (db: Database) throws in
                try [Mailbox.owner, .sitter(world.sitter.id!)].filter { mailbox in
                    try AppDatabase.threads(db, orgId: world.org.id!, mailbox: mailbox, limit: 10).contains { $0.id == threadID }
                }
            }
        }
        #expect(try mailboxOfThread() == [.owner])
        _ = try await store.assignThread(threadID, to: world.sitter.id)
        #expect(try mailboxOfThread() == [.sitter(world.sitter.id!)])
        _ = try await store.assignThread(threadID, to: nil)
        #expect(try mailboxOfThread() == [.owner])
        let log = try await store.reader.read { db in try EventLog.order(sql: "id").fetchAll(db).map(\.eventType) }
        #expect(log == ["thread.assigned", "thread.unassigned"])
    }

    @Test("A mailbox's thread list is an index range, not a scan of all threads")
    func threadListUsesIndex() throws {
        let store = try AppDatabase.makeEmpty()
        try store.reader.read { (db: Database) throws in
            let plan = try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT * FROM message_thread
                    WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ?
                    ORDER BY last_message_at DESC, id DESC LIMIT 50
                    """,
                arguments: [1, 0]
            ).map { $0["detail"] as String }.joined(separator: "\n")
            #expect(plan.contains("USING INDEX message_thread_mailbox"), "\(plan)")
            #expect(!plan.contains("USE TEMP B-TREE"), "\(plan)")
            let unread = try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT \(Mailbox.sqlKeyExpression), count(*) FROM message_thread
                    WHERE org_id = ? AND unread > 0 GROUP BY \(Mailbox.sqlKeyExpression)
                    """,
                arguments: [1]
            ).map { $0["detail"] as String }.joined(separator: "\n")
            #expect(unread.contains("message_thread_unread"), "\(unread)")
        }
    }
}
