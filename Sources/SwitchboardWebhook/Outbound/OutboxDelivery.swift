import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore

/// Delivers the outbox through a sender, wherever the listener runs (`serve`, or the one a
/// console or the demo embeds): it claims what is due, hands each message to the sender, and
/// on a failure worth retrying puts it back with a later attempt (``DeliveryRetryPolicy``).
/// A refusal that another try would not change (an opted-out number, a bad request) marks the
/// message `failed` at once.
///
/// It sleeps until the next message is due or a commit may have queued one, so an idle
/// listener does no work for it.
public struct OutboxDelivery: Service {
    let store: any Store
    let sender: any OutboundSender
    let retry: DeliveryRetryPolicy
    let logger: Logger

    public init(store: any Store, sender: any OutboundSender, retry: DeliveryRetryPolicy = .init(), logger: Logger) {
        self.store = store
        self.sender = sender
        self.retry = retry
        self.logger = logger
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let changes = store.outboxChanges()
        // Each commit that may have queued a message wakes the loop, which re-reads what is due.
        let relay = Task { for await _ in changes { wake.yield() } }
        defer { relay.cancel() }
        try await cancelWhenGracefulShutdown {
            var iterator = wakes.makeAsyncIterator()
            while !Task.isCancelled {
                // A read first: most wakes are commits that queued nothing (in `serve`, every
                // webhook's), and they must not take the writer from the webhooks.
                let due = (try? store.nextOutboundAttempt()) ?? nil
                if let due, due <= store.clock.now {
                    do {
                        try await deliverDue()
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("the outbox could not be read: \(error)")
                        try? await Task.sleep(for: .seconds(1))
                    }
                    continue
                }
                // Sleep until the next message is due or a commit wakes the loop.
                let wait = due.map { max($0.timeIntervalSince(store.clock.now), 0.05) } ?? 3600
                let alarm = Task {
                    try await Task.sleep(for: .seconds(wait))
                    wake.yield()
                }
                _ = await iterator.next()
                alarm.cancel()
            }
        }
    }

    /// Delivers every message due now; returns how many were handed to the sender.
    @discardableResult
    public func deliverDue() async throws -> Int {
        var handed = 0
        while true {
            let batch = try await store.claimDueOutbound()
            if batch.isEmpty { return handed }
            // A claimed batch is finished even during a shutdown: an abandoned claim would
            // hold its messages back for a whole lease.
            for entry in batch {
                if await deliver(entry) { handed += 1 }
            }
            try Task.checkCancellation()
        }
    }

    /// One attempt; a failure is recorded, never thrown.
    private func deliver(_ entry: OutboxEntry) async -> Bool {
        guard let eventId = entry.message.event.id else { return false }
        do {
            let sid = try await sender.deliver(entry.message)
            // No phone and no text in the log: the message's id and the provider's.
            logger.info("message \(eventId) handed to the sender as \(sid) (attempt \(entry.attempt))")
            return true
        } catch {
            let retryAt = Self.isWorthRetrying(error) ? retry.delay(afterAttempt: entry.attempt).map { store.clock.now.addingTimeInterval($0) } : nil
            let reason = "\(error)"
            if let retryAt {
                logger.warning("message \(eventId) not sent (attempt \(entry.attempt)); trying again at \(retryAt): \(reason)")
            } else {
                logger.error("message \(eventId) not sent after \(entry.attempt) attempt(s); marked failed: \(reason)")
            }
            do {
                try await store.recordDeliveryFailure(eventId: eventId, reason: reason, retryAt: retryAt)
            } catch {
                // The claim expires and the message is tried again.
                logger.error("message \(eventId): the failure could not be recorded: \(error)")
            }
            return false
        }
    }

    /// A provider's 429 or 5xx, a timeout or a lost connection may pass; a 4xx or our own
    /// refusal (opted out, no recipient) will not.
    static func isWorthRetrying(_ error: any Error) -> Bool {
        switch error {
        case let error as TwilioMessagesClient.APIError: error.httpStatus == 429 || error.httpStatus >= 500
        case is OutboundError: false
        default: true
        }
    }
}
