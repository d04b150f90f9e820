import Foundation
import SwitchboardCore
import SwitchboardStore

/// Triage: assigning and marking read (one thread or the tagged ones), and `z` taking the
/// last of them back.
extension ConsoleState {
    /// Assigns a thread, remembering its assignee before so that `z` can take it back.
    mutating func assign(threadId: RowID, to sitterId: RowID?, named name: String) -> [Effect] {
        let thread = data.threads.first { $0.id == threadId }
        let who = thread?.counterpartName ?? "the thread"
        if let thread {
            undo = Undo(
                what: "assigning \(who) to \(name)", revert: [.assign(threadId: threadId, sitterId: thread.thread.assignedSitterId)],
                madeAt: now)
        }
        notice = Notice(.info, "Assigning \(who) to \(name)… (z undoes)")
        return [.assign(threadId: threadId, sitterId: sitterId)]
    }

    /// Assigns every tagged client thread; `z` puts each back where it was.
    mutating func assignTagged(to sitterId: RowID?, named name: String) -> [Effect] {
        let threads = tagged.filter(\.value.isClientThread).sorted { $0.key < $1.key }
        tagged = [:]
        undo = Undo(
            what: "assigning \(threads.count) threads to \(name)",
            revert: threads.map { .assign(threadId: $0.key, sitterId: $0.value.assignedSitterId) }, madeAt: now)
        notice = Notice(.info, "Assigning \(threads.count) thread\(threads.count == 1 ? "" : "s") to \(name)… (z undoes)")
        return threads.map { .assign(threadId: $0.key, sitterId: sitterId) }
    }

    /// `m`: the tagged threads (or the selected one) marked read; `z` marks them unread again.
    mutating func markTaggedRead() -> [Effect] {
        guard overlay == nil else { return [] }
        var threads = tagged.sorted { $0.key < $1.key }.map { ($0.key, $0.value.unread) }
        if threads.isEmpty, let thread = selectedThread { threads = [(thread.id, thread.thread.unread)] }
        let unread = threads.filter { $0.1 > 0 }
        tagged = [:]
        guard !unread.isEmpty else {
            notice = Notice(.info, "Nothing unread to mark read.")
            return []
        }
        undo = Undo(
            what: "marking \(unread.count) thread\(unread.count == 1 ? "" : "s") read",
            revert: unread.map { .markUnread(threadId: $0.0, count: $0.1) }, madeAt: now)
        notice = Notice(.info, "Marked \(unread.count) thread\(unread.count == 1 ? "" : "s") read. (z undoes)")
        return unread.map { .markRead(threadId: $0.0) }
    }

    mutating func undoLast() -> [Effect] {
        guard let last = undo else {
            notice = Notice(.info, "Nothing to undo: z takes back an assign or a mark-read.")
            return []
        }
        undo = nil
        guard now.timeIntervalSince(last.madeAt) <= Self.undoWindow else {
            notice = Notice(.info, "Too late to undo \(last.what): z works for \(Int(Self.undoWindow)) seconds.")
            return []
        }
        notice = Notice(.info, "Undoing \(last.what)…")
        return last.revert
    }
}
