import Foundation
import SwitchboardCore

/// The reads one read transaction offers, named for what they find: what a console screen,
/// `status` and the receipts view ask of the store, on any engine (SQLite's ``StoreReads``,
/// or PostgreSQL's). Reached through ``Store/read(_:)``, so several reads see one committed
/// state. Callers ask by intent, never with SQL.
public protocol StoreReading {
    /// Every org of the database, by id: one database can serve several businesses.
    func orgs() throws -> [Org]
    /// How many threads a mailbox holds, or how many match `search` (a name, a phone, or any
    /// message's text).
    func threadCount(in mailbox: Mailbox, of orgId: RowID, matching search: String?) throws -> Int
    /// A page of a mailbox's threads, newest first (matching `search` when given).
    func threads(in mailbox: Mailbox, of orgId: RowID, matching search: String?, page: Page) throws -> [ThreadSummary]
    /// The next unread or unassigned thread after `threadId` (wrapping), for the triage keys.
    func nextThread(in mailbox: Mailbox, of orgId: RowID, after threadId: RowID?, matching filter: ThreadFilter) throws -> RowID?
    /// Where a thread sits in its mailbox's list (0 = newest); nil when it is not there.
    func position(ofThread threadId: RowID, in mailbox: Mailbox, of orgId: RowID) throws -> Int?
    func unreadThreadCount(in mailbox: Mailbox, of orgId: RowID) throws -> Int
    func unassignedThreadCount(of orgId: RowID) throws -> Int
    func sitterCount(of orgId: RowID) throws -> Int
    func sitterMailboxes(of orgId: RowID, page: Page, now: Date) throws -> [SitterMailbox]
    func sitter(_ id: RowID) throws -> Sitter?
    func thread(_ id: RowID) throws -> MessageThread?
    func sitters(of orgId: RowID) throws -> [Sitter]
    func tierRows(of orgId: RowID, page: Page) throws -> [TierRow]
    func messageCount(inThread threadId: RowID) throws -> Int
    func firstMessages(inThread threadId: RowID, limit: Int) throws -> [MessageEvent]
    func messages(inThread threadId: RowID, limit: Int, skippingNewest skip: Int) throws -> [MessageEvent]
    func media(ofMessages messageIds: [RowID]) throws -> [RowID: [MediaItem]]
    func outboxNotes(ofMessages messageIds: [RowID]) throws -> [RowID: OutboxNote]
    func messageCount(inThread threadId: RowID, newerThan messageId: RowID) throws -> Int?
    func newestMessageId() throws -> RowID?
    func inboundMessageCount(after id: RowID) throws -> Int
    func webhookCounts() throws -> WebhookCounts
    func unroutedMessages(limit: Int, offset: Int) throws -> [UnroutedMessage]
    func pendingOffers(ofSitter sitterId: RowID, now: Date, limit: Int) throws -> [PendingOffer]
    func openBookings(of orgId: RowID, limit: Int) throws -> [OpenBooking]
    func sitterMailbox(_ sitterId: RowID, now: Date) throws -> SitterMailbox?
    func tierRow(ofSitter sitterId: RowID) throws -> TierRow?
    /// A sitter by id, whole name or a part that names only her; a sentence listing the
    /// sitters otherwise.
    func sitter(named text: String) throws -> Sitter
    /// Whether a thread is in `mailbox` by the mailbox rule.
    func isThread(_ threadId: RowID, in mailbox: Mailbox) throws -> Bool
    func listenerState(now: Date) throws -> ListenerState
    func receipts(_ filter: ReceiptFilter) throws -> [ReceiptSummary]
    func receiptCount(verdict: WebhookVerdict?, upTo cap: Int) throws -> Int
    func receipt(id: RowID) throws -> ReceiptDetail?
    func receiptPosition(of id: RowID, verdict: WebhookVerdict?) throws -> Int?
}

extension StoreReading {
    public func threadCount(in mailbox: Mailbox, of orgId: RowID) throws -> Int {
        try threadCount(in: mailbox, of: orgId, matching: nil)
    }

    public func threads(in mailbox: Mailbox, of orgId: RowID, page: Page) throws -> [ThreadSummary] {
        try threads(in: mailbox, of: orgId, matching: nil, page: page)
    }

    public func unroutedMessages(limit: Int) throws -> [UnroutedMessage] { try unroutedMessages(limit: limit, offset: 0) }
}

extension StoreReads: StoreReading {}
