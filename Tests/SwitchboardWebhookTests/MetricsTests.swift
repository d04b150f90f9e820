import Foundation
import NIOCore
import SwitchboardCore
@testable import SwitchboardStore
@testable import SwitchboardWebhook
import Testing

/// `GET /metrics`: Prometheus text with the listener's figures, for this machine only.
@Suite struct MetricsTests {
    @Test func metricsCountWebhooksByVerdictAndShowLatencyBatchesOutboxAndWAL() async throws {
        let fixture = try Fixture.make()
        let text = try await withLiveListener(store: fixture.store) { port in
            for sid in ["SMM1", "SMM2"] {
                let socket = try RawSocket(port: port)
                socket.send(signedInboundRequest(sid: sid))
                #expect(await socket.status() == 200)
            }
            let forged = try RawSocket(port: port)
            forged.send(signedInboundRequest(sid: "SMM3").replacingOccurrences(of: "X-Twilio-Signature: ", with: "X-Twilio-Signature: x"))
            #expect(await forged.status() == 403)
            let scrape = try RawSocket(port: port)
            scrape.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return String(decoding: await scrape.receive() ?? [], as: UTF8.self)
        }
        #expect(text.hasPrefix("HTTP/1.1 200"), "\(text.prefix(200))")
        #expect(text.contains(#"switchboard_webhooks_total{verdict="accepted"} 2"#))
        #expect(text.contains(#"switchboard_webhooks_total{verdict="rejected_signature"} 1"#))
        #expect(text.contains(#"switchboard_webhook_duration_seconds_bucket{le="0.01"}"#))
        #expect(text.contains("switchboard_webhook_duration_seconds_count 3"))
        #expect(text.contains("switchboard_group_commit_batch_size_count"))
        #expect(text.contains("switchboard_outbox_depth 0"))
        #expect(text.contains("switchboard_wal_bytes 0"), "an in-memory database has no WAL")
    }

    @Test func metricsAnswerLoopbackOnlyUnlessMadePublic() throws {
        #expect(MetricsRoute.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 5000)))
        #expect(MetricsRoute.isLoopback(try SocketAddress(ipAddress: "::1", port: 5000)))
        #expect(!MetricsRoute.isLoopback(try SocketAddress(ipAddress: "203.0.113.5", port: 5000)))
        #expect(!MetricsRoute.isLoopback(try SocketAddress(ipAddress: "::ffff:203.0.113.5", port: 5000)))
    }
}
