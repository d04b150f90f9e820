import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardStore

/// Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with basic
/// auth and the form fields `To`, `From`, `Body`, `StatusCallback`.
public struct TwilioMessagesClient: Sendable {
    public var accountSid: String
    var authToken: String
    /// `https://api.twilio.com`; a test points it at a local server.
    public var baseURL: String
    let httpClient: HTTPClient

    public init(accountSid: String, authToken: String, baseURL: String = "https://api.twilio.com", httpClient: HTTPClient = .shared) {
        self.accountSid = accountSid
        self.authToken = authToken
        self.baseURL = ListenerAddress.trimmed(baseURL)
        self.httpClient = httpClient
    }

    /// What Twilio answered for a created message.
    public struct Created: Sendable, Equatable, Decodable {
        public var sid: String
        public var status: String
    }

    /// Twilio's JSON error body, turned into a sentence.
    public struct APIError: Error, Equatable, CustomStringConvertible {
        public var httpStatus: Int
        public var code: Int?
        public var message: String
        public var moreInfo: String?

        public var description: String {
            var text = "Twilio refused the message (HTTP \(httpStatus)"
            if let code { text += ", error \(code)" }
            text += "): \(message)"
            if let moreInfo { text += " — see \(moreInfo)" }
            return text
        }
    }

    struct ErrorBody: Decodable {
        var code: Int?
        var message: String?
        var more_info: String?
    }

    public func send(to: String, from: String, body: String, statusCallback: String?) async throws -> Created {
        var form = FormParameters(["To": to, "From": from, "Body": body])
        if let statusCallback { form.append("StatusCallback", statusCallback) }
        var request = HTTPClientRequest(url: "\(baseURL)/2010-04-01/Accounts/\(accountSid)/Messages.json")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString())
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: form.encoded()))

        let response = try await httpClient.execute(request, timeout: .seconds(15))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            if let error = try? JSONDecoder().decode(ErrorBody.self, from: data), let message = error.message {
                throw APIError(httpStatus: status, code: error.code, message: message, moreInfo: error.more_info)
            }
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            throw APIError(httpStatus: status, code: nil, message: text.isEmpty ? "no explanation given" : text, moreInfo: nil)
        }
        do {
            return try JSONDecoder().decode(Created.self, from: data)
        } catch {
            throw APIError(httpStatus: status, code: nil, message: "the answer has no message sid and status", moreInfo: nil)
        }
    }
}

/// Sends through Twilio's REST API, and asks Twilio to report delivery to the listener's
/// status callback.
public struct TwilioRESTSender: OutboundSender {
    let client: TwilioMessagesClient
    let store: any Store
    /// The listener's public `…/api/twilio/status` URL, or nil for no callbacks.
    let statusCallback: String?

    public init(client: TwilioMessagesClient, store: any Store, statusCallback: String?) {
        self.client = client
        self.store = store
        self.statusCallback = statusCallback
    }

    public func deliver(_ message: PendingOutbound) async throws -> String {
        guard let eventId = message.event.id else { throw OutboundError(.notFound, "the message was never stored") }
        let created = try await client.send(to: message.to, from: message.from, body: message.event.body, statusCallback: statusCallback)
        try await store.recordSent(eventId: eventId, messageSid: created.sid, status: DeliveryStatus(rawValue: created.status) ?? .queued)
        return created.sid
    }
}
