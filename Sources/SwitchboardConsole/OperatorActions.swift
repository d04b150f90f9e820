import SwitchboardCore

/// The operator's actions that go through Twilio's side: the outbound sender and the
/// console's own webhook listener. The console only knows this protocol; the `switchboard`
/// executable wires the real one (SwitchboardWebhook), tests use a fake.
///
/// Each returns the one line the operator sees on success (for `simulateAnswer`, the TwiML
/// the listener answered), and throws an error whose description says what went wrong.
public protocol OperatorActions: Sendable {
    /// Sends `body` to the thread's counterpart through the outbound sender.
    func reply(threadId: RowID, body: String) async throws -> String
    /// Offers a booking to a sitter (the sitter is texted the offer).
    func offer(bookingId: RowID, sitterId: RowID) async throws -> String
    /// Posts a signed webhook to the console's own listener as if the sitter texted YES or NO.
    func simulateAnswer(sitterId: RowID, accept: Bool) async throws -> String
}

/// Used when the console runs without its listener (`--no-listen`): every action explains
/// why it cannot run.
public struct ListenerlessActions: OperatorActions {
    public init() {}

    static let reason = ConsoleError(
        "This needs the webhook listener and outbound sender; restart without --no-listen.")

    public func reply(threadId: RowID, body: String) async throws -> String { throw Self.reason }
    public func offer(bookingId: RowID, sitterId: RowID) async throws -> String { throw Self.reason }
    public func simulateAnswer(sitterId: RowID, accept: Bool) async throws -> String { throw Self.reason }
}
