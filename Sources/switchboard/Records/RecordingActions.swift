import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore

/// A console's actions with the record commands of the command line added (``ConsoleRecordCommands``):
/// everything else is the wrapped actions'.
struct RecordingActions: OperatorActions {
    let base: any OperatorActions

    var store: any Store { base.store }

    func reply(threadId: RowID, body: String) async throws -> String { try await base.reply(threadId: threadId, body: body) }
    func offer(bookingId: RowID, sitterId: RowID) async throws -> String { try await base.offer(bookingId: bookingId, sitterId: sitterId) }
    func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String {
        try await base.simulateAnswer(sitterId: sitterId, accept: accept, code: code)
    }
    func markUnread(threadId: RowID, count: Int) async throws -> String { try await base.markUnread(threadId: threadId, count: count) }
    func assign(threadId: RowID, to sitterId: RowID?) async throws -> String { try await base.assign(threadId: threadId, to: sitterId) }
    func markRead(threadId: RowID) async throws { try await base.markRead(threadId: threadId) }
    func routeUnrouted(receiptId: RowID) async throws -> String { try await base.routeUnrouted(receiptId: receiptId) }

    func recordCommand(_ line: String, orgId: RowID) async throws -> String {
        try await ConsoleRecordCommands.run(line, store: store, orgId: orgId)
    }
}
