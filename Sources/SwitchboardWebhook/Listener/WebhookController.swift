import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SwitchboardCore
import SwitchboardStore

/// The Twilio webhooks: `POST /api/twilio/inbound`, `POST /api/twilio/status`, `GET /healthz`.
///
/// Every request is either refused with a 4xx and a plain-text reason (and kept in bounded
/// form), or committed to the store before it is answered.
public struct WebhookController<Context: RequestContext>: Sendable {
    public static var inboundPath: String { "/api/twilio/inbound" }
    public static var statusPath: String { "/api/twilio/status" }
    public static var healthPath: String { "/healthz" }

    let store: any Store
    let signature: TwilioSignature
    let publicURL: PublicURL
    let maxBodyBytes: Int

    public init(store: any Store, authToken: String, publicURL: PublicURL, maxBodyBytes: Int = 64 * 1024) {
        self.store = store
        self.signature = TwilioSignature(authToken: authToken)
        self.publicURL = publicURL
        self.maxBodyBytes = maxBodyBytes
    }

    public func addRoutes(to router: Router<Context>) {
        router.add(middleware: PlainTextErrorMiddleware())
        router.add(middleware: MethodGuardMiddleware(
            allowed: [Self.inboundPath: [.post], Self.statusPath: [.post], Self.healthPath: [.get, .head]],
            onRefusal: { request, reason in
                await self.recordRefusal(request, body: [], verdict: .methodNotAllowed, status: .methodNotAllowed, reason: reason)
            }))
        router.post(RouterPath(Self.inboundPath)) { request, _ in
            try await self.receive(request) { form, _, received in
                let sms = try InboundSMS(form: form)
                let answers = TwiMLAnswers(publicURL: received.publicURL, statusPath: Self.statusPath)
                return try await store.ingest(sms, received: received.webhook, answer: answers.inbound)
            }
        }
        router.post(RouterPath(Self.statusPath)) { request, _ in
            try await self.receive(request) { form, query, received in
                let callback = try StatusCallback(form: form, eventId: query["event"].flatMap { RowID($0) })
                return try await store.ingest(callback, received: received.webhook, answer: TwiMLAnswers.status)
            }
        }
        router.get(RouterPath(Self.healthPath)) { _, _ in "ok\n" }
        router.head(RouterPath(Self.healthPath)) { _, _ in HTTPResponse.Status.ok }
    }

    /// A signed webhook, as its receipt keeps it, and the public URL it was signed for.
    struct Received: Sendable {
        var webhook: ReceivedWebhook
        var publicURL: String
    }

    /// Checks a webhook in the order that costs least to refuse first, validates its form
    /// into typed values, then ingests it in one transaction and answers only after the commit.
    func receive(
        _ request: Request,
        ingest: @Sendable (FormParameters, FormParameters, Received) async throws -> WebhookAnswer
    ) async throws -> Response {
        var request = request
        let arrivedAt = ContinuousClock.now
        let contentType = request.headers[.contentType]
        guard Self.isForm(contentType) else {
            throw await refuse(
                request, arrivedAt: arrivedAt, body: [], verdict: .unsupportedMediaType, status: .unsupportedMediaType,
                reason: "send the body as application/x-www-form-urlencoded, as Twilio does (got \(contentType ?? "no content type"))")
        }
        let tooLarge = "the body is larger than \(maxBodyBytes / 1024) KiB; Twilio webhooks are far smaller"
        // The rest of a refused body is not read: `Connection: close` ends the upload.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw await refuse(request, arrivedAt: arrivedAt, body: [], verdict: .tooLarge, status: .contentTooLarge, closing: true, reason: tooLarge)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw await refuse(request, arrivedAt: arrivedAt, body: [], verdict: .tooLarge, status: .contentTooLarge, closing: true, reason: tooLarge)
        } catch {
            // The HTTP parser gave up on the body (a bad chunk size, an unknown
            // Transfer-Encoding): the client's mistake, not ours.
            throw await refuse(
                request, arrivedAt: arrivedAt, body: [], verdict: .malformed, status: .badRequest, closing: true,
                reason: "the body's framing is malformed (Content-Length or chunked Transfer-Encoding); send it as Twilio does")
        }
        let bytes = Array(buffer.readableBytesView)
        let form: FormParameters
        do {
            form = try FormParameters.parse(bytes)
        } catch {
            throw await refuse(request, arrivedAt: arrivedAt, body: bytes, verdict: .malformed, status: .badRequest, reason: error.message)
        }
        let headers = receiptHeaders(request)
        guard let base = publicURL.current else {
            throw HTTPError(.serviceUnavailable, message: "the listener does not know its public URL yet; retry in a moment")
        }
        // The path and query exactly as received: what Twilio signed, and what a receipt keeps.
        let pathAndQuery = request.head.path ?? request.uri.description
        let url = base + pathAndQuery
        guard signature.isValid(headers.signature, url: url, parameters: form) else {
            let reason = headers.signature == nil
                ? "missing X-Twilio-Signature: only Twilio, or `switchboard simulate`, may post here"
                : "X-Twilio-Signature does not match this request signed for \(url); check the auth token and --public-url"
            throw await refuse(request, arrivedAt: arrivedAt, body: bytes, verdict: .rejectedSignature, status: .forbidden, reason: reason)
        }

        let query = (request.uri.query.map { try? FormParameters.parse(Array($0.utf8)) } ?? nil) ?? FormParameters()
        let received = Received(
            webhook: ReceivedWebhook(
                path: pathAndQuery, rawBody: String(decoding: bytes, as: UTF8.self), headers: headers, arrivedAt: arrivedAt),
            publicURL: base)
        let answer: WebhookAnswer
        do {
            answer = try await ingest(form, query, received)
        } catch let invalid as InboundSMS.Invalid {
            throw await refuse(request, arrivedAt: arrivedAt, body: bytes, verdict: .malformed, status: .badRequest, reason: invalid.description)
        }
        WebhookOutcome.note(answer.verdict, messageSid: form["MessageSid"] ?? form["SmsSid"])
        guard answer.statusCode == 200 else { throw HTTPError(HTTPResponse.Status(code: answer.statusCode), message: answer.body) }
        return Response(
            status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }

    /// Keeps a refused request in bounded form and returns the error to throw.
    /// `closing` closes the connection once answered, for a body left unread.
    func refuse(
        _ request: Request, arrivedAt: ContinuousClock.Instant? = nil, body: [UInt8], verdict: WebhookVerdict,
        status: HTTPResponse.Status, closing: Bool = false, reason: String
    ) async -> HTTPError {
        await recordRefusal(request, arrivedAt: arrivedAt, body: body, verdict: verdict, status: status, reason: reason)
        return HTTPError(status, headers: closing ? [.connection: "close"] : [:], message: reason)
    }

    func recordRefusal(
        _ request: Request, arrivedAt: ContinuousClock.Instant? = nil, body: [UInt8], verdict: WebhookVerdict,
        status: HTTPResponse.Status, reason: String
    ) async {
        WebhookOutcome.note(verdict)
        do {
            try await store.recordRefusal(
                path: request.head.path ?? request.uri.description, body: body, headers: receiptHeaders(request), verdict: verdict,
                statusCode: status.code, reason: reason, arrivedAt: arrivedAt)
        } catch {
            Logger(label: "switchboard.webhook").error("could not record a refused webhook: \(error)")
        }
    }

    func receiptHeaders(_ request: Request) -> ReceiptHeaders {
        ReceiptHeaders(
            signature: request.headers[.twilioSignature], contentType: request.headers[.contentType],
            userAgent: request.headers[.userAgent])
    }

    /// `application/x-www-form-urlencoded`, with or without parameters such as a charset.
    static func isForm(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        // What Twilio sends, compared byte for byte before the general (slower) parse.
        if contentType == "application/x-www-form-urlencoded" || contentType.hasPrefix("application/x-www-form-urlencoded;") {
            return true
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }
}

extension HTTPField.Name {
    /// Twilio's request signature header.
    public static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!
}
