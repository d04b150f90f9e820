import Foundation
import SwitchboardCore
import SwitchboardStore

/// Delivers stored outbound messages. The message is already in the store (status
/// `queued`, in the outbox); a sender hands it to a provider and records the provider's id
/// and status, which takes it out of the outbox. ``OutboxDelivery`` calls it.
///
/// Two senders exist: ``SimulatedSender`` (the default: no network) and ``TwilioRESTSender``.
public protocol OutboundSender: Sendable {
    /// Delivers `message`, records the provider's message id on it, and returns that id.
    func deliver(_ message: PendingOutbound) async throws -> String
}
