import Foundation
import Hummingbird
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook
import Testing

/// The two ways every listener test runs: through the router, and over a real socket.
enum Drive: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case router, live
    var setup: TestingSetup { self == .router ? .router : .live }
    var testDescription: String { rawValue }
}

extension Fixture {
    /// Runs `body` against the fixture's listener, driven as `drive` says.
    func withListener<Value: Sendable>(
        _ drive: Drive, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await withListener(drive.setup, body)
    }

    /// Runs `body` against the listener over real sockets through AsyncHTTPClient's
    /// connection pool, so concurrent requests really arrive at the same moment.
    func withListener<Value: Sendable>(
        _ setup: TestingSetup, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let router = buildRouter(store: store, authToken: Fixture.token, publicURL: PublicURL(Fixture.publicURL))
        return try await Application(router: router).test(setup, body)
    }
}

extension TestingSetup {
    static var concurrent: TestingSetup { .ahc(.http) }
}

typealias Form = [(String, String)]

extension TestClientProtocol {
    /// Posts a form, signed by the independent signer for the fixture's public URL unless
    /// `signature` is given (`.some(nil)` sends none).
    func post(
        _ path: String = "/api/twilio/inbound", _ form: Form, signature: String?? = nil,
        contentType: String? = "application/x-www-form-urlencoded", rawBody: [UInt8]? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        let signed = signature ?? IndependentSigner.sign(token: Fixture.token, url: Fixture.publicURL + path, form)
        if let signed { headers[.twilioSignature] = signed }
        let bytes = rawBody ?? Array(IndependentSigner.encode(form).utf8)
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// Posts an inbound SMS the way Twilio does.
    func sms(from: String, to: String, body: String, sid: String = SimulatedSender.makeMessageSid()) async throws -> TestResponse {
        try await post("/api/twilio/inbound", [
            ("MessageSid", sid), ("SmsSid", sid), ("AccountSid", "AC0123"), ("From", from), ("To", to), ("Body", body),
            ("NumMedia", "0"),
        ])
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

/// The TwiML a single `<Message>` reply is.
func reply(_ text: String) -> String { TwiML.message(text) }

/// The TwiML without the `action` attributes (whose event ids depend on the test's rows),
/// for comparing the texts; `StatusActionTests` checks the actions themselves.
func sansAction(_ xml: String) -> String {
    xml.replacing(#/ action="[^"]*" method="POST"/#, with: "")
}
