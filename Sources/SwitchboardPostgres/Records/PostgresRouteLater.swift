import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStore {
    /// SQLite's `routeUnrouted`: a text to a number that was not ours, routed now that the
    /// number exists, through the very `route` a fresh webhook takes, stored as arriving now;
    /// the receipt becomes `accepted` with `routed_at` set. The same refusals.
    public func routeUnrouted(receiptId: RowID) async throws -> RoutedReceipt {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            let (receipt, sms) = try WebhookReceipt.routableLater(
                try await c.records("SELECT * FROM webhook_receipt WHERE id = \(receiptId) FOR UPDATE", as: WebhookReceipt.self).first,
                id: receiptId)
            guard let number = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.number) FROM message_number WHERE e164 = \(sms.to)"
            ).first.map(MessageNumber.init(postgres:))
            else {
                throw StoreError(
                    .refused,
                    "receipt \(receiptId) was sent to \(sms.to), which is still not one of our numbers; add the number first, then route it again")
            }
            guard try await !c.exists("SELECT 1 FROM message_event WHERE provider_message_sid = \(sms.sid)") else {
                throw StoreError(.refused, "message \(sms.sid) of receipt \(receiptId) is already stored; nothing changed")
            }
            let outcome = try await route(c, sms, to: number, now: now)
            try await c.run(
                "UPDATE webhook_receipt SET verdict = 'accepted', org_id = \(number.orgId), routed_at = \(now) WHERE id = \(receiptId)")
            let thread = try await c.rows(
                """
                SELECT \(unescaped: PostgresColumns.thread) FROM message_thread
                JOIN message_event ON message_event.thread_id = message_thread.id
                WHERE message_event.provider_message_sid = \(sms.sid)
                """
            ).first.map(MessageThread.init(postgres:))
            var mailboxName: String?
            switch thread?.mailbox {
            case .owner?: mailboxName = "the owner inbox"
            case .sitter(let sitterId)?:
                mailboxName = try await c.first("SELECT name FROM sitter WHERE id = \(sitterId)", as: String.self).map { $0 + "'s mailbox" }
            case nil: break
            }
            return RoutedReceipt(
                receiptId: receiptId, messageSid: sms.sid, from: sms.from, to: sms.to, threadId: thread?.id, mailbox: thread?.mailbox,
                mailboxName: mailboxName, unsentReplies: outcome.replies.count)
        }
    }
}
