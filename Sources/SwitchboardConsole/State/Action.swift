import Foundation
import SwitchboardCore
import SwitchboardStore

/// Everything that can change the console's state: what keys mean, and what the outside
/// world reports (a screen read from the database, an operator action's answer).
public enum Action: Equatable, Sendable {
    // Moving
    case moveDown, moveUp, moveToTop, moveToBottom, pageDown, pageUp
    case nextPane, previousPane
    case open
    /// The mouse: a click focuses the pane under it and selects the row; the wheel scrolls
    /// the pane under it by `lines` (negative: up).
    case click(x: Int, y: Int)
    case scroll(x: Int, y: Int, lines: Int)
    // Views
    case toggleHelp, toggleTiers, toggleUnrouted, togglePause
    /// The receipts view (`w`); in it, `v` shows the next verdict. In the Unrouted view, `r`
    /// routes the selected text.
    case toggleReceipts, cycleReceiptVerdict, routeSelected
    /// Show the next org of the database (after the last, the first again).
    case nextOrg
    case cancel
    case quit
    // Operator actions
    case startSearch, startReply, startAssign, startOffer
    /// `:` opens the command line; `Tab` in it completes the word being typed.
    case startCommand, complete
    case simulateAnswer(accept: Bool)
    /// `y` on a confirmation question: do what it names.
    case confirm
    /// `z`: takes back the last assign or mark-read, within ``ConsoleState/undoWindow``.
    case undo
    /// `U`: marks the thread in view unread.
    case markUnread
    /// `R`: compose a reply to the thread in view in `$EDITOR`.
    case composeInEditor
    /// The editor closed: the text written (nil when it could not run).
    case editorFinished(threadId: RowID, text: String?)
    /// `Space`: tags (or untags) the selected thread and moves to the next one.
    case toggleTag
    /// `m`: marks the tagged threads read (the selected one when none is tagged).
    case markRead
    /// `]` / `}`: the next unread / unassigned thread of the mailbox.
    case nextThread(ThreadFilter)
    /// The runner's clock, before an action that measures time (undo).
    case tick(Date)
    // Typing in a prompt
    case type(Character), deleteBackward, submit
    /// Moving and deleting in a prompt's line, and its history.
    case edit(LineEdit)
    // From outside
    case resized(Size)
    case loaded(ConsoleViewData, at: Date)
    case databaseChanged
    case operatorFinished(Notice)
}

/// Line editing in prompts, as readline does it.
public enum LineEdit: Equatable, Sendable {
    /// ←/→, Ctrl-A (start), Ctrl-E (end)
    case left, right, home, end
    /// Ctrl-U: delete to the start; Ctrl-W: delete the word before the cursor.
    case deleteToStart, deleteWord
    /// ↑/↓: earlier and later lines typed in this kind of prompt.
    case historyBack, historyForward
}

/// What the console asks its runner to do after a state change. The reducer stays pure:
/// reading the database, writing, and talking to the listener happen in the runner.
public enum Effect: Equatable, Sendable {
    /// Read the screen's data again (``ConsoleState/viewQuery``).
    case reload
    case markRead(threadId: RowID)
    /// Marks a thread unread with at least `count` unread messages.
    case markUnread(threadId: RowID, count: Int)
    case reply(threadId: RowID, body: String)
    case assign(threadId: RowID, sitterId: RowID?)
    case offer(bookingId: RowID, sitterId: RowID)
    /// Suspends the screen and runs `$EDITOR` on the draft; done on the console's thread.
    case editInEditor(threadId: RowID, draft: String)
    /// Texts YES or NO as the sitter, naming the booking when `code` is set (`YES B1042`).
    case simulateAnswer(sitterId: RowID, accept: Bool, code: String?)
    /// Route an unrouted text now that its number is ours.
    case routeUnrouted(receiptId: RowID)
    /// A record command typed on the `:` line (`sitter add "Ana Ruiz" --phone +1…`), run on
    /// the org on screen.
    case recordCommand(line: String, orgId: RowID)
    case quit
}

/// A one-line message on the notice line: an action's result, an answer, an error.
public struct Notice: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case info, success, error }
    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}
