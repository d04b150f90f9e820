import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
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
        }
    }

    @Test("a page of the sitters pane is a range of the sitter_list index, its counts lookups per sitter")
    func sitterPageUsesIndexes() throws {
        let store = try AppDatabase.makeEmpty()
        try store.reader.read { (db: Database) throws in
            let plan = try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT id FROM sitter WHERE org_id = ? ORDER BY name COLLATE NOCASE, id LIMIT 20",
                arguments: [1]
            ).map { $0["detail"] as String }.joined(separator: "\n")
            #expect(plan.contains("USING COVERING INDEX sitter_list"), "\(plan)")
            #expect(!plan.contains("USE TEMP B-TREE"), "\(plan)")
            // The pane's own statement: her mailbox's row (counts kept by triggers) and only the
            // offers past their expiry that the sweep has not closed, a range of the partial index.
            let page = try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN " + AppDatabase.sitterMailboxColumns
                    + " WHERE s.org_id = ? ORDER BY s.name COLLATE NOCASE, s.id LIMIT ? OFFSET ?",
                arguments: ["2026-01-01", 1, 20, 0]
            ).map { $0["detail"] as String }.joined(separator: "\n")
            #expect(page.contains("SEARCH s USING INDEX sitter_list (org_id=?)"), "\(page)")
            #expect(page.contains("SEARCH m USING INDEX sqlite_autoindex_mailbox_stats_1 (org_id=? AND mailbox_key=?)"), "\(page)")
            #expect(page.contains("offer_event_pending (org_id=? AND sitter_id=? AND expires_at<?)"), "\(page)")
            #expect(!page.contains("USE TEMP B-TREE"), "\(page)")
        }
    }

    @Test("mailbox_stats counts agree with counting the threads, through inserts, assignment, reads and deletes")
    func mailboxStatsAgree() throws {
        let store = try AppDatabase.makeEmpty()
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            var other = Sitter(orgId: world.org.id!, name: "Diego", phoneE164: "+15550000003")
            try other.insert(db)
            let sitters: [RowID?] = [nil, world.sitter.id, other.id]
            func check(_ step: String) throws {
                for mailbox in [Mailbox.owner, .sitter(world.sitter.id!), .sitter(other.id!)] {
                    let counted = try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM message_thread WHERE \(Mailbox.sqlKeyExpression) = ?", arguments: [mailbox.key])!
                    let unread = try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM message_thread WHERE \(Mailbox.sqlKeyExpression) = ? AND unread > 0",
                        arguments: [mailbox.key])!
                    #expect(try AppDatabase.threadCount(db, orgId: world.org.id!, mailbox: mailbox) == counted, "\(step): \(mailbox)")
                    #expect(try AppDatabase.unreadCounts(db, orgId: world.org.id!)[mailbox] ?? 0 == unread, "\(step): \(mailbox) unread")
                }
                let unassigned = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM message_thread WHERE assigned_sitter_id IS NULL AND scope IN ('client_booking','client_general')")!
                #expect(try AppDatabase.unassignedCount(db, orgId: world.org.id!) == unassigned, "\(step): unassigned")
            }
            var threads: [MessageThread] = []
            for (index, (sitter, scope)) in sitters.flatMap({ s in ThreadScope.allCases.map { (s, $0) } }).enumerated() {
                var thread = MessageThread(
                    orgId: world.org.id!, assignedSitterId: sitter, scope: scope, createdAt: Date(), unread: index % 2)
                try thread.insert(db)
                threads.append(thread)
            }
            try check("after inserts")
            for var thread in threads {
                thread.assignedSitterId = thread.assignedSitterId == nil ? other.id : nil
                thread.unread += 1
                try thread.update(db)
            }
            try check("after reassigning and new messages")
            try db.execute(sql: "UPDATE message_thread SET unread = 0 WHERE id % 3 = 0")
            try db.execute(sql: "UPDATE message_thread SET scope = 'owner_sitter' WHERE id % 4 = 0")
            try check("after reads and scope changes")
            try db.execute(sql: "DELETE FROM message_thread WHERE id % 2 = 0")
            try check("after deletes")
        }
    }

    /// The sitters pane's pending offers (migration v8's counter, less the offers past their
    /// expiry the sweep has not closed) are what counting the offers gives, through offering,
    /// answers, the sweep, a withdrawal, moving an offer to another sitter and deleting one.
    @Test("Pending offers per sitter agree with counting them, through every step of an offer's life")
    func pendingOffersAgree() throws {
        let store = try AppDatabase.makeEmpty()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            var other = Sitter(orgId: world.org.id!, name: "Diego", phoneE164: "+15550000003")
            try other.insert(db)
            let sitters = [world.sitter.id!, other.id!]
            var booking = Booking(orgId: world.org.id!, code: "B1", clientId: world.client.id!, service: "walk", startsAt: now, endsAt: now + 3600)
            try booking.insert(db)
            func check(_ step: String) throws {
                for sitter in sitters {
                    let counted = try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM offer_event WHERE sitter_id = ? AND status = 'offered' AND expires_at > ?",
                        arguments: [sitter, now.storedText])!
                    #expect(try AppDatabase.sitterMailbox(db, sitterId: sitter, now: now)?.pendingOffers == counted, "\(step): sitter \(sitter)")
                    let page = try AppDatabase.sitterMailboxes(db, orgId: world.org.id!, offset: 0, limit: 10, now: now)
                    #expect(page.first { $0.id == sitter }?.pendingOffers == counted, "\(step): sitter \(sitter) in the pane")
                }
            }
            try check("before any offer")
            // Two of each sitter's offers are past their expiry and not swept yet.
            var offers: [RowID] = []
            for (index, expiry) in [-7200.0, -60, 60, 3600, 7200, 86_400].enumerated() {
                var offer = OfferEvent(
                    orgId: world.org.id!, sitterId: sitters[index % 2], bookingId: booking.id!, offeredAt: now - 86_400, expiresAt: now + expiry)
                try offer.insert(db)
                offers.append(offer.id!)
            }
            try check("after offering")
            try db.execute(sql: "UPDATE offer_event SET status = 'accepted', accepted_at = ? WHERE id = ?", arguments: [now, offers[2]])
            try db.execute(sql: "UPDATE offer_event SET status = 'declined', declined_at = ? WHERE id = ?", arguments: [now, offers[3]])
            try check("after answers")
            _ = try store.expireOffers(db, now: now)
            try check("after the sweep")
            try db.execute(sql: "UPDATE offer_event SET status = 'withdrawn', closed_at = ? WHERE id = ?", arguments: [now, offers[4]])
            try db.execute(sql: "UPDATE offer_event SET status = 'offered' WHERE id = ?", arguments: [offers[3]])
            try check("after a withdrawal and an offer reopened")
            try db.execute(sql: "UPDATE offer_event SET sitter_id = ? WHERE id = ?", arguments: [sitters[0], offers[5]])
            try check("after moving an offer to another sitter")
            try db.execute(sql: "DELETE FROM offer_event WHERE id IN (?, ?)", arguments: [offers[3], offers[5]])
            try check("after deletes")
            #expect(try Int.fetchOne(db, sql: "SELECT sum(offered) FROM mailbox_stats") == 0, "nothing open is left counted")
        }
    }

    /// A database that already held offers when migration v8 came starts with them counted.
    @Test("Migration v8 counts the open offers a database already holds")
    func migrationCountsExistingOffers() throws {
        let queue = try DatabaseQueue()
        try AppDatabase.migrator.migrate(queue, upTo: "v7-org-time-zone")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let sitterId = try queue.write { (db: Database) throws -> RowID in
            let world = try SmallWorld.make(db)
            var booking = Booking(orgId: world.org.id!, code: "B1", clientId: world.client.id!, service: "walk", startsAt: now, endsAt: now + 3600)
            try booking.insert(db)
            for status in [OfferStatus.offered, .offered, .accepted, .offered, .expired] {
                var offer = OfferEvent(
                    orgId: world.org.id!, sitterId: world.sitter.id!, bookingId: booking.id!, status: status, offeredAt: now, expiresAt: now + 600)
                try offer.insert(db)
            }
            return world.sitter.id!
        }
        try AppDatabase.migrator.migrate(queue)
        try queue.read { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT offered FROM mailbox_stats WHERE mailbox_key = ?", arguments: [sitterId]) == 3)
            #expect(try AppDatabase.sitterMailbox(db, sitterId: sitterId, now: now)?.pendingOffers == 3)
        }
    }
}
