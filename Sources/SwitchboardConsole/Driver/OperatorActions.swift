import SwitchboardCore
import SwitchboardStore

/// Every action the operator takes from the console: the ones that go through Twilio's side
/// (the outbound sender, the console's own webhook listener) and the ones that only write to
/// the store (assign, mark read). The console only knows this protocol; the `switchboard`
/// executable wires the real one (SwitchboardWebhook), `--no-listen` uses
/// ``ListenerlessActions``.
///
/// Each returns the one line the operator sees on success (for `simulateAnswer`, the TwiML
/// the listener answered), and throws an error whose description says what went wrong.
public protocol OperatorActions: Sendable {
    /// The store the store-only actions write to.
    var store: AppDatabase { get }
    /// Sends `body` to the thread's counterpart through the outbound sender.
    func reply(threadId: RowID, body: String) async throws -> String
    /// Offers a booking to a sitter (the sitter is texted the offer).
    func offer(bookingId: RowID, sitterId: RowID) async throws -> String
    /// Posts a signed webhook to the console's own listener as if the sitter texted YES or NO,
    /// followed by the booking's code when one is given (`YES B1042`).
    func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String
    /// Moves a client thread to a sitter's mailbox, or back to the owner inbox (nil).
    func assign(threadId: RowID, to sitterId: RowID?) async throws -> String
    /// Marks a thread read (the operator opened it).
    func markRead(threadId: RowID) async throws
}

extension OperatorActions {
    public func assign(threadId: RowID, to sitterId: RowID?) async throws -> String {
        _ = try await store.assignThread(threadId, to: sitterId)
        let name = try sitterId.flatMap { id in try store.read { try $0.sitter(id)?.name } } ?? "the owner inbox"
        return "Assigned to \(name)."
    }

    public func markRead(threadId: RowID) async throws {
        try await store.markThreadRead(threadId)
    }

    /// Marks a thread unread again.
    public func markUnread(threadId: RowID, count: Int) async throws -> String {
        try await store.markThreadUnread(threadId, count: count)
        return "Marked unread."
    }

    /// Runs the operator action an effect asks for. Returns the line to show, nil when the
    /// action is a quiet one (mark read) or the effect is not an operator action.
    public func perform(_ effect: Effect) async throws -> String? {
        switch effect {
        case .markRead(let threadId):
            try await markRead(threadId: threadId)
            return nil
        case .markUnread(let threadId, let count): return try await markUnread(threadId: threadId, count: count)
        case .assign(let threadId, let sitterId): return try await assign(threadId: threadId, to: sitterId)
        case .reply(let threadId, let body): return try await reply(threadId: threadId, body: body)
        case .offer(let bookingId, let sitterId): return try await offer(bookingId: bookingId, sitterId: sitterId)
        case .simulateAnswer(let sitterId, let accept, let code):
            return try await simulateAnswer(sitterId: sitterId, accept: accept, code: code)
        case .reload, .quit, .editInEditor: return nil
        }
    }
}

/// Used when the console runs without its listener (`--no-listen`): assigning and marking
/// read work; every action that needs Twilio's side explains why it cannot run.
public struct ListenerlessActions: OperatorActions {
    public let store: AppDatabase

    public init(store: AppDatabase) {
        self.store = store
    }

    static let reason = ConsoleError(
        "This needs the webhook listener and outbound sender; restart without --no-listen.")

    public func reply(threadId: RowID, body: String) async throws -> String { throw Self.reason }
    public func offer(bookingId: RowID, sitterId: RowID) async throws -> String { throw Self.reason }
    public func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String { throw Self.reason }
}
