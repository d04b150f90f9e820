import Foundation
import SwitchboardCore
import SwitchboardStore

/// What the console asks for to draw one screen: which mailbox, which thread to keep
/// selected, and how many rows of each list are visible. Only those rows are read, so the
/// cost of a screen does not grow with the database.
public struct ConsoleViewQuery: Equatable, Sendable {
    /// Which thread the selection stays on: the same thread (by id) when others arrive, or a
    /// position when the operator moves through the list.
    public enum Anchor: Equatable, Sendable {
        case thread(RowID, fallbackIndex: Int)
        case index(Int)
        /// The next thread after this one (or the newest) that is unread or unassigned.
        case next(after: RowID?, ThreadFilter, fallbackIndex: Int)
    }

    /// Whose screen it is: a sitter's reads her mailbox, offers and tier, nothing else.
    public var viewer: Viewer
    /// The org the screen shows; nil (or an org that no longer exists) for the first one.
    public var orgId: RowID?
    public var mailbox: Mailbox
    /// Text to filter the mailbox's threads by (name, phone or message body).
    public var search: String?
    public var anchor: Anchor
    /// The first visible row of the thread list before this read.
    public var offset: Int
    public var threadRows: Int
    public var messageCount: Int
    /// The sitters pane's page: its first row and how many rows it shows.
    public var sitterOffset: Int
    public var sitterRows: Int
    /// When set, the thread list shows the mailbox of the sitter at this position of the
    /// sitters pane (the operator moved the cursor onto a row not read yet).
    public var sitterAtCursor: Int?
    /// The assign picker is open: read every sitter it can choose from.
    public var includeAssignableSitters: Bool
    /// How far the message view is scrolled back: the newest messages it leaves out, or
    /// ``ConsoleViewQuery/oldestMessages`` for the start of the thread.
    public var messageSkip: Int
    /// While scrolled back: the newest message on screen, which stays the newest on screen
    /// when more arrive (the skip grows by the arrivals). Nil at the newest message.
    public var messageAnchorId: RowID?
    /// The tier table's page: its first sitter and how many it shows (0: the table is closed).
    public var tierOffset: Int
    public var tierRows: Int
    public var unroutedRows: Int
    /// The unrouted view's first row (0: the newest).
    public var unroutedOffset = 0
    public var openBookingRows: Int
    /// The receipts view's page, while it is open.
    public var receipts: ReceiptsQuery?
    /// The answer picker is open: read this sitter's pending offers.
    public var pendingOffersOfSitter: RowID?
    /// While paused: count the texts stored after this message.
    public var inboundAfterMessageId: RowID?

    public init(
        viewer: Viewer = .owner, orgId: RowID? = nil, mailbox: Mailbox, search: String? = nil, anchor: Anchor = .index(0), offset: Int = 0, threadRows: Int,
        messageCount: Int, messageSkip: Int = 0, messageAnchorId: RowID? = nil, sitterOffset: Int = 0,
        sitterRows: Int = 50, sitterAtCursor: Int? = nil, includeAssignableSitters: Bool = false, tierOffset: Int = 0, tierRows: Int = 0,
        unroutedRows: Int = 0, openBookingRows: Int = 0, pendingOffersOfSitter: RowID? = nil, inboundAfterMessageId: RowID? = nil
    ) {
        self.viewer = viewer
        self.pendingOffersOfSitter = pendingOffersOfSitter
        self.inboundAfterMessageId = inboundAfterMessageId
        self.orgId = orgId
        self.mailbox = mailbox
        self.search = search
        self.anchor = anchor
        self.offset = offset
        self.threadRows = threadRows
        self.messageCount = messageCount
        self.messageSkip = messageSkip
        self.messageAnchorId = messageAnchorId
        self.sitterOffset = sitterOffset
        self.sitterRows = sitterRows
        self.sitterAtCursor = sitterAtCursor
        self.includeAssignableSitters = includeAssignableSitters
        self.tierOffset = tierOffset
        self.tierRows = tierRows
        self.unroutedRows = unroutedRows
        self.openBookingRows = openBookingRows
    }

    /// A `messageSkip` that asks for the first messages of the thread.
    public static let oldestMessages = Int.max
}

/// Everything one console screen shows, read in one transaction.
public struct ConsoleViewData: Equatable, Sendable {
    /// Every org of the database, by id, so the operator can switch between them.
    public var orgs: [Org] = []
    /// The org this screen shows, and its name.
    public var orgId: RowID?
    public var orgName: String = ""
    /// The org's time zone: booking times on screen are in it.
    public var timeZone: TimeZone = .current
    public var ownerThreadCount = 0
    public var ownerUnread = 0
    public var ownerUnassigned = 0
    /// The sitters pane's visible rows, from position `sitterOffset` of `sitterCount`.
    public var sitters: [SitterMailbox] = []
    public var sitterOffset = 0
    public var sitterCount = 0
    /// The mailbox the thread list shows, and its sitter's name when it is a sitter's.
    public var mailbox: Mailbox = .owner
    public var mailboxSitterName: String?
    /// Every sitter, by name, while the assign picker is open.
    public var assignableSitters: [Sitter] = []
    public var search: String?
    /// Threads in the mailbox (matching the search, when there is one).
    public var threadCount = 0
    /// Absolute position of `threads[0]` in the mailbox's list.
    public var offset = 0
    public var threads: [ThreadSummary] = []
    /// Absolute position of the selected thread, nil when the list is empty.
    public var selectedIndex: Int?
    /// The selected thread's messages on screen, oldest first.
    public var messages: [MessageEvent] = []
    /// The photos and files of the messages on screen (MMS), by message id.
    public var media: [RowID: [MediaItem]] = [:]
    /// Where the messages on screen that wait in the outbox stand (a retry after a failure).
    public var outbox: [RowID: OutboxNote] = [:]
    /// A triage jump (``ConsoleViewQuery/Anchor/next(after:_:fallbackIndex:)``) found no thread.
    public var foundNoNext = false
    /// The newest messages of the thread left out of `messages` (the view is scrolled back).
    public var messageSkip = 0
    /// The thread has messages older than `messages[0]`.
    public var hasOlderMessages = false
    /// `messages` are the thread's first ones, read for a jump to its start.
    public var messagesFromStart = false
    public var webhooks = WebhookCounts.none
    /// Whether a listener serves the database (published by `serve` or an embedded one).
    public var listenerState = ListenerState.down(since: nil)
    /// The tier table's visible rows, from position `tierOffset` of `sitterCount` sitters.
    public var tiers: [TierRow] = []
    public var tierOffset = 0
    public var unrouted: [UnroutedMessage] = []
    /// The unrouted view's first row, of ``WebhookCounts/byVerdict``'s unrouted count.
    public var unroutedOffset = 0
    public var openBookings: [OpenBooking] = []
    /// The pending offers of the sitter the answer picker is about, or (a sitter's console)
    /// her own, shown where the owner inbox would be.
    public var pendingOffers: [PendingOffer] = []
    /// The receipts view's page and opened receipt.
    public var receipts = ReceiptsPage()
    /// The newest message's id, and (while paused) the texts stored after the pause.
    public var newestMessageId: RowID?
    public var inboundSincePause = 0

    public init() {}

    public var selectedThread: ThreadSummary? {
        guard let index = selectedIndex, index >= offset, index - offset < threads.count else { return nil }
        return threads[index - offset]
    }
}

extension ConsoleViewQuery {
    /// Reads one console screen in one read transaction. Every list is limited to its
    /// visible rows; counts use the mailbox indexes. The windowing (which page of the thread
    /// list holds the selection, which messages the view shows) is decided here, in the
    /// console, from the store's intent-named reads.
    public func read(from store: any Store, now: Date) throws -> ConsoleViewData {
        try store.read { reads in try read(from: reads, now: now) }
    }

    func read(from reads: any StoreReading, now: Date) throws -> ConsoleViewData {
        if let sitterId = viewer.sitterId { return try readSitterScreen(from: reads, sitterId: sitterId, now: now) }
        let query = self
        var data = ConsoleViewData()
        data.orgs = try reads.orgs()
        guard let org = data.orgs.first(where: { $0.id == query.orgId }) ?? data.orgs.first, let orgId = org.id else {
            return data
        }
        data.orgId = orgId
        data.orgName = org.name
        data.timeZone = org.zone
        data.mailbox = query.mailbox
        data.search = query.search

        data.ownerUnread = try reads.unreadThreadCount(in: .owner, of: orgId)
        data.ownerThreadCount = try reads.threadCount(in: .owner, of: orgId)
        data.ownerUnassigned = try reads.unassignedThreadCount(of: orgId)
        data.sitterCount = try reads.sitterCount(of: orgId)
        let sitterRows = max(1, query.sitterRows)
        data.sitterOffset = min(max(0, query.sitterOffset), max(0, data.sitterCount - sitterRows))
        data.sitters = try reads.sitterMailboxes(of: orgId, page: Page(offset: data.sitterOffset, limit: sitterRows), now: now)
        if let cursor = query.sitterAtCursor, data.sitters.indices.contains(cursor - data.sitterOffset) {
            data.mailbox = .sitter(data.sitters[cursor - data.sitterOffset].id)
        }
        if case .sitter(let id) = data.mailbox {
            data.mailboxSitterName = try data.sitters.first { $0.id == id }?.name ?? reads.sitter(id)?.name
        }
        if query.includeAssignableSitters {
            data.assignableSitters = try reads.sitters(of: orgId)
        }

        try readThreadList(reads, orgId: orgId, into: &data)

        data.webhooks = try reads.webhookCounts()
        data.newestMessageId = try reads.newestMessageId()
        if let after = query.inboundAfterMessageId { data.inboundSincePause = try reads.inboundMessageCount(after: after) }
        data.listenerState = try reads.listenerState(now: now)
        if query.tierRows > 0 {
            data.tierOffset = min(max(0, query.tierOffset), max(0, data.sitterCount - query.tierRows))
            data.tiers = try reads.tierRows(of: orgId, page: Page(offset: data.tierOffset, limit: query.tierRows))
        }
        if query.unroutedRows > 0 {
            let total = data.webhooks.byVerdict[.unrouted] ?? 0
            data.unroutedOffset = min(max(0, query.unroutedOffset), max(0, total - query.unroutedRows))
            data.unrouted = try reads.unroutedMessages(limit: query.unroutedRows, offset: data.unroutedOffset)
        }
        if let sitterId = query.pendingOffersOfSitter {
            data.pendingOffers = try reads.pendingOffers(ofSitter: sitterId, now: now, limit: 50)
        }
        if query.openBookingRows > 0 {
            data.openBookings = try reads.openBookings(of: orgId, limit: query.openBookingRows)
        }
        if let receipts = query.receipts {
            data.receipts = try receipts.read(from: reads)
        }
        return data
    }

    /// A sitter's own screen: her org, her row of the sitters pane, her mailbox's threads,
    /// her pending offers and her tier. Every read names her; nothing of the owner inbox,
    /// other sitters, unrouted texts or the business's webhook counts is read.
    private func readSitterScreen(from reads: any StoreReading, sitterId: RowID, now: Date) throws -> ConsoleViewData {
        var data = ConsoleViewData()
        guard let sitter = try reads.sitter(sitterId) else { return data }
        data.orgs = try reads.orgs().filter { $0.id == sitter.orgId }
        data.orgId = sitter.orgId
        data.orgName = data.orgs.first?.name ?? ""
        data.timeZone = data.orgs.first?.zone ?? .current
        data.mailbox = .sitter(sitterId)
        data.mailboxSitterName = sitter.name
        data.search = search
        data.sitters = try reads.sitterMailbox(sitterId, now: now).map { [$0] } ?? []
        data.sitterCount = data.sitters.count
        try readThreadList(reads, orgId: sitter.orgId, into: &data)
        data.listenerState = try reads.listenerState(now: now)
        data.newestMessageId = try reads.newestMessageId()
        data.pendingOffers = try reads.pendingOffers(ofSitter: sitterId, now: now, limit: 50)
        if tierRows > 0 {
            data.tiers = try reads.tierRow(ofSitter: sitterId).map { [$0] } ?? []
        }
        return data
    }

    /// The page of `data.mailbox`'s thread list that holds the selection, and the selected
    /// thread's messages.
    private func readThreadList(_ reads: any StoreReading, orgId: RowID, into data: inout ConsoleViewData) throws {
        let rows = max(1, threadRows)
        let search = self.search.flatMap { $0.isEmpty ? nil : $0 }
        data.threadCount = try reads.threadCount(in: data.mailbox, of: orgId, matching: search)
        if data.threadCount > 0 {
            var position: Int
            switch anchor {
            case .index(let index):
                position = index
            case .next(let after, let filter, let fallback):
                let next = try reads.nextThread(in: data.mailbox, of: orgId, after: after, matching: filter)
                data.foundNoNext = next == nil
                position = try next.flatMap { try reads.position(ofThread: $0, in: data.mailbox, of: orgId) } ?? fallback
            case .thread(let id, let fallback):
                position =
                    search == nil
                    ? try reads.position(ofThread: id, in: data.mailbox, of: orgId) ?? fallback
                    : fallback
            }
            position = min(max(0, position), data.threadCount - 1)
            var offset = min(max(0, self.offset), max(0, data.threadCount - rows))
            if position < offset { offset = position }
            if position >= offset + rows { offset = position - rows + 1 }
            data.offset = offset
            data.selectedIndex = position
            data.threads = try reads.threads(in: data.mailbox, of: orgId, matching: search, page: Page(offset: offset, limit: rows))
            // A search anchored on a thread keeps it selected when it is still on the page.
            if case .thread(let id, _) = anchor, search != nil,
                let found = data.threads.firstIndex(where: { $0.id == id })
            {
                data.selectedIndex = offset + found
            }
            if let thread = data.selectedThread, messageCount > 0 {
                try readMessages(reads, threadId: thread.id, into: &data)
            }
        }
    }

    /// The page of the selected thread's messages the view shows: the newest, a page further
    /// back, or the first ones. A skip past the start shows the oldest message.
    private func readMessages(_ reads: any StoreReading, threadId: RowID, into data: inout ConsoleViewData) throws {
        let limit = messageCount
        if messageSkip == ConsoleViewQuery.oldestMessages {
            let total = try reads.messageCount(inThread: threadId)
            data.messages = try reads.firstMessages(inThread: threadId, limit: limit)
            data.media = try reads.media(ofMessages: data.messages.compactMap(\.id))
            data.outbox = try reads.outboxNotes(ofMessages: data.messages.compactMap(\.id))
            data.messageSkip = total - data.messages.count
            data.hasOlderMessages = false
            data.messagesFromStart = true
            return
        }
        var skip = max(0, messageSkip)
        if let anchor = messageAnchorId, let newer = try reads.messageCount(inThread: threadId, newerThan: anchor) {
            skip = newer
        }
        var page = try reads.messages(inThread: threadId, limit: limit + 1, skippingNewest: skip)
        if page.isEmpty, skip > 0 {
            skip = max(0, try reads.messageCount(inThread: threadId) - 1)
            page = try reads.messages(inThread: threadId, limit: limit + 1, skippingNewest: skip)
        }
        data.hasOlderMessages = page.count > limit
        data.messages = Array(page.suffix(limit))
        data.media = try reads.media(ofMessages: data.messages.compactMap(\.id))
        data.outbox = try reads.outboxNotes(ofMessages: data.messages.compactMap(\.id))
        data.messageSkip = skip
    }
}
