import Foundation

/// When the outbox tries again after a send the provider could not take: the delay doubles
/// from `firstDelay` up to `maximumDelay`, and after `maximumAttempts` the message is given
/// up and marked failed, so the operator sees it and can send it again.
///
/// The default (5 s, doubling to 5 minutes, 8 attempts) rides out a provider hiccup or a lost
/// network for about ten minutes; a text later than that is better re-sent by a person.
public struct DeliveryRetryPolicy: Sendable, Equatable {
    public var firstDelay: TimeInterval
    public var maximumDelay: TimeInterval
    public var maximumAttempts: Int

    public init(firstDelay: TimeInterval = 5, maximumDelay: TimeInterval = 300, maximumAttempts: Int = 8) {
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    /// How long to wait after the failed attempt number `attempt` (1 for the first), or nil
    /// when that was the last one.
    public func delay(afterAttempt attempt: Int) -> TimeInterval? {
        guard attempt < maximumAttempts else { return nil }
        let doublings = min(max(attempt - 1, 0), 32)
        return min(firstDelay * pow(2, Double(doublings)), maximumDelay)
    }
}
