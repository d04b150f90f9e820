import Foundation
import GRDB
import SwitchboardCore

/// What routing an unrouted text later did.
public struct RoutedReceipt: Sendable, Equatable {
    public var receiptId: RowID
    public var messageSid: String
    public var from: String
    public var to: String
    /// The thread the text is in now, and the mailbox that thread is in.
    public var threadId: RowID?
    public var mailbox: Mailbox?
    /// That mailbox as people name it: "the owner inbox", "Maya Okafor's mailbox".
    public var mailboxName: String?
    /// Answers routing produced (an offer reply, a relay, a forward to a sitter): the
    /// webhook was answered with an empty `<Response/>` when it arrived, so none was sent
    /// then; the ones stored as outbound messages are left `queued`.
    public var unsentReplies: Int

    public init(
        receiptId: RowID, messageSid: String, from: String, to: String, threadId: RowID?, mailbox: Mailbox?, mailboxName: String?,
        unsentReplies: Int
    ) {
        self.receiptId = receiptId
        self.messageSid = messageSid
        self.from = from
        self.to = to
        self.threadId = threadId
        self.mailbox = mailbox
        self.mailboxName = mailboxName
        self.unsentReplies = unsentReplies
    }
}

extension AppDatabase {
    // MARK: - Writes

    /// Routes a text that arrived for a number that was not ours (verdict `unrouted`), now
    /// that the number has been added: the same routing a fresh webhook gets (``route``),
    /// with the text stored as arriving now (nobody could see it before), in one
    /// transaction. The receipt keeps its row and first answer, and records the routing:
    /// its verdict becomes `accepted` and `routed_at` is set, so the Unrouted view no
    /// longer lists it.
    ///
    /// Refused with a ``StoreError`` saying what to do when the receipt does not exist, is
    /// not an unrouted text, has no body left, or its number is still unknown.
    public func routeUnrouted(receiptId: RowID) async throws -> RoutedReceipt {
        try await writer.write { db in
            let now = self.clock.now
            let (receipt, sms) = try WebhookReceipt.routableLater(try WebhookReceipt.fetchOne(db, key: receiptId), id: receiptId)
            guard let number = try db.fetchFirst(hot: .numberByE164, MessageNumber.init(hotRow:), sms.to) else {
                throw StoreError(
                    .refused,
                    "receipt \(receiptId) was sent to \(sms.to), which is still not one of our numbers; add the number first, then route it again")
            }
            guard try !db.exists(hot: .messageBySid, sms.sid) else {
                throw StoreError(.refused, "message \(sms.sid) of receipt \(receiptId) is already stored; nothing changed")
            }
            let outcome = try self.route(db, sms, to: number, now: now)
            try db.execute(
                sql: "UPDATE webhook_receipt SET verdict = ?, org_id = ?, routed_at = ? WHERE id = ?",
                arguments: [WebhookVerdict.accepted, number.orgId, now.storedPrecision, receiptId])
            let thread = try MessageThread.fetchOne(
                db,
                sql: """
                    SELECT message_thread.* FROM message_thread
                    JOIN message_event ON message_event.thread_id = message_thread.id
                    WHERE message_event.provider_message_sid = ?
                    """,
                arguments: [sms.sid])
            var mailboxName: String?
            switch thread?.mailbox {
            case .owner?: mailboxName = "the owner inbox"
            case .sitter(let sitterId)?:
                mailboxName = try String.fetchOne(db, sql: "SELECT name FROM sitter WHERE id = ?", arguments: [sitterId]).map { $0 + "'s mailbox" }
            case nil: break
            }
            return RoutedReceipt(
                receiptId: receiptId, messageSid: sms.sid, from: sms.from, to: sms.to, threadId: thread?.id,
                mailbox: thread?.mailbox, mailboxName: mailboxName, unsentReplies: outcome.replies.count)
        }
    }
}

extension WebhookReceipt {
    /// The receipt to route later, and its text: refused (on every engine in the same
    /// words) when there is no such receipt, it was routed already, it is not an unrouted
    /// text, or it has no text left.
    public static func routableLater(_ receipt: WebhookReceipt?, id receiptId: RowID) throws -> (WebhookReceipt, InboundSMS) {
        guard let receipt else {
            throw StoreError(
                .notFound,
                "there is no receipt \(receiptId); `switchboard receipts --verdict unrouted` lists the unrouted texts")
        }
        if let routedAt = receipt.routedAt {
            throw StoreError(.refused, "receipt \(receiptId) was already routed, at \(routedAt.storedText) UTC; nothing changed")
        }
        guard receipt.verdict == .unrouted else {
            throw StoreError(
                .refused,
                "receipt \(receiptId) is \(receipt.verdict.rawValue), not unrouted: only a text to a number that was not ours can be routed later")
        }
        guard let form = try? FormParameters.parse(Array(receipt.rawBody.utf8)), let sms = try? InboundSMS(form: form) else {
            throw StoreError(.refused, "receipt \(receiptId) has no text left to route (its body is empty or not a form)")
        }
        return (receipt, sms)
    }
}
