import Foundation
import SwitchboardCore
import SwitchboardStore

/// The default sender: sends nothing, but behaves like Twilio. It gives the message a
/// Twilio-shaped id (`SM` + 32 hex digits) and status `sent`, then, after `deliveryDelay`,
/// reports `delivered` through the status-callback path
/// (``Store/applyDeliveryStatus(messageSid:status:errorCode:)``), as Twilio would.
public struct SimulatedSender: OutboundSender {
    let store: any Store
    let deliveryDelay: Duration

    public init(store: any Store, deliveryDelay: Duration = .milliseconds(800)) {
        self.store = store
        self.deliveryDelay = deliveryDelay
    }

    public func deliver(_ message: PendingOutbound) async throws -> String {
        guard let eventId = message.event.id else { throw OutboundError(.notFound, "the message was never stored") }
        let sid = Self.makeMessageSid()
        try await store.recordSent(eventId: eventId, messageSid: sid, status: .sent)
        let store = self.store, delay = deliveryDelay
        Task {
            try? await Task.sleep(for: delay)
            _ = try? await store.applyDeliveryStatus(messageSid: sid, status: .delivered)
        }
        return sid
    }

    /// A new message id shaped like Twilio's: `SM` and 32 lowercase hex digits.
    public static func makeMessageSid() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ in
            let digits = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "SM" + hex.joined()
    }
}
