import Foundation
import SwitchboardCore
import SwitchboardStore

/// Delivers stored outbound messages. The message is already in the store (status
/// `queued`); a sender hands it to a provider and records the provider's id and status.
///
/// Two senders exist: ``SimulatedSender`` (the default: no network) and ``TwilioRESTSender``.
public protocol OutboundSender: Sendable {
    /// Delivers `message`, records the provider's message id on it, and returns that id.
    func deliver(_ message: PendingOutbound) async throws -> String
}

/// Stores outbound messages and hands them to a sender: what the console calls to reply in
/// a thread or to offer a booking.
public struct Outbox: Sendable {
    public let store: AppDatabase
    public let sender: any OutboundSender

    public init(store: AppDatabase, sender: any OutboundSender) {
        self.store = store
        self.sender = sender
    }

    /// Sends `body` in a thread, from the owner by default. Throws ``OutboundError`` with
    /// code `.optedOut` when the recipient texted STOP (nothing is stored then).
    @discardableResult
    public func send(threadId: RowID, body: String, actor: ActorType = .owner) async throws -> PendingOutbound {
        let pending = try await store.queueOutbound(threadId: threadId, actor: actor, body: body)
        try await deliver(pending)
        return pending
    }

    /// Offers a booking to a sitter until `expiresAt` and texts them the offer. Creating the
    /// same pending offer again changes nothing and sends nothing.
    @discardableResult
    public func offer(bookingId: RowID, sitterId: RowID, expiresAt: Date, channel: String = "console") async throws -> OfferCreation {
        let creation = try await store.createOffer(bookingId: bookingId, sitterId: sitterId, expiresAt: expiresAt, channel: channel)
        if let invitation = creation.invitation { try await deliver(invitation) }
        return creation
    }

    /// Hands a stored message to the sender; a refusal marks it `failed` and is rethrown.
    func deliver(_ pending: PendingOutbound) async throws {
        guard let eventId = pending.event.id else { return }
        do {
            _ = try await sender.deliver(pending)
        } catch {
            try await store.recordSendFailure(eventId: eventId, reason: "\(error)")
            if let error = error as? OutboundError { throw error }
            throw OutboundError(.provider, "the message was stored but not sent: \(error)")
        }
    }
}
