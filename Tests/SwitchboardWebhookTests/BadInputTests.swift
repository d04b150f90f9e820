import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

/// Issue 3's bad input: each answer is a 4xx with a plain-text reason, writes no message,
/// and the listener keeps serving.
@Suite struct BadInputTests {
    static let valid: Form = [("MessageSid", "SMBAD"), ("From", Fixture.carolPhone), ("To", Fixture.frontDesk), ("Body", "hi")]

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var status: HTTPResponse.Status
        var reason: String
        var send: @Sendable (any TestClientProtocol) async throws -> TestResponse
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing signature", status: .forbidden, reason: "missing X-Twilio-Signature") { try await $0.post(valid: valid, signature: .some(nil)) },
        Case(name: "wrong signature", status: .forbidden, reason: "does not match") {
            try await $0.post(valid: valid, signature: IndependentSigner.sign(token: "another-token", url: Fixture.publicURL + "/api/twilio/inbound", valid))
        },
        Case(name: "signed for another URL", status: .forbidden, reason: "does not match") {
            try await $0.post(valid: valid, signature: IndependentSigner.sign(token: Fixture.token, url: "https://evil.example.com/api/twilio/inbound", valid))
        },
        Case(name: "missing MessageSid", status: .badRequest, reason: "missing MessageSid") { try await $0.post("/api/twilio/inbound", valid.filter { $0.0 != "MessageSid" }) },
        Case(name: "missing From", status: .badRequest, reason: "missing From") { try await $0.post("/api/twilio/inbound", valid.filter { $0.0 != "From" }) },
        Case(name: "missing To", status: .badRequest, reason: "missing To") { try await $0.post("/api/twilio/inbound", valid.filter { $0.0 != "To" }) },
        Case(name: "body over 64 KiB", status: .contentTooLarge, reason: "larger than 64 KiB") {
            try await $0.post("/api/twilio/inbound", valid + [("Padding", String(repeating: "x", count: 64 * 1024))])
        },
        Case(name: "JSON content type", status: .unsupportedMediaType, reason: "application/x-www-form-urlencoded") {
            try await $0.post("/api/twilio/inbound", valid, contentType: "application/json", rawBody: Array(#"{"MessageSid":"SM1"}"#.utf8))
        },
        Case(name: "no content type", status: .unsupportedMediaType, reason: "no content type") { try await $0.post("/api/twilio/inbound", valid, contentType: nil) },
        Case(name: "GET on the inbound webhook", status: .methodNotAllowed, reason: "accepts POST only") {
            try await $0.execute(uri: "/api/twilio/inbound", method: .get)
        },
        Case(name: "PUT on the status webhook", status: .methodNotAllowed, reason: "accepts POST only") {
            try await $0.execute(uri: "/api/twilio/status", method: .put)
        },
        Case(name: "invalid UTF-8", status: .badRequest, reason: "not valid UTF-8") {
            try await $0.post("/api/twilio/inbound", valid, rawBody: Array("MessageSid=SM1&Body=".utf8) + [0xC3, 0x28])
        },
        Case(name: "invalid UTF-8 in an escape", status: .badRequest, reason: "not valid UTF-8") {
            try await $0.post("/api/twilio/inbound", valid, rawBody: Array("MessageSid=SM1&Body=%FF%FE".utf8))
        },
        Case(name: "broken % escape", status: .badRequest, reason: "two hex digits") {
            try await $0.post("/api/twilio/inbound", valid, rawBody: Array("MessageSid=SM1&Body=100%".utf8))
        },
        Case(name: "a NUL escaped in the body", status: .badRequest, reason: "NUL character") {
            try await $0.post("/api/twilio/inbound", valid, rawBody: Array("MessageSid=SMNUL&Body=before%00after".utf8))
        },
        Case(name: "a raw NUL byte in the body", status: .badRequest, reason: "NUL character") {
            try await $0.post("/api/twilio/inbound", valid, rawBody: Array("MessageSid=SMNUL&Body=before".utf8) + [0] + Array("after".utf8))
        },
        Case(name: "status callback without MessageStatus", status: .badRequest, reason: "MessageStatus") {
            try await $0.post("/api/twilio/status", [("MessageSid", "SM1")])
        },
    ]

    @Test(arguments: cases, Drive.allCases)
    func refusesWithAPlainReasonAndKeepsServing(_ badCase: Case, _ drive: Drive) async throws {
        let fixture = try Fixture.make()
        // A refusal that leaves the body unread closes the connection: over a socket, the
        // next request goes through a client that opens a new one (AsyncHTTPClient's pool).
        let (refused, afterwards) = try await fixture.withListener(drive == .live ? .concurrent : .router) { client in
            (try await badCase.send(client), try await client.post("/api/twilio/inbound", Self.valid))
        }
        #expect(refused.status == badCase.status)
        #expect(refused.headers[.contentType] == "text/plain; charset=utf-8")
        #expect(refused.text.contains(badCase.reason), "\(refused.text)")
        #expect(afterwards.status == .ok, "the listener keeps serving")
        if badCase.status == .contentTooLarge { #expect(refused.headers[.connection] == "close") }
        #expect(try await fixture.count("SELECT count(*) FROM message_event") == 1, "only the valid request stored a message")
        #expect(try await fixture.count("SELECT count(*) FROM client") == 2, "no contact was created")
    }

    @Test(arguments: Drive.allCases)
    func methodNotAllowedNamesTheAllowedMethod(_ drive: Drive) async throws {
        let fixture = try Fixture.make()
        let response = try await fixture.withListener(drive) { client in
            try await client.execute(uri: "/api/twilio/inbound", method: .delete)
        }
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers[.allow] == "POST")
    }

    @Test func refusalsAreKeptInBoundedForm() async throws {
        let fixture = try Fixture.make()
        let forgeries = AppDatabase.refusedSampleLimit + 30
        try await fixture.withListener(Drive.router) { client in
            for index in 0..<forgeries {
                let response = try await client.post(
                    "/api/twilio/inbound",
                    [("MessageSid", "SMF\(index)"), ("Body", String(repeating: "z", count: 4000))], signature: "forged")
                #expect(response.status == .forbidden)
            }
        }
        let counts = try await fixture.read { db in try AppDatabase.webhookCounts(db) }
        #expect(counts.byVerdict[.rejectedSignature] == forgeries)
        #expect(counts.rejected == forgeries)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE verdict = 'rejected_signature'") == AppDatabase.refusedSampleLimit)
        #expect(try await fixture.count("SELECT max(length(raw_body)) FROM webhook_receipt") == AppDatabase.refusedBodyLimit)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_receipt WHERE raw_body LIKE 'MessageSid=SMF129&%'") == 1, "the newest are kept")
    }
}

extension TestClientProtocol {
    fileprivate func post(valid: Form, signature: String??) async throws -> TestResponse {
        try await post("/api/twilio/inbound", valid, signature: signature)
    }
}
