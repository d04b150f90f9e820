import Foundation
import Hummingbird
import SwitchboardStore
import SwitchboardWebhook

/// A TCP connection to the listener driven byte by byte, for what an HTTP client would never
/// send: idle sockets, slow headers, broken chunked bodies. Its waits run on a thread of
/// their own, never on Swift's cooperative pool, which the listener's handlers need.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        var noSignal: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends `bytes`; false when the peer has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads what arrives within `timeout`: nil when the peer closed before sending anything.
    func receive(timeout: Duration = .seconds(5)) async -> [UInt8]? {
        await offThePool { self.receiveBlocking(timeout: timeout) }
    }

    private func receiveBlocking(timeout: Duration) -> [UInt8]? {
        var collected: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 50)
            if ready <= 0 { if !collected.isEmpty && Self.isWholeResponse(collected) { return collected } else { continue } }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return collected.isEmpty ? nil : collected }
            collected += buffer[0..<count]
        }
        return collected.isEmpty ? nil : collected
    }

    /// The status code of the response that arrives within `timeout`.
    func status(timeout: Duration = .seconds(5)) async -> Int? {
        guard let bytes = await receive(timeout: timeout) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }

    /// Whether the listener closes the connection within `timeout` (reads end of file, or
    /// the connection is reset), discarding anything it sends first.
    func isClosedByPeer(within timeout: Duration) async -> Bool {
        await offThePool { self.isClosedBlocking(within: timeout) }
    }

    private func isClosedBlocking(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            if buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) <= 0 { return true }
        }
        return false
    }

    /// A response whose head ended and whose Content-Length bytes have arrived.
    static func isWholeResponse(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return true }
        return text[end.upperBound...].utf8.count >= length
    }
}

/// Runs a blocking wait on a Dispatch thread.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}

/// A listener on a free loopback port, run for the length of `body`.
func withLiveListener<Value: Sendable>(
    store: AppDatabase, configure: (inout ListenerConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (_ port: Int) async throws -> Value
) async throws -> Value {
    var configuration = ListenerConfiguration(
        port: 0, publicURL: Fixture.publicURL, authToken: Fixture.token, offerSweepInterval: nil)
    configure(&configuration)
    let (addresses, announce) = AsyncStream.makeStream(of: String.self)
    let app = buildListener(store: store, configuration: configuration, onListening: { announce.yield($0) })
    let running = Task { try await app.runService(gracefulShutdownSignals: []) }
    defer { running.cancel() }
    var iterator = addresses.makeAsyncIterator()
    guard let address = await iterator.next(), let port = Int(address.split(separator: ":").last ?? "") else {
        throw POSIXError(.EADDRNOTAVAIL)
    }
    return try await body(port)
}

/// A signed inbound SMS as raw HTTP/1.1 bytes.
func signedInboundRequest(sid: String, body: String = "hello") -> String {
    let form: Form = [("MessageSid", sid), ("From", Fixture.carolPhone), ("To", Fixture.frontDesk), ("Body", body)]
    let encoded = IndependentSigner.encode(form)
    let signature = IndependentSigner.sign(token: Fixture.token, url: Fixture.publicURL + "/api/twilio/inbound", form)
    return "POST /api/twilio/inbound HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "X-Twilio-Signature: \(signature)\r\nContent-Length: \(encoded.utf8.count)\r\n\r\n" + encoded
}
