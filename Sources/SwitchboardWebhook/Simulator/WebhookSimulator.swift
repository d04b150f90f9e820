import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardCore

/// Sends a webhook signed exactly as Twilio signs it: what `switchboard simulate` and the
/// console's "simulate YES/NO" use, so a demo goes through the same path as a phone.
///
/// ```swift
/// let answer = try await WebhookSimulator.sendSMS(
///     url: "http://127.0.0.1:8080/api/twilio/inbound", authToken: token,
///     from: "+15550001111", to: "+15550009999", body: "Y B1042")
/// answer.status   // 200
/// answer.body     // <?xml …?><Response><Message>Booking B1042 is yours. Thank you!</Message></Response>
/// ```
public enum WebhookSimulator {
    /// Posts an inbound SMS with the parameters Twilio sends, signed for `url`.
    public static func sendSMS(
        url: String, authToken: String, from: String, to: String, body: String, sid: String? = nil,
        httpClient: HTTPClient = .shared
    ) async throws -> (status: Int, body: String) {
        let messageSid = sid ?? SimulatedSender.makeMessageSid()
        let form = FormParameters([
            "ToCountry": "US", "SmsMessageSid": messageSid, "NumMedia": "0", "SmsSid": messageSid,
            "SmsStatus": "received", "Body": body, "To": to, "NumSegments": "1", "MessageSid": messageSid,
            "AccountSid": "AC" + String(repeating: "0", count: 32), "From": from, "ApiVersion": "2010-04-01",
        ])
        return try await send(url: url, authToken: authToken, parameters: form, httpClient: httpClient)
    }

    /// Posts any form, signed for `url` with `authToken`.
    public static func send(
        url: String, authToken: String, parameters: FormParameters, httpClient: HTTPClient = .shared
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "X-Twilio-Signature", value: TwilioSignature(authToken: authToken).sign(url: url, parameters: parameters))
        request.headers.add(name: "User-Agent", value: "TwilioProxy/1.1 (switchboard simulate)")
        request.body = .bytes(ByteBuffer(string: parameters.encoded()))
        let response = try await httpClient.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
