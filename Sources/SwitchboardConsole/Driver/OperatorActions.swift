import Foundation
import SwitchboardCore
import SwitchboardStore

/// Every action the operator takes from the console. Replies, offers, assignments and reads
/// only write to the store (a reply or offer waits in the outbox, which the listener serving
/// the database delivers); only "simulate YES/NO" needs a listener to post to. The console
/// only knows this protocol; the `switchboard` executable wires the real one
/// (SwitchboardWebhook), `--no-listen` uses ``ListenerlessActions``.
///
/// Each returns the one line the operator sees on success (for `simulateAnswer`, the TwiML
/// the listener answered), and throws an error whose description says what went wrong.
public protocol OperatorActions: Sendable {
    /// The store the actions write to.
    var store: any Store { get }
    /// Queues `body` to the thread's counterpart in the outbox.
    func reply(threadId: RowID, body: String) async throws -> String
    /// Offers a booking to a sitter (the offer's text is queued in the outbox).
    func offer(bookingId: RowID, sitterId: RowID) async throws -> String
    /// Posts a signed webhook to the console's own listener as if the sitter texted YES or NO,
    /// followed by the booking's code when one is given (`YES B1042`).
    func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String
    /// Moves a client thread to a sitter's mailbox, or back to the owner inbox (nil).
    func assign(threadId: RowID, to sitterId: RowID?) async throws -> String
    /// Marks a thread read (the operator opened it).
    func markRead(threadId: RowID) async throws
    /// Marks a thread unread again (`count` unread messages).
    func markUnread(threadId: RowID, count: Int) async throws -> String
    /// Routes an unrouted text now that its number is ours.
    func routeUnrouted(receiptId: RowID) async throws -> String
    /// Runs a record command of the command line (`sitter add …`, `number assign …`) on the
    /// org on screen; returns its one-line answer.
    func recordCommand(_ line: String, orgId: RowID) async throws -> String
}

/// How long an offer made from the console stays open.
public let consoleOfferLifetime: TimeInterval = 2 * 3600

extension OperatorActions {
    public func reply(threadId: RowID, body: String) async throws -> String {
        let queued = try await store.queueOutbound(threadId: threadId, actor: .owner, body: body)
        return "Reply to \(queued.to) queued; its delivery shows beside it."
    }

    public func offer(bookingId: RowID, sitterId: RowID) async throws -> String {
        let creation = try await store.createOffer(
            bookingId: bookingId, sitterId: sitterId, expiresAt: store.clock.now.addingTimeInterval(consoleOfferLifetime))
        return creation.created
            ? "Offer queued; it expires in \(Int(consoleOfferLifetime / 3600)) hours. Press y or n to answer as the sitter."
            : "That sitter already has this offer pending; nothing new was sent."
    }

    public func assign(threadId: RowID, to sitterId: RowID?) async throws -> String {
        _ = try await store.assignThread(threadId, to: sitterId)
        let name = try sitterId.flatMap { id in try store.read { try $0.sitter(id)?.name } } ?? "the owner inbox"
        return "Assigned to \(name)."
    }

    public func markRead(threadId: RowID) async throws {
        try await store.markThreadRead(threadId)
    }

    public func recordCommand(_ line: String, orgId: RowID) async throws -> String {
        throw ConsoleError("Record commands need the switchboard command's console.")
    }

    /// Routes an unrouted text through the same routing as a fresh webhook (the store's
    /// ``Store/routeUnrouted(receiptId:)``); a refusal says what to do.
    public func routeUnrouted(receiptId: RowID) async throws -> String {
        do {
            let routed = try await store.routeUnrouted(receiptId: receiptId)
            let place = "thread \(routed.threadId.map(String.init) ?? "?")" + (routed.mailboxName.map { " in \($0)" } ?? "")
            return "Routed the text from \(routed.from) to \(place)."
        } catch let error as StoreError {
            throw ConsoleError(error.message.prefix(1).uppercased() + error.message.dropFirst() + ".")
        }
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
        case .routeUnrouted(let receiptId): return try await routeUnrouted(receiptId: receiptId)
        case .recordCommand(let line, let orgId): return try await recordCommand(line, orgId: orgId)
        case .reload, .quit, .editInEditor: return nil
        }
    }
}

/// Used when no listener can take a simulated YES/NO (`--no-listen`, or an attached console
/// without the auth token to sign one): everything else works; that action says why not.
public struct ListenerlessActions: OperatorActions {
    public let store: any Store
    let reason: String

    public init(store: any Store, reason: String = "Simulating a sitter's answer needs the webhook listener; restart without --no-listen.") {
        self.store = store
        self.reason = reason
    }

    public func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String { throw ConsoleError(reason) }
}

/// A sitter's console's actions (`console --sitter`): reply in her own threads (as her, from
/// her masked number), mark them read, and answer her own offers; nothing else. Each thread
/// is checked against her mailbox in the store, so a stale screen or a crafted effect cannot
/// touch another mailbox.
public struct SitterActions: OperatorActions {
    let base: any OperatorActions
    let sitterId: RowID

    public init(base: any OperatorActions, sitterId: RowID) {
        self.base = base
        self.sitterId = sitterId
    }

    public var store: any Store { base.store }

    public func reply(threadId: RowID, body: String) async throws -> String {
        try checkIsHers(threadId)
        let queued = try await store.queueOutbound(threadId: threadId, actor: .sitter, body: body)
        return "Reply to \(queued.to) queued; its delivery shows beside it."
    }

    public func offer(bookingId: RowID, sitterId: RowID) async throws -> String {
        throw ConsoleError("Only the owner offers bookings.")
    }

    public func assign(threadId: RowID, to sitterId: RowID?) async throws -> String {
        throw ConsoleError("Only the owner assigns threads.")
    }

    public func markRead(threadId: RowID) async throws {
        try checkIsHers(threadId)
        try await store.markThreadRead(threadId)
    }

    public func markUnread(threadId: RowID, count: Int) async throws -> String {
        try checkIsHers(threadId)
        try await store.markThreadUnread(threadId, count: count)
        return "Marked unread."
    }

    public func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String {
        guard sitterId == self.sitterId else { throw ConsoleError("You can answer only your own offers.") }
        return try await base.simulateAnswer(sitterId: sitterId, accept: accept, code: code)
    }

    public func recordCommand(_ line: String, orgId: RowID) async throws -> String {
        throw ConsoleError("Only the owner changes the business's records.")
    }

    public func routeUnrouted(receiptId: RowID) async throws -> String {
        throw ConsoleError("Unrouted texts are the owner's to sort out.")
    }

    private func checkIsHers(_ threadId: RowID) throws {
        guard try store.read({ try $0.isThread(threadId, in: .sitter(sitterId)) }) else {
            throw ConsoleError("That thread is not in your mailbox any more.")
        }
    }
}
