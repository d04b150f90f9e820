import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Synchronization
import Testing

@Suite struct OutboundTests {
    func carolThread(_ fixture: Fixture) async throws -> MessageThread {
        try await fixture.store.writer.write { db in
            var thread = MessageThread(
                orgId: fixture.orgId, assignedSitterId: fixture.alice.id, scope: .clientGeneral, clientId: fixture.carol.id,
                counterpartE164: Fixture.carolPhone, maskedNumberE164: Fixture.aliceNumber, numberClass: .sitter,
                createdAt: fixture.clock.now)
            try thread.insert(db)
            return thread
        }
    }

    @Test func simulatedSenderStoresThenReportsDelivered() async throws {
        let fixture = try Fixture.make()
        let thread = try await carolThread(fixture)
        let changes = fixture.store.changes()
        let pending = try await fixture.store.queueOutbound(threadId: thread.id!, body: "On my way")
        try await fixture.deliverOutbox(SimulatedSender(store: fixture.store, deliveryDelay: .milliseconds(1)))
        let sid = try #require(try await fixture.read { db in try MessageEvent.fetchOne(db, key: pending.event.id!)?.providerMessageSid })
        #expect(sid.hasPrefix("SM") && sid.count == 34)
        // Wait for the simulated callback's commit (no timing is asserted).
        for await _ in changes {
            if try await fixture.messages(sid: sid).first?.deliveryStatus == .delivered { break }
        }
        #expect(try await fixture.messages(sid: sid).first?.deliveryStatus == .delivered)
    }

    @Test func ownerReplyClosesTheResponseLinkWithTheInjectedClock() async throws {
        let fixture = try Fixture.make()
        _ = try await fixture.store.ingestInbound(smsRequest(from: Fixture.carolPhone, body: "Hello?", to: Fixture.aliceNumber))
        fixture.clock.advance(by: 42.5)
        let thread = try #require(try await fixture.threads(counterpart: Fixture.carolPhone).first)
        try await fixture.store.queueOutbound(threadId: thread.id!, body: "Hi Carol")
        let seconds = try await fixture.read { db in try Double.fetchOne(db, sql: "SELECT response_seconds FROM message_response_link") }
        #expect(seconds == 42.5)
    }

    // MARK: - Twilio REST sender, against a local server that answers as Twilio does

    final class Recorder: Sendable {
        let requests = Mutex<[(authorization: String?, path: String, form: FormParameters)]>([])
    }

    func withFakeTwilio<Value: Sendable>(
        _ body: @escaping @Sendable (String, Recorder) async throws -> Value
    ) async throws -> Value {
        let recorder = Recorder()
        let router = Router()
        router.post("/2010-04-01/Accounts/:account/Messages.json") { request, _ -> Response in
            var request = request
            let form = try FormParameters.parse(Array(try await request.collectBody(upTo: 1 << 16).readableBytesView))
            recorder.requests.withLock { $0.append((request.headers[.authorization], request.uri.path, form)) }
            let json: String
            let status: HTTPResponse.Status
            if form["To"] == "+15550000001" {
                status = .badRequest
                json = #"{"code": 21610, "message": "Attempt to send to unsubscribed recipient", "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}"#
            } else {
                status = .created
                json = #"{"sid": "SMabcdef0123456789abcdef0123456789", "status": "queued", "to": "\#(form["To"] ?? "")"}"#
            }
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        return try await Application(router: router).test(.live) { client in
            try await body("http://localhost:\(client.port!)", recorder)
        }
    }

    @Test func restSenderPostsTheFormWithBasicAuthAndRecordsTheSid() async throws {
        let fixture = try Fixture.make()
        let thread = try await carolThread(fixture)
        let recorded = try await withFakeTwilio { baseURL, recorder in
            let client = TwilioMessagesClient(accountSid: "AC123", authToken: "secret", baseURL: baseURL)
            let sender = TwilioRESTSender(client: client, store: fixture.store, statusCallback: "https://sb.example.com/api/twilio/status")
            try await fixture.store.queueOutbound(threadId: thread.id!, body: "Hello & bye")
            try await fixture.deliverOutbox(sender)
            return recorder.requests.withLock { $0 }
        }
        let request = try #require(recorded.first)
        #expect(request.path == "/2010-04-01/Accounts/AC123/Messages.json")
        #expect(request.authorization == "Basic " + Data("AC123:secret".utf8).base64EncodedString())
        #expect(request.form["To"] == Fixture.carolPhone)
        #expect(request.form["From"] == Fixture.aliceNumber)
        #expect(request.form["Body"] == "Hello & bye")
        #expect(request.form["StatusCallback"] == "https://sb.example.com/api/twilio/status")
        let stored = try #require(try await fixture.messages(sid: "SMabcdef0123456789abcdef0123456789").first)
        #expect(stored.deliveryStatus == .queued)
    }

    @Test func twilioErrorBodyBecomesAClearError() async throws {
        let error = try await withFakeTwilio { baseURL, _ -> TwilioMessagesClient.APIError? in
            let client = TwilioMessagesClient(accountSid: "AC123", authToken: "secret", baseURL: baseURL)
            do {
                _ = try await client.send(to: "+15550000001", from: "+15550000000", body: "hi", statusCallback: nil)
                return nil
            } catch let error as TwilioMessagesClient.APIError {
                return error
            }
        }
        let refused = try #require(error)
        #expect(refused.code == 21610)
        #expect(refused.description
            == "Twilio refused the message (HTTP 400, error 21610): Attempt to send to unsubscribed recipient — see https://www.twilio.com/docs/errors/21610")
    }

    @Test func aRefusedSendMarksTheMessageFailed() async throws {
        let fixture = try Fixture.make()
        let thread = try await fixture.store.writer.write { db in
            var client = Client(orgId: fixture.orgId, name: "Eve", phoneE164: "+15550000001")
            try client.insert(db)
            var thread = MessageThread(
                orgId: fixture.orgId, scope: .clientGeneral, clientId: client.id, counterpartE164: "+15550000001",
                maskedNumberE164: Fixture.frontDesk, numberClass: .frontDesk, createdAt: fixture.clock.now)
            try thread.insert(db)
            return thread
        }
        try await withFakeTwilio { baseURL, _ in
            let sender = TwilioRESTSender(
                client: TwilioMessagesClient(accountSid: "AC1", authToken: "t", baseURL: baseURL), store: fixture.store, statusCallback: nil)
            try await fixture.store.queueOutbound(threadId: thread.id!, body: "hi")
            try await fixture.deliverOutbox(sender)
        }
        // A 400 will not change with another try: the message fails at once, with Twilio's reason.
        #expect(try await fixture.count("SELECT count(*) FROM outbox") == 0)
        #expect(try await fixture.events("message.failed").first?.metadata.contains("21610") == true)
        #expect(try await fixture.count("SELECT count(*) FROM message_event WHERE delivery_status = 'failed'") == 1)
        #expect(try await fixture.events("message.failed").count == 1)
    }
}

@Suite struct SimulatorTests {
    /// The console's "simulate YES" and `switchboard simulate`: a real signed webhook to the
    /// listener built by `buildListener`, whose public URL defaults to its own address.
    @Test func simulatorDrivesTheRealListener() async throws {
        let fixture = try Fixture.make()
        try await fixture.offer(try fixture.booking("B1042"), to: fixture.alice)
        let listener = buildListener(
            store: fixture.store,
            configuration: ListenerConfiguration(host: "localhost", port: 0, authToken: Fixture.token, offerSweepInterval: nil))
        let (accepted, forged) = try await listener.test(.live) { client in
            let url = "http://localhost:\(client.port!)/api/twilio/inbound"
            let accepted = try await WebhookSimulator.sendSMS(
                url: url, authToken: Fixture.token, from: Fixture.alicePhone, to: Fixture.frontDesk, body: "Y B1042")
            let forged = try await WebhookSimulator.sendSMS(
                url: url, authToken: "wrong", from: Fixture.alicePhone, to: Fixture.frontDesk, body: "N B1042")
            return (accepted, forged)
        }
        #expect(accepted.status == 200)
        #expect(sansAction(accepted.body) == reply("Booking B1042 is yours. Thank you!"))
        #expect(forged.status == 403)
        #expect(try await fixture.bookingNamed("B1042").sitterId == fixture.alice.id)
    }
}
