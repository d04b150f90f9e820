import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardStore

/// Re-sends a stored webhook exactly as it arrived: its body byte for byte, its
/// `X-Twilio-Signature` and content type, to its stored path and query.
///
/// The signature was computed by Twilio over the public URL it called plus that path and
/// query, so a listener verifies the replay only when its own public URL is the one the
/// original was sent to: our own listener (the usual case), or a new server given the same
/// public URL (a move). Nothing is re-signed: a replay proves what was received.
///
/// ```swift
/// let answer = try await WebhookReplay.send(receipt, to: "http://127.0.0.1:8080")
/// answer.status   // 200: our listener answers a replay as the duplicate it is
/// ```
public enum WebhookReplay {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The URL a receipt is replayed to: `server`'s scheme, host and port, then the
    /// receipt's stored path and query.
    public static func url(for receipt: ReceiptDetail, server: String) -> String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return base + receipt.summary.path
    }

    /// What a replay sends: the stored path and query, the stored headers that the listener
    /// checks (signature, content type), and the body exactly as stored.
    public struct Request: Sendable {
        public var pathAndQuery: String
        public var headers: [(name: String, value: String)]
        public var body: String
    }

    /// The request that replays `receipt`; a receipt whose body retention removed cannot be
    /// replayed.
    public static func request(for receipt: ReceiptDetail) throws -> Request {
        if let pruned = receipt.summary.bodyPrunedAt {
            throw Problem(
                description: "receipt \(receipt.summary.id) cannot be replayed: retention removed its body on \(pruned.storedText) UTC")
        }
        var headers = [(name: "Content-Type", value: receipt.headers.contentType ?? "application/x-www-form-urlencoded")]
        if let signature = receipt.headers.signature { headers.append((name: "X-Twilio-Signature", value: signature)) }
        headers.append((name: "User-Agent", value: (receipt.headers.userAgent.map { $0 + " " } ?? "") + "(switchboard replay)"))
        return Request(pathAndQuery: receipt.summary.path, headers: headers, body: receipt.rawBody)
    }

    /// Posts `receipt` to `server` (`http://host:port`, no path) and returns the answer.
    public static func send(
        _ receipt: ReceiptDetail, to server: String, timeout: TimeAmount = .seconds(10), httpClient: HTTPClient = .shared
    ) async throws -> (status: Int, body: String) {
        let replay = try request(for: receipt)
        var request = HTTPClientRequest(url: url(for: receipt, server: server))
        request.method = .POST
        for header in replay.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(string: replay.body))
        let response = try await httpClient.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
