import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// The console's reads (cached statements, rows decoded by position, dates by StoredDate)
/// give the very records GRDB's own decoding gives.
struct ScreenReadsTests {
    @Test("Threads, messages, sitters and tier rows read for a screen equal GRDB's records, dates to the bit")
    func sameRecordsAsGRDB() throws {
        let store = try AppDatabase.makeEmpty()
        let when = Date(timeIntervalSince1970: 1_800_000_123.4567)  // a sub-millisecond part: stored rounded
        let (world, threadId) = try store.writer.write { db in
            let world = try SmallWorld.make(db)
            var thread = MessageThread(
                orgId: world.org.id!, assignedSitterId: world.sitter.id, scope: .clientGeneral, clientId: world.client.id,
                counterpartE164: world.client.phoneE164, maskedNumberE164: world.sitterNumber.e164, numberClass: .sitter,
                createdAt: when, lastMessageAt: when + 0.0015, unread: 2)
            try thread.insert(db)
            for index in 0..<5 {
                var event = MessageEvent(
                    orgId: world.org.id!, threadId: thread.id!, direction: index.isMultiple(of: 2) ? .inbound : .outbound,
                    actorType: index.isMultiple(of: 2) ? .client : .sitter, body: "message \(index) 🐕",
                    providerMessageSid: "SM\(index)", createdAt: when + Double(index) * 0.0101, deliveryStatus: index == 1 ? .delivered : nil)
                try event.insert(db)
            }
            var quiet = Sitter(orgId: world.org.id!, name: "Ana", phoneE164: "+15550000003")
            try quiet.insert(db)
            var window = SitterMetricsWindow(
                orgId: world.org.id!, sitterId: world.sitter.id!, windowStart: when - 86_400.25, windowEnd: when, avgResponseSeconds: 12.5,
                responseRate: 0.5, responseRequiredCount: 4, responseSampleCount: 2, tier: "gold", computedAt: when + 0.9999)
            try window.insert(db)
            return (world, thread.id!)
        }
        try store.writer.read { db in
            let reads = StoreReads(db: db)
            #expect(try reads.thread(threadId) == MessageThread.fetchOne(db, key: threadId))
            #expect(try reads.sitter(world.sitter.id!) == Sitter.fetchOne(db, key: world.sitter.id!))
            let expected = try MessageEvent.order(sql: "created_at DESC, id DESC").limit(3).fetchAll(db).reversed()
            #expect(try reads.messages(inThread: threadId, limit: 3, skippingNewest: 0) == Array(expected))
            #expect(try reads.firstMessages(inThread: threadId, limit: 2) == Array(MessageEvent.order(sql: "created_at, id").limit(2).fetchAll(db)))
            let page = try reads.threads(in: .sitter(world.sitter.id!), of: world.org.id!, page: Page(offset: 0, limit: 10))
            #expect(page.map(\.thread) == [try MessageThread.fetchOne(db, key: threadId)])
            #expect(page.first?.clientName == "Zoë" && page.first?.lastBody == "message 4 🐕")
            let tiers = try reads.tierRows(of: world.org.id!, page: Page(offset: 0, limit: 10))
            #expect(tiers.map(\.sitter.name) == ["Ana", "Maya"])
            #expect(tiers[0].window == nil, "a sitter with no metrics yet")
            #expect(tiers[1].window == (try SitterMetricsWindow.fetchOne(db)))
            #expect(try reads.tierRow(ofSitter: world.sitter.id!) == tiers[1])
            #expect(try reads.position(ofThread: threadId, in: .sitter(world.sitter.id!), of: world.org.id!) == 0)
        }
    }

    /// Threads that share a last-message time (and messages that share a creation time) are
    /// ordered by id: the position, the triage jump and the count of newer messages follow
    /// the list's own order through every tie.
    @Test("Keyset reads break ties on equal times by id, as the lists order them")
    func keysetReadsBreakTiesById() throws {
        let store = try AppDatabase.makeEmpty()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let (world, threadIds, messageIds) = try store.writer.write { db in
            let world = try SmallWorld.make(db)
            var threadIds: [RowID] = []
            for offset in [0.0, 1, 1, 1, 2, 2] {
                var thread = MessageThread(
                    orgId: world.org.id!, assignedSitterId: world.sitter.id, scope: .clientGeneral, clientId: world.client.id,
                    counterpartE164: world.client.phoneE164, maskedNumberE164: world.sitterNumber.e164, numberClass: .sitter,
                    createdAt: base, lastMessageAt: base + offset, unread: 1)
                try thread.insert(db)
                threadIds.append(thread.id!)
            }
            var messageIds: [RowID] = []
            for offset in [0.0, 1, 1, 1, 2] {
                var event = MessageEvent(
                    orgId: world.org.id!, threadId: threadIds[0], direction: .inbound, actorType: .client, body: "m",
                    providerMessageSid: nil, createdAt: base + offset, deliveryStatus: nil)
                try event.insert(db)
                messageIds.append(event.id!)
            }
            return (world, threadIds, messageIds)
        }
        try store.writer.read { db in
            let reads = StoreReads(db: db)
            let mailbox = Mailbox.sitter(world.sitter.id!), org = world.org.id!
            let listed = try reads.threads(in: mailbox, of: org, page: Page(offset: 0, limit: 10)).map(\.thread.id!)
            // Newest first; among equal times, the higher id first.
            #expect(listed == [threadIds[5], threadIds[4], threadIds[3], threadIds[2], threadIds[1], threadIds[0]])
            for (index, threadId) in listed.enumerated() {
                #expect(try reads.position(ofThread: threadId, in: mailbox, of: org) == index, "position of thread \(threadId)")
                let next = try reads.nextThread(in: mailbox, of: org, after: threadId, matching: .unread)
                #expect(next == listed[(index + 1) % listed.count], "the jump after thread \(threadId)")
            }
            for (index, messageId) in messageIds.enumerated() {
                #expect(try reads.messageCount(inThread: threadIds[0], newerThan: messageId) == messageIds.count - 1 - index)
            }
        }
    }
}
