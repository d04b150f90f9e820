import Foundation
import SwitchboardCore
import SwitchboardStore

/// The console's panes, in `Tab` order.
public enum Pane: Int, CaseIterable, Sendable {
    case owner, sitters, threads, messages

    public var title: String {
        switch self {
        case .owner: "Owner inbox"
        case .sitters: "Sitters"
        case .threads: "Threads"
        case .messages: "Messages"
        }
    }
}

/// A full view drawn over the panes.
public enum Overlay: Equatable, Sendable {
    case help(Pane)
    case tiers
    case unrouted
    /// Every webhook received, newest first (`w`): see ``WebhookViews``.
    case receipts
    case picker(Picker)
}

/// A list to choose from: a sitter to assign a thread to, a booking to offer.
public struct Picker: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case assign(threadId: RowID)
        /// The tagged threads, assigned together.
        case assignTagged
        case offer(sitter: SitterRef)
        /// Which pending offer a simulated YES or NO answers.
        case answer(sitter: SitterRef, accept: Bool)
    }

    public struct Option: Equatable, Sendable {
        /// The sitter or booking chosen; nil means "the owner inbox" (unassign).
        public var id: RowID?
        public var label: String
        /// The booking's code, when the option is a booking.
        public var code: String? = nil
        /// What a confirmation question says of the booking: `B1042 (Dog walk, Nov 27 09:00)`.
        public var summary: String? = nil
    }

    public var purpose: Purpose
    public var title: String
    public var options: [Option]
    public var cursor: Int
    /// Set once a read has filled the options.
    public var filled = false
}

/// A sitter an action is about, named on screen before it happens.
public struct SitterRef: Equatable, Sendable {
    public var id: RowID
    public var name: String

    public init(id: RowID, name: String) {
        self.id = id
        self.name = name
    }
}

/// A thread tagged for a batch action.
public struct TaggedThread: Equatable, Sendable {
    public var name: String
    public var isClientThread: Bool
    public var assignedSitterId: RowID?
    public var unread: Int
}

/// What `z` takes back: the effect that reverses an action, while it is recent.
public struct Undo: Equatable, Sendable {
    /// `assigning Zoë to Maya`
    public var what: String
    public var revert: [Effect]
    public var madeAt: Date
}

/// A question on the notice line before an action that texts someone: `y` does what it
/// names (`YES as Diego for B1041? y/n`), `n` or `Esc` does nothing.
public struct Confirmation: Equatable, Sendable {
    public var question: String
    public var effect: Effect
    /// What the notice line says once confirmed.
    public var progress: String

    public init(question: String, effect: Effect, progress: String) {
        self.question = question
        self.effect = effect
        self.progress = progress
    }
}

/// A line being typed at the bottom of the screen.
public enum Prompt: Equatable, Sendable {
    case search(String)
    case reply(threadId: RowID, to: String, text: String)
    /// The `:` command line (see ``Command``).
    case command(String)
    /// `/` in the sitters pane: the cursor goes to the first sitter matching as you type.
    case sitterSearch(String)

    var text: String {
        switch self {
        case .search(let text), .reply(_, _, let text), .command(let text), .sitterSearch(let text): text
        }
    }

    /// The history this prompt shares with others of its kind.
    var historyKey: String {
        switch self {
        case .search: "search"
        case .reply: "reply"
        case .command: "command"
        case .sitterSearch: "sitter"
        }
    }
}

/// What the status bar says about the listener; fixed for a run.
public struct ListenerInfo: Equatable, Sendable {
    /// `http://127.0.0.1:8080`, or nil when the console runs without a listener.
    public var address: String?
    /// Shown in demo mode, so the operator can sign webhooks by hand.
    public var demoToken: String?

    public init(address: String? = nil, demoToken: String? = nil) {
        self.address = address
        self.demoToken = demoToken
    }
}

/// Everything the console shows, as plain values. Keys and database reads become
/// ``Action``s; ``reduce(_:)`` changes the state; ``render(_:size:)`` draws it.
public struct ConsoleState: Equatable, Sendable {
    public var size: Size
    public var listener: ListenerInfo
    /// The owner's console, or one sitter's: fixed for a run.
    public let viewer: Viewer
    /// The operator's own keys, applied before the key map.
    public let keys: KeyRemap
    public var focus: Pane = .owner
    /// The org the console shows: nil until the first read picks the first org; `O` moves
    /// to the next one. Every read of the screen is of this org.
    public var orgId: RowID?
    /// The mailbox whose threads the thread list shows.
    public var mailbox: Mailbox = .owner
    /// Which sitter the sitters pane points at: a position in the list of every sitter.
    public var sitterCursor = 0
    /// The sitters pane's first visible position; only its visible rows are read.
    public var sitterScroll = 0
    /// The tier table's first visible sitter.
    public var tierScroll = 0
    /// The unrouted view's first visible text (0: the newest).
    public var unroutedScroll = 0
    /// The cursor moved onto a sitter not read yet: the next read shows that sitter's mailbox.
    var mailboxFollowsSitterCursor = false
    /// The applied search of the thread list.
    public var search: String?
    /// The selection stays on this thread when others arrive.
    public var selectedThreadId: RowID?
    /// The selection's position in the mailbox's list.
    public var selectedIndex = 0
    public var threadOffset = 0
    /// How far the message view is scrolled back: the newest messages it leaves out.
    public var messageSkip = 0
    /// The message view scrolls by line: how many lines of the newest message on screen
    /// (the last one read) are below the view. Always less than that message's lines.
    public var messageLineSkip = 0
    /// After moving down past the newest message read: that message, and how many lines
    /// below its end the view's bottom goes once the newer ones are read.
    var revealBelow: RevealBelow?

    struct RevealBelow: Equatable, Sendable {
        var messageId: RowID
        var lines: Int
    }
    /// Set when the operator moved by position: the next read selects by index, not by id.
    var anchorByIndex = false
    public var data = ConsoleViewData()
    public var overlay: Overlay?
    /// The receipts and Unrouted views' filter and selection.
    public var webhookViews = WebhookViews()
    public var prompt: Prompt?
    /// Where the cursor is in the prompt's text, in characters from its start.
    public var promptCursor = 0
    /// Lines entered before, per kind of prompt (`search`, `reply`, `command`), newest last.
    public var promptHistory: [String: [String]] = [:]
    /// While going through the history: how far back (0: the line being typed).
    var historyPosition = 0
    /// What a search prompt started from, put back by Esc: the search applied before, the
    /// sitters cursor before.
    var searchBefore: String?
    var sitterCursorBefore = 0
    /// Threads tagged with Space, to assign or mark read together: what is needed of each,
    /// kept from when it was tagged (it may be on another page by then).
    public var tagged: [RowID: TaggedThread] = [:]
    /// Replies left with Esc, by thread: `r` on the thread brings the draft back.
    public var drafts: [RowID: String] = [:]
    /// A question waiting for `y` or `n` before an action happens.
    public var confirmation: Confirmation?
    /// The last assign or mark-read, which `z` takes back within ``undoWindow``.
    public var undo: Undo?
    /// How long an action can be taken back.
    public static let undoWindow: TimeInterval = 10
    /// A triage jump asked for: the next read selects that thread.
    var pendingJump: ThreadFilter?
    public var paused = false
    /// Texts that arrived while paused, not shown yet (counted from ``pausedAfterMessageId``).
    public var pendingChanges = 0
    /// The newest message when the console was paused.
    var pausedAfterMessageId: RowID?
    public var notice: Notice?
    /// Threads with a message that arrived while the console was open and not opened yet.
    public var newArrivals: Set<RowID> = []
    /// The last activity seen per thread, to tell an arrival from a redraw.
    var lastSeenActivity: [RowID: Date] = [:]
    public var startedAt: Date
    /// When the shown data was read: ages ("3m") are measured from it, so render is pure.
    public var now: Date
    public var isRunning = true

    public init(
        size: Size, listener: ListenerInfo = ListenerInfo(), viewer: Viewer = .owner, keys: KeyRemap = KeyRemap(), startedAt: Date
    ) {
        self.size = size
        self.listener = listener
        self.viewer = viewer
        self.keys = keys
        if let sitterId = viewer.sitterId {
            mailbox = .sitter(sitterId)
            focus = .threads
        }
        self.startedAt = startedAt
        self.now = startedAt
        notice = Self.welcome
    }

    static let welcome = Notice(.info, "Tab moves between panes, Enter opens, ? lists the keys of the pane you are in.")

    /// What the terminal's title counts, and the bell rings for when it grows: the threads
    /// with unread texts in the mailbox this console is for (the owner inbox, or a sitter's
    /// own mailbox).
    public var unreadForTitle: Int {
        viewer.sitterId == nil ? data.ownerUnread : (data.sitters.first?.unread ?? 0)
    }

    /// The bell's rule: it rings when more threads are unread than at the last frame, never
    /// for the first frame (what was waiting before the console opened).
    public struct BellRule: Sendable {
        var last: Int?
        public init() {}

        public mutating func shouldRing(unread: Int) -> Bool {
            defer { last = unread }
            guard let last else { return false }
            return unread > last
        }
    }

    /// The terminal's title: `Switchboard (3)` while texts wait, else `Switchboard`; a
    /// sitter's console names her.
    public var terminalTitle: String {
        let name = if case .sitter(_, let name) = viewer { "Switchboard · \(Sanitizer.clean(name))" } else { "Switchboard" }
        return unreadForTitle > 0 ? "\(name) (\(unreadForTitle))" : name
    }

    var isPickerOpen: Bool { if case .picker = overlay { true } else { false } }

    public var layout: ConsoleLayout? { ConsoleLayout(size: size) }
    public var isTooSmall: Bool { layout == nil }

    public var selectedThread: ThreadSummary? {
        guard let id = selectedThreadId else { return nil }
        return data.threads.first { $0.id == id }
    }

    /// The sitter on screen that `y`, `n` and `o` act on: the highlighted sitter while the
    /// sitters pane has the focus, otherwise the sitter of the thread in view, otherwise the
    /// sitter whose mailbox is shown. Never a cursor the operator cannot see.
    public var sitterInView: SitterRef? {
        if focus == .sitters, let sitter = cursorSitter { return SitterRef(id: sitter.id, name: sitter.name) }
        if let thread = selectedThread, let id = thread.thread.assignedSitterId {
            return SitterRef(id: id, name: thread.sitterName ?? "sitter \(id)")
        }
        if case .sitter(let id) = mailbox, let name = data.mailboxSitterName { return SitterRef(id: id, name: name) }
        return nil
    }

    public var cursorSitter: SitterMailbox? {
        let row = sitterCursor - data.sitterOffset
        return data.sitters.indices.contains(row) ? data.sitters[row] : nil
    }

    /// While scrolled back and not moved since the last read, the newest message on screen:
    /// the next read keeps it there when more arrive. After a move the new skip applies.
    var messageAnchor: RowID? {
        (messageSkip > 0 || messageLineSkip > 0) && messageSkip == data.messageSkip ? data.messages.last?.id : nil
    }

    /// The read that fills the current screen: only what is visible.
    public var viewQuery: ConsoleViewQuery {
        let layout = self.layout
        let anchor: ConsoleViewQuery.Anchor =
            if let filter = pendingJump {
                .next(after: selectedThreadId, filter, fallbackIndex: selectedIndex)
            } else if let id = selectedThreadId, !anchorByIndex || paused {
                // Paused, the list on screen stays as it was: a move selects a thread by id.
                .thread(id, fallbackIndex: selectedIndex)
            } else {
                .index(selectedIndex)
            }
        var unroutedRows = 0
        var bookingRows = 0
        var tierRows = 0
        var assignableSitters = false
        var offersOfSitter: RowID?
        switch overlay {
        case .tiers: tierRows = layout?.tierRows ?? 1
        case .unrouted: unroutedRows = max(1, (layout?.body.height ?? 3) - 3)
        case .picker(let picker):
            switch picker.purpose {
            case .offer: bookingRows = max(1, (layout?.body.height ?? 3) - 6)
            case .assign, .assignTagged: assignableSitters = true
            case .answer(let sitter, _): offersOfSitter = sitter.id
            }
        case .help, .receipts, nil: break
        }
        // The command line completes sitter names and booking codes: read them while it is open.
        switch prompt {
        case .command, .sitterSearch: assignableSitters = true
        default: break
        }
        if case .command = prompt {
            assignableSitters = true
            bookingRows = max(bookingRows, 50)
        }
        var query = ConsoleViewQuery(
            viewer: viewer, orgId: orgId, mailbox: mailbox, search: search, anchor: anchor, offset: threadOffset,
            threadRows: layout?.threadRows ?? 1, messageCount: layout?.messages.inner.height ?? 1,
            messageSkip: messageSkip, messageAnchorId: messageAnchor,
            sitterOffset: sitterScroll, sitterRows: layout?.sitterRows ?? 1,
            sitterAtCursor: mailboxFollowsSitterCursor ? sitterCursor : nil,
            includeAssignableSitters: assignableSitters, tierOffset: tierScroll, tierRows: tierRows,
            unroutedRows: unroutedRows, openBookingRows: bookingRows, pendingOffersOfSitter: offersOfSitter,
            inboundAfterMessageId: paused ? pausedAfterMessageId ?? 0 : nil)
        query.unroutedOffset = unroutedScroll
        query.receipts = receiptsQuery
        return query
    }
}

extension Prompt {
    /// A search, which applies as it is typed.
    var isSearch: Bool {
        switch self {
        case .search, .sitterSearch: true
        case .reply, .command: false
        }
    }
}
