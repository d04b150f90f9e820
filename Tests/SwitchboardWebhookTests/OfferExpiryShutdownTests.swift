import Foundation
import Logging
import Synchronization
@testable import SwitchboardStore
import SwitchboardWebhook
import Testing

/// Stopping the listener interrupts the offer-expiry sweep: that is no failure to log.
@Suite struct OfferExpiryShutdownTests {
    final class Captured: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct CapturingHandler: LogHandler {
        let captured: Captured
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { captured.lines.withLock { $0.append("\(event.level) \(event.message)") } }
    }

    @Test func cancellingASweepInProgressLogsNoError() async throws {
        let fixture = try Fixture.make()
        let captured = Captured()
        let logger = Logger(label: "test") { _ in CapturingHandler(captured: captured) }
        // Hold the writer, so the sweep waits for it and is cancelled while waiting.
        let holding = Task {
            try await fixture.store.writer.write { _ in Thread.sleep(forTimeInterval: 0.5) }
        }
        try await Task.sleep(for: .milliseconds(50))
        let service = Task { try await OfferExpiryService(store: fixture.store, interval: .seconds(30), logger: logger).run() }
        try await Task.sleep(for: .milliseconds(100))
        service.cancel()
        _ = try? await service.value
        _ = try await holding.value
        #expect(captured.lines.withLock { $0 }.filter { $0.contains("failed") }.isEmpty, "\(captured.lines.withLock { $0 })")
    }
}
