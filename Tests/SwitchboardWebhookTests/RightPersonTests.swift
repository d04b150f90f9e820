import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

/// Issue 10: messages reach the right person. Each test reproduces one of the defects found
/// against a running listener, through the router and a live socket.
@Suite struct RightPersonTests {
    /// Defect 1: after the owner reassigns client A's thread from Alice to Bob, Alice's next
    /// text to her number must not reach A, and Bob's text to his number must not be taken
    /// as an answer to A (nor credited to him).
    @Test(arguments: Drive.allCases)
    func aReassignedThreadIsNoLongerARelayTarget(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let (aliceAnswer, bobAnswer) = try await fixture.withListener(drive) { client in
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Door code is 4321")
            let carol = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
            _ = try await fixture.store.assignThread(carol.id!, to: fixture.bob.id)
            _ = try await client.sms(from: Fixture.davePhone, to: Fixture.bobNumber, body: "Are you coming?")
            let alice = try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "See you at 5", sid: "SMA")
            let bob = try await client.sms(from: Fixture.bobPhone, to: Fixture.bobNumber, body: "On my way", sid: "SMB")
            return (alice, bob)
        }
        let carol = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        let dave = try #require(try await fixture.threads(counterpart: Fixture.davePhone).first)
        #expect(!aliceAnswer.text.contains(Fixture.carolPhone), "nothing of Alice's reaches Carol")
        #expect(sansAction(aliceAnswer.text) == reply("Not sent: no client of yours uses this number. The office has your message."))
        #expect(try await fixture.messages(sid: "SMA").first?.threadId != carol.id)
        #expect(sansAction(bobAnswer.text) == TwiML.response([.init("On my way", to: Fixture.davePhone, from: Fixture.bobNumber)]))
        #expect(try await fixture.messages(sid: "SMB").first?.threadId == dave.id)
        #expect(try await fixture.count(
            "SELECT count(*) FROM message_response_link WHERE thread_id = ? AND response_event_id IS NULL", [carol.id]) == 1,
            "Carol still waits: no answer was credited to anyone")
    }

    /// Defect 2: a sitter's "Yes!" to a client, on her masked number, is a message for the
    /// client, never an offer command, even with an offer pending.
    @Test(arguments: Drive.allCases)
    func yesToAClientIsRelayedAndAcceptsNothing(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let booking = try fixture.booking("B1042")
        let offer = try await fixture.offer(booking, to: fixture.alice)
        let answer = try await fixture.withListener(drive) { client in
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Can you take Rex on Friday?")
            return try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "Yes!")
        }
        #expect(sansAction(answer.text) == TwiML.response([.init("Yes!", to: Fixture.carolPhone, from: Fixture.aliceNumber)]))
        #expect(try await fixture.offer(offer.id!).status == .offered, "the offer is still pending")
        #expect(try await fixture.events("offer.accepted").isEmpty)
        #expect(try await fixture.bookingNamed("B1042").sitterId == nil)
    }

    /// Defect 3: a client's photo is stored and relayed as `<Media>`, and a sitter's photo
    /// reaches the client the same way.
    @Test(arguments: Drive.allCases)
    func photosAreStoredAndRelayed(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let photo = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1"
        let (forward, relay, incomplete) = try await fixture.withListener(drive) { client in
            let forward = try await client.post("/api/twilio/inbound", [
                ("MessageSid", "MM1"), ("From", Fixture.carolPhone), ("To", Fixture.aliceNumber), ("Body", ""),
                ("NumMedia", "1"), ("MediaUrl0", photo), ("MediaContentType0", "image/jpeg"),
            ])
            let relay = try await client.post("/api/twilio/inbound", [
                ("MessageSid", "MM2"), ("From", Fixture.alicePhone), ("To", Fixture.aliceNumber), ("Body", "Rex is fine"),
                ("NumMedia", "2"), ("MediaUrl0", photo + "2"), ("MediaContentType0", "image/png"),
                ("MediaUrl1", photo + "3"), ("MediaContentType1", "video/mp4"),
            ])
            let incomplete = try await client.post("/api/twilio/inbound", [
                ("MessageSid", "MM3"), ("From", Fixture.carolPhone), ("To", Fixture.aliceNumber), ("NumMedia", "2"),
                ("MediaUrl0", photo), ("MediaContentType0", "image/jpeg"),
            ])
            return (forward, relay, incomplete)
        }
        let carol = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        #expect(forward.text.contains(
            #"<Message to="\#(Fixture.alicePhone)" from="\#(Fixture.aliceNumber)"><Body>Carol #\#(carol.id!):</Body><Media>\#(photo)</Media></Message>"#))
        #expect(relay.text.contains(
            #"<Body>Rex is fine</Body><Media>\#(photo)2</Media><Media>\#(photo)3</Media></Message>"#))
        #expect(relay.text.contains(#"to="\#(Fixture.carolPhone)""#))
        let media = try await fixture.read { db in
            try MessageMedia.order(MessageMedia.Columns.messageEventId, MessageMedia.Columns.position).fetchAll(db)
        }
        #expect(media.map(\.url) == [photo, photo + "2", photo + "3"])
        #expect(media.map(\.contentType) == ["image/jpeg", "image/png", "video/mp4"])
        #expect(incomplete.status == .badRequest)
        #expect(incomplete.text.contains("NumMedia is 2 but MediaUrl1 is missing"))
        #expect(try await fixture.messages(sid: "MM3").isEmpty)
    }

    /// Defect 4: messages sent as TwiML answers get their status through the `action` URL;
    /// a callback naming an inbound message changes nothing.
    @Test(arguments: Drive.allCases)
    func answeredMessagesLearnTheirSidAndStatus(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        try await fixture.withListener(drive) { client in
            _ = try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Hi", sid: "SMIN")
            _ = try await client.sms(from: Fixture.alicePhone, to: Fixture.aliceNumber, body: "Hello Carol", sid: "SMRELAY")
            let relayed = try #require(try await fixture.messages(sid: "SMRELAY").first)
            #expect(relayed.deliveryStatus == .queued)
            let path = "/api/twilio/status?event=\(relayed.id!)"
            let sent = try await client.post(path, [("MessageSid", "SMNEW"), ("MessageStatus", "sent")])
            let delivered = try await client.post(path, [("MessageSid", "SMNEW"), ("MessageStatus", "delivered")])
            #expect([sent.status, delivered.status] == [.ok, .ok])
            let inbound = try await client.post("/api/twilio/status", [("MessageSid", "SMIN"), ("MessageStatus", "failed")])
            #expect(inbound.status == .ok)
        }
        let relayed = try #require(try await fixture.messages(sid: "SMNEW").first)
        #expect(relayed.body == "Hello Carol" && relayed.deliveryStatus == .delivered)
        #expect(try await fixture.messages(sid: "SMIN").first?.deliveryStatus == .received, "an inbound message is never marked failed")
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'ignored'") == 1)
        #expect(try await fixture.events("message.failed").isEmpty)
    }

    /// Defect 5: a new unanswered client message, and a reassignment, mark the sitter's
    /// figures stale in the same transaction.
    @Test(arguments: Drive.allCases)
    func newQuestionsAndReassignmentsMarkMetricsStale(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.withListener(drive) { client in
            try await client.sms(from: Fixture.carolPhone, to: Fixture.aliceNumber, body: "Are you free?")
        }
        #expect(try await fixture.count("SELECT count(*) FROM metrics_stale WHERE sitter_id = ?", [fixture.alice.id]) == 1)
        _ = try await fixture.store.refreshStaleMetrics()
        let thread = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        _ = try await fixture.store.assignThread(thread.id!, to: fixture.bob.id)
        #expect(try await fixture.count("SELECT count(*) FROM metrics_stale") == 2, "both Alice and Bob")
        _ = try await fixture.store.refreshStaleMetrics()
        let required = try await fixture.read { db in
            try Int.fetchAll(db, sql: "SELECT response_required_count FROM sitter_metrics_window ORDER BY sitter_id")
        }
        #expect(required == [0, 1], "the waiting question moved from Alice's figures to Bob's")
    }

    /// Defect 8: receipts keep the path and query exactly as received; a phone number holding
    /// a control character is refused.
    @Test(arguments: Drive.allCases)
    func receiptsKeepTheQueryAndControlCharactersAreRefused(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let (status, escape) = try await fixture.withListener(drive) { client in
            (try await client.post("/api/twilio/status?event=99&x=a%20b", [("MessageSid", "SMQ"), ("MessageStatus", "sent")]),
             try await client.post("/api/twilio/inbound", [
                ("MessageSid", "SMESC"), ("From", "+1555\u{1B}[31m"), ("To", Fixture.frontDesk), ("Body", "hi"),
             ]))
        }
        #expect(status.status == .ok)
        #expect(try await fixture.read { db in
            try String.fetchOne(db, sql: "SELECT path FROM webhook_receipt WHERE message_sid = 'SMQ'")
        } == "/api/twilio/status?event=99&x=a%20b")
        #expect(escape.status == .badRequest)
        #expect(escape.text.contains("From holds a control character"))
        #expect(try await fixture.count("SELECT count(*) FROM message_event") == 0)
    }
}
