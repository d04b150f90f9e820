/// The help overlay's text: what each key does in a pane, then the keys that work anywhere.
enum Help {
    static func keys(for pane: Pane) -> [(String, String)] {
        switch pane {
        case .owner:
            [
                ("Enter", "show the owner inbox's threads"),
                ("", "The inbox holds unassigned client threads (⚑), sitter chats and internal notes."),
            ]
        case .sitters:
            [
                ("j/k ↑/↓", "choose a sitter: the thread list shows their mailbox"),
                ("g/G", "first / last sitter"),
                ("/", "find a sitter as you type (a word of the name is enough; ↑/↓ other matches)"),
                ("Enter", "go to the sitter's threads"),
                ("y / n", "text YES / NO as this sitter (a real signed webhook); asks first, and with several pending offers lets you pick one"),
                ("o", "offer an open booking to this sitter (asks first)"),
                ("", "● threads with unread messages   ◆ pending offers"),
            ]
        case .threads:
            [
                ("j/k ↑/↓", "choose a thread (PgUp/PgDn: a page)"),
                ("g/G", "newest / oldest thread"),
                ("Enter", "read the thread and mark it read"),
                ("r", "reply to the client or sitter by SMS (Esc keeps a draft)"),
                ("R", "compose the reply in $EDITOR; it is sent after a question"),
                ("a", "assign the thread to a sitter, or back to the owner"),
                ("y / n / o", "answer or offer as the thread's sitter (named before it happens)"),
                ("/", "search this mailbox as you type (name, phone, message text; ↑/↓ move); Esc puts it back"),
                ("] / }", "next unread / next unassigned thread of the mailbox"),
                ("U", "mark the thread unread"),
                ("Space", "tag the thread (✓) and go on; a assigns the tagged ones, m marks them read, Esc untags"),
                ("m", "mark the tagged threads (or this one) read"),
                ("z", "undo the last assign or mark-read (for 10 seconds)"),
                ("", "● unread   NEW arrived while you watched   ⚑ unassigned"),
            ]
        case .messages:
            [
                ("k/j ↑/↓", "a line up / down (PgUp/PgDn: a page); the header of a message cut at the top stays above it"),
                ("g/G", "the thread's first line / its newest"),
                ("Shift-Tab", "back to the thread list, to choose another thread"),
                ("r", "reply to this thread by SMS"),
                ("a", "assign this thread"),
                ("", "◀ received   ▶ sent, with its delivery status"),
            ]
        }
    }

    static let everywhere: [(String, String)] = [
        ("Tab / Shift-Tab", "next / previous pane (also l/h, →/←)"),
        (":", "command line, Tab completes: :assign SITTER, :offer CODE SITTER, :reply TEXT, :sitter SITTER, :org ORG, :unrouted, :tiers, :q"),
        ("t", "tier metrics of every sitter"),
        ("u", "unrouted texts (to numbers not ours); r routes one"),
        ("w", "webhooks received: v by verdict, Enter opens one"),
        ("p", "pause / resume live updates"),
        ("O", "next org (when the database holds several)"),
        ("Esc", "close, cancel, clear the search"),
        ("?", "this help"),
        ("q", "quit"),
    ]

    /// A sitter's console: the same panes, her offers where the owner inbox is, and none of
    /// the owner's keys.
    static func keys(for pane: Pane, viewer: Viewer) -> [(String, String)] {
        guard viewer.sitterId != nil else { return keys(for: pane) }
        switch pane {
        case .owner:
            return [
                ("y / n", "answer your offer: YES or NO texted as your phone would"),
                ("", "Your offers: the bookings offered to you, and until when you can answer."),
            ]
        case .sitters:
            return [("", "Your row: ● threads with unread messages   ◆ pending offers"), ("t", "your tier figures")]
        case .threads, .messages:
            return keys(for: pane).filter { $0.0 != "a" }
        }
    }

    static func everywhere(for viewer: Viewer) -> [(String, String)] {
        guard viewer.sitterId != nil else { return everywhere }
        return everywhere.filter { !["u", "O"].contains($0.0) }.map { $0.0 == "t" ? ("t", "your tier figures") : $0 }
    }
}
