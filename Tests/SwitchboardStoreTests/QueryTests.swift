import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

struct QueryTests {
    @Test("Threads come newest first, a page at a time, with what the list shows")
    func threadsPaged() throws {
        let store = try AppDatabase.makeEmpty()
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0..<5 {
                var thread = MessageThread(
                    orgId: world.org.id!, assignedSitterId: world.sitter.id, scope: .clientGeneral,
                    clientId: world.client.id, counterpartE164: "+1555000\(index)", createdAt: start)
                try thread.insert(db)
                _ = try AppDatabase.appendMessage(
                    db, to: thread, direction: .inbound, actor: .client, body: "message \(index)",
                    providerMessageSid: "SM\(index)", at: start.addingTimeInterval(Double(index) * 60))
            }
            let mailbox = Mailbox.sitter(world.sitter.id!)
            let first = try AppDatabase.threads(db, orgId: world.org.id!, mailbox: mailbox, limit: 2)
            let second = try AppDatabase.threads(db, orgId: world.org.id!, mailbox: mailbox, limit: 2, offset: 2)
            #expect(first.map(\.lastBody) == ["message 4", "message 3"])
            #expect(second.map(\.lastBody) == ["message 2", "message 1"])
            #expect(first[0].clientName == "Zoë")
            #expect(first[0].sitterName == "Maya")
            #expect(first[0].thread.unread == 1)
            #expect(try AppDatabase.unreadCounts(db, orgId: world.org.id!) == [mailbox: 5])
        }
    }

    @Test("Messages of a thread: the newest N, in reading order")
    func messagesOfThread() throws {
        let store = try AppDatabase.makeEmpty()
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            var thread = MessageThread(orgId: world.org.id!, scope: .internal, createdAt: Date())
            try thread.insert(db)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0..<5 {
                thread = try AppDatabase.appendMessage(
                    db, to: thread, direction: .outbound, actor: .owner, body: "note \(index)",
                    providerMessageSid: nil, at: start.addingTimeInterval(Double(index))
                ).thread
            }
            let last3 = try AppDatabase.messages(db, threadId: thread.id!, limit: 3)
            #expect(last3.map(\.body) == ["note 2", "note 3", "note 4"])
        }
    }

    @Test("Response links: a client message opens one, the first outbound answer closes it")
    func responseLinks() throws {
        let clock = ManualClock()
        let store = try AppDatabase.makeEmpty(clock: clock.wallClock)
        try store.writer.write { (db: Database) throws in
            let world = try SmallWorld.make(db)
            var thread = MessageThread(
                orgId: world.org.id!, assignedSitterId: world.sitter.id, scope: .clientGeneral,
                clientId: world.client.id, createdAt: clock.now)
            try thread.insert(db)
            let t0 = clock.now
            let first = try AppDatabase.appendMessage(
                db, to: thread, direction: .inbound, actor: .client, body: "hi", providerMessageSid: "SMa", at: t0)
            #expect(first.openedLink != nil)
            // A second client message while one is open opens nothing new.
            let second = try AppDatabase.appendMessage(
                db, to: first.thread, direction: .inbound, actor: .client, body: "hello?", providerMessageSid: "SMb",
                at: t0.addingTimeInterval(30))
            #expect(second.openedLink == nil)
            let answer = try AppDatabase.appendMessage(
                db, to: second.thread, direction: .outbound, actor: .sitter, body: "on my way", providerMessageSid: "SMc",
                at: t0.addingTimeInterval(95))
            #expect(answer.closedLink?.responseSeconds == 95)
            #expect(answer.closedLink?.requiresResponseEventId == first.event.id)
            // A later outbound closes nothing.
            let more = try AppDatabase.appendMessage(
                db, to: answer.thread, direction: .outbound, actor: .owner, body: "thanks", providerMessageSid: "SMd",
                at: t0.addingTimeInterval(100))
            #expect(more.closedLink == nil)
            #expect(try MessageResponseLink.fetchCount(db) == 1)
            // Owner-sitter threads never open links.
            var ownerThread = MessageThread(orgId: world.org.id!, assignedSitterId: world.sitter.id, scope: .ownerSitter, createdAt: t0)
            try ownerThread.insert(db)
            let sitterNote = try AppDatabase.appendMessage(
                db, to: ownerThread, direction: .inbound, actor: .sitter, body: "late", providerMessageSid: "SMe", at: t0)
            #expect(sitterNote.openedLink == nil)
        }
    }

    @Test("The change stream signals after a commit")
    func changeStreamSignals() async throws {
        let (store, _) = try makeTemporaryDatabase()
        var iterator = store.changes().makeAsyncIterator()
        try await store.writer.write { db in _ = try SmallWorld.make(db) }
        try await store.writer.write { (db: Database) throws in
            var thread = MessageThread(orgId: 1, scope: .internal, createdAt: Date())
            try thread.insert(db)
        }
        let signal: Void? = await iterator.next()
        #expect(signal != nil)
    }
}
