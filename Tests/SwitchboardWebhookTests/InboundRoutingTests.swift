import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

/// SPEC §3: where inbound SMS go, driven through signed webhooks.
@Suite struct InboundRoutingTests {
    @Test(arguments: Drive.allCases)
    func clientToFrontDeskOpensAnUnassignedThread(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let response = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "Is Tuesday free?", sid: "SM1")
        }
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/xml; charset=utf-8")
        #expect(response.text == TwiML.empty)
        let thread = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        #expect(thread.scope == .clientGeneral)
        #expect(thread.assignedSitterId == nil)
        #expect(thread.mailbox == .owner)
        #expect(thread.unread == 1)
        let message = try #require(try await fixture.messages(sid: "SM1").first)
        #expect(message.body == "Is Tuesday free?")
        #expect(message.direction == .inbound && message.actorType == .client)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'accepted' AND message_sid = 'SM1'") == 1)
    }

    @Test(arguments: Drive.allCases)
    func clientToSitterNumberLandsInTheSittersMailbox(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        try fixture.booking("B1042", status: .assigned, sitter: fixture.alice)
        let (toAlice, toBob) = try await fixture.withListener(drive) { client in
            (try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Key is under the mat"),
             try await client.sms(from: Fixture.carolPhone, to: Fixture.bobNumber, body: "Hi Bob"))
        }
        let threads = try await fixture.threads(counterpart: Fixture.carolPhone)
        #expect(threads.count == 2)
        #expect(threads[0].mailbox == .sitter(fixture.alice.id!))
        #expect(threads[0].scope == .clientBooking, "Carol has a booking assigned to Alice")
        #expect(threads[1].mailbox == .sitter(fixture.bob.id!))
        #expect(threads[1].scope == .clientGeneral, "Carol has no booking with Bob")
        // The sitter gets the message on their own phone, from the masked number, naming the
        // client and the thread's handle.
        #expect(toAlice.text.contains(#"<Message to="+15551110001" from="+15552220001">Carol #\#(threads[0].id!): Key is under the mat</Message>"#))
        #expect(toBob.text.contains(#"to="+15551110002""#))
    }

    @Test(arguments: Drive.allCases)
    func unknownSenderBecomesAnUnnamedContact(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.strangerPhone, to: Fixture.frontDesk, body: "Do you walk cats?")
        }
        let contact = try #require(try await fixture.read { db in
            try Client.filter(sql: "phone_e164 = ?", arguments: [Fixture.strangerPhone]).fetchOne(db)
        })
        #expect(contact.name == nil)
        #expect(try await fixture.threads(counterpart: Fixture.strangerPhone).first?.clientId == contact.id)
    }

    @Test(arguments: Drive.allCases)
    func unknownToIsKeptUnrouted(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let response = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.unknownNumber, body: "hello?", sid: "SMU")
        }
        #expect(response.status == .ok)
        #expect(response.text == TwiML.empty)
        #expect(try await fixture.count("SELECT count(*) FROM message_event") == 0)
        let unrouted = try await fixture.read { db in try AppDatabase.unroutedMessages(db, limit: 10) }
        #expect(unrouted.map(\.body) == ["hello?"])
        #expect(unrouted.first?.to == Fixture.unknownNumber)
        #expect(unrouted.first?.messageSid == "SMU")
    }

    @Test(arguments: Drive.allCases)
    func sitterToFrontDeskGoesToTheirOwnerThread(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.alicePhone, to: Fixture.frontDesk, body: "Running 10 minutes late")
        }
        let thread = try #require(try await fixture.threads(counterpart: Fixture.alicePhone).first)
        #expect(thread.scope == .ownerSitter)
        #expect(thread.assignedSitterId == fixture.alice.id)
        #expect(thread.mailbox == .owner)
    }

    @Test(arguments: Drive.allCases)
    func sitterReplyIsRelayedToTheOneWaitingClientAndClosesTheLink(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let clock = fixture.clock
        let (relay, choices, named) = try await fixture.withListener(drive) { client in
            _ = try await client.sms(from: Fixture.davePhone, to: Fixture.aliceNumber, body: "Older question")
            clock.advance(by: 10)
            // Alice answers Dave by his handle: then only Carol waits.
            let dave = try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "#1 Sure")
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Can you come at 9?")
            clock.advance(by: 90)
            let relay = try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "Yes, 9 works", sid: "SMR")
            _ = try await client.sms(from: Fixture.davePhone, to: Fixture.aliceNumber, body: "And the cat?")
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "And the keys?")
            let choices = try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "Fine", sid: "SMC")
            return (relay, choices, dave)
        }
        let carolThread = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        let daveThread = try #require(try await fixture.threads(counterpart: Fixture.davePhone).first)
        #expect(daveThread.id == 1)
        #expect(sansAction(named.text) == TwiML.response([.init("Sure", to: Fixture.davePhone, from: Fixture.aliceNumber)]),
            "the handle is stripped")
        let stored = try #require(try await fixture.messages(sid: "SMR").first)
        #expect(sansAction(relay.text) == TwiML.response([.init("Yes, 9 works", to: Fixture.carolPhone, from: Fixture.aliceNumber)]))
        #expect(relay.text.contains(#"action="\#(Fixture.publicURL)/api/twilio/status?event=\#(stored.id!)""#))
        #expect(stored.threadId == carolThread.id, "the one waiting client gets the answer")
        #expect(stored.direction == .outbound && stored.actorType == .sitter)
        let seconds = try await fixture.read { db in
            try Double.fetchOne(db, sql: "SELECT response_seconds FROM message_response_link WHERE thread_id = ? AND response_event_id IS NOT NULL", arguments: [carolThread.id])
        }
        #expect(seconds == 90)
        // Two clients wait now: nothing is sent; the sitter is told how to choose.
        #expect(sansAction(choices.text) == reply(
            "Not sent: 2 clients are waiting. Start with #\(carolThread.id!) (Carol) or #\(daveThread.id!) (Dave)."))
        let held = try #require(try await fixture.messages(sid: "SMC").first)
        let aliceOffice = try #require(try await fixture.threads(counterpart: Fixture.alicePhone).first)
        #expect(held.threadId == aliceOffice.id && aliceOffice.scope == .ownerSitter, "kept in the sitter's thread with the office")
        #expect(try await fixture.count("SELECT count(*) FROM message_response_link WHERE response_event_id IS NULL") == 2)
    }

    @Test(arguments: Drive.allCases)
    func sitterTextWithNoClientOnTheNumberStaysWithTheOffice(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let response = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "Anyone there?")
        }
        #expect(sansAction(response.text) == reply("Not sent: no client of yours uses this number. The office has your message."))
        #expect(try await fixture.threads(counterpart: Fixture.alicePhone).first?.scope == .ownerSitter)
        #expect(try await fixture.count("SELECT count(*) FROM message_event WHERE direction = 'outbound' AND actor_type = 'sitter'") == 0)
    }

    @Test(arguments: Drive.allCases)
    func stopAndStartUpdateConsent(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "STOP")
        }
        #expect(try await fixture.count("SELECT opted_out FROM client WHERE phone_e164 = ?", [Fixture.carolPhone]) == 1)
        #expect(try await fixture.count("SELECT count(*) FROM message_response_link") == 0, "STOP needs no answer")
        let thread = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        await #expect(throws: OutboundError.self) { try await fixture.store.queueOutbound(threadId: thread.id!, body: "Are you sure?") }
        #expect(try await fixture.count("SELECT count(*) FROM message_event WHERE direction = 'outbound'") == 0)
        #expect(try await fixture.events("contact.opted_out").count == 1)

        _ = try await fixture.withListener(drive) { client in
            try await client.post("/api/twilio/inbound", [
                ("MessageSid", "SMS2"), ("From", Fixture.carolPhone), ("To", Fixture.aliceNumber), ("Body", "start"),
                ("OptOutType", "START"),
            ])
        }
        #expect(try await fixture.count("SELECT opted_out FROM client WHERE phone_e164 = ?", [Fixture.carolPhone]) == 0)
        try await fixture.store.queueOutbound(threadId: thread.id!, body: "Welcome back")
    }

    @Test(arguments: Drive.allCases)
    func emojiBodyIsStoredByteForByte(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let body = String(repeating: "🐶👩🏽‍🦰🇫🇷", count: 1600 / 3) + "🐈"
        #expect(body.count == 1600)
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: body, sid: "SMEMOJI")
        }
        let stored = try #require(try await fixture.messages(sid: "SMEMOJI").first)
        #expect(Array(stored.body.utf8) == Array(body.utf8))
    }

    @Test(arguments: Drive.allCases)
    func everyCommitIsAnnounced(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let changes = fixture.store.changes()
        var iterator = changes.makeAsyncIterator()
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.frontDesk, body: "ping")
        }
        let announced: Void? = await iterator.next()
        #expect(announced != nil)
        #expect(try await fixture.count("SELECT count(*) FROM message_event") == 1)
    }

    @Test(arguments: Drive.allCases)
    func healthz(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let response = try await fixture.withListener(drive) { client in
            try await client.execute(uri: "/healthz", method: .get)
        }
        #expect(response.status == .ok)
        #expect(response.text == "ok\n")
    }
}
