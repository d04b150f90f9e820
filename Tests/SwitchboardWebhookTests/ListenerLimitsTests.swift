import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook
import Testing

/// Issue 13: the listener on the open internet. Each case drives a real socket byte by
/// byte, the way a stranger (not an HTTP client library) would.
@Suite struct ListenerLimitsTests {
    @Test func aRefusedLargeBodyIsAnsweredWithConnectionCloseAndTheConnectionIsClosed() async throws {
        let fixture = try Fixture.make()
        try await withLiveListener(store: fixture.store) { port in
            let socket = try RawSocket(port: port)
            socket.send(
                "POST /api/twilio/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: \(10 * 1024 * 1024)\r\n\r\n")
            socket.send([UInt8](repeating: UInt8(ascii: "a"), count: 100_000))
            let bytes = try #require(socket.receive(timeout: .seconds(5)))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
            #expect(text.lowercased().contains("connection: close"))
            #expect(socket.isClosedByPeer(within: .seconds(3)), "the listener closed the connection")
        }
    }
}
