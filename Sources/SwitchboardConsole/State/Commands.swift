import Foundation
import SwitchboardCore
import SwitchboardStore

/// The `:` command line (as in k9s and aerc): a table of commands, each with its name, what
/// its arguments complete from, and what it does to the state. Adding a command is adding
/// an entry to ``Command/all``; parsing, completion, help and errors come with it.
///
/// ```
/// :assign Maya            assign the thread in view to Maya Okafor
/// :offer B1042 Maya       offer booking B1042 to Maya (asks first)
/// ```
public struct Command: Sendable {
    /// What an argument is, which is what it completes from.
    public enum Argument: Equatable, Sendable {
        /// A sitter of the org shown, by name (several words).
        case sitter
        /// A code of an open booking (one word).
        case bookingCode
        /// An org of the database, by name.
        case org
        /// Free text, the rest of the line.
        case text
    }

    public var name: String
    public var aliases: [String] = []
    public var arguments: [Argument] = []
    /// One line for the help and the hints: what it does.
    public var summary: String
    /// Runs the command with its arguments (`words`: the first arguments one word each, the
    /// last one the rest of the line). Returns the effects, or sets an error notice.
    public var run: @Sendable (inout ConsoleState, [String]) -> [Effect]

    /// `:offer CODE SITTER`
    public var usage: String {
        ([":" + name] + arguments.map { argument in
            switch argument {
            case .sitter: "SITTER"
            case .bookingCode: "CODE"
            case .org: "ORG"
            case .text: "TEXT"
            }
        }).joined(separator: " ")
    }

    /// Every command, in the order the help lists them.
    public static let all: [Command] = [
        Command(name: "assign", arguments: [.sitter], summary: "assign the thread in view to a sitter (owner: back to the inbox)") {
            state, words in state.commandAssign(words[0])
        },
        Command(name: "offer", arguments: [.bookingCode, .sitter], summary: "offer an open booking to a sitter (asks first)") {
            state, words in state.commandOffer(code: words[0], sitter: words[1])
        },
        Command(name: "reply", aliases: ["r"], arguments: [.text], summary: "text the thread in view") { state, words in
            state.commandReply(words[0])
        },
        Command(name: "sitter", arguments: [.sitter], summary: "show a sitter's mailbox; sitter add|edit|deactivate|activate … as on the command line") {
            state, words in
            let verb = words[0].split(separator: " ").first.map { String($0).lowercased() } ?? ""
            return ["add", "edit", "deactivate", "activate"].contains(verb)
                ? state.commandRecord("sitter " + words[0]) : state.commandShowSitter(words[0])
        },
        Command(name: "client", arguments: [.text], summary: "client add NAME --phone E164, client edit CLIENT …") { state, words in
            state.commandRecord("client " + words[0])
        },
        Command(name: "number", arguments: [.text], summary: "number add|assign|release E164 … (front desk, a sitter's, pool)") {
            state, words in state.commandRecord("number " + words[0])
        },
        Command(name: "booking", arguments: [.text], summary: "booking add CODE --client … --starts … --ends …, booking cancel CODE") {
            state, words in state.commandRecord("booking " + words[0])
        },
        Command(name: "withdraw", arguments: [.text], summary: "withdraw CODE [SITTER]: take back pending offers") { state, words in
            state.commandRecord("withdraw " + words[0])
        },
        Command(name: "org", arguments: [.org], summary: "show another org of the database") { state, words in
            state.commandShowOrg(words[0])
        },
        Command(name: "unrouted", aliases: ["u"], summary: "texts to numbers that are not ours") { state, _ in
            state.overlay = .unrouted
            state.unroutedScroll = 0
            return [.reload]
        },
        Command(name: "tiers", aliases: ["t"], summary: "tier metrics of every sitter") { state, _ in
            state.overlay = .tiers
            state.tierScroll = 0
            return [.reload]
        },
        Command(name: "help", aliases: ["h"], summary: "the keys of the pane you are in") { state, _ in
            state.overlay = .help(state.focus)
            return []
        },
        Command(name: "quit", aliases: ["q"], summary: "quit") { state, _ in
            state.isRunning = false
            return [.quit]
        },
    ]

    /// The command a typed name means: its name, an alias, or a prefix of one name only.
    static func named(_ typed: String) -> Command? {
        let typed = typed.lowercased()
        if let exact = all.first(where: { $0.name == typed || $0.aliases.contains(typed) }) { return exact }
        let prefixed = all.filter { $0.name.hasPrefix(typed) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Splits what follows the command's name into its arguments: one word each, except
    /// the last, which takes the rest of the line (a sitter's full name, a reply).
    func split(_ rest: String) -> [String]? {
        guard !arguments.isEmpty else { return rest.isEmpty ? [] : nil }
        var words: [String] = []
        var remaining = Substring(rest)
        for _ in 0..<(arguments.count - 1) {
            remaining = remaining.drop { $0 == " " }
            guard let end = remaining.firstIndex(of: " ") else { return nil }
            words.append(String(remaining[..<end]))
            remaining = remaining[end...]
        }
        let last = remaining.trimmingCharacters(in: .whitespaces)
        guard !last.isEmpty else { return nil }
        return words + [last]
    }
}

// MARK: - Running commands

extension ConsoleState {
    /// Runs a typed command line (without its `:`).
    mutating func runCommand(_ line: String) -> [Effect] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        let name = String(trimmed.prefix { $0 != " " })
        let rest = String(trimmed.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
        guard let command = Command.named(name) else {
            notice = Notice(.error, "No command :\(name). Commands: " + Command.all.map(\.name).joined(separator: ", ") + ".")
            return []
        }
        if let refusal = viewer.refusal(ofCommand: command.name) {
            notice = Notice(.error, refusal)
            return []
        }
        guard let words = command.split(rest) else {
            notice = Notice(.error, "Usage: \(command.usage) — \(command.summary).")
            return []
        }
        return command.run(&self, words)
    }

    /// A record command of the command line (`sitter add "Ana Ruiz" --phone +1…`), run by
    /// the `switchboard` command on the org on screen; its answer comes back as a notice.
    mutating func commandRecord(_ line: String) -> [Effect] {
        guard let org = orgId ?? data.orgId else {
            notice = Notice(.error, "No org is shown yet.")
            return []
        }
        notice = Notice(.info, "Running \(line.split(separator: " ").prefix(2).joined(separator: " "))…")
        return [.recordCommand(line: line, orgId: org)]
    }

    /// The sitter a typed name means: a whole name, or the only one starting with (or having
    /// a word starting with) it. Nil with an error notice when none or several match.
    mutating func sitterNamed(_ typed: String) -> Sitter? {
        let sitters = data.assignableSitters
        let matches = Completion.matches(typed, in: sitters.map(\.name))
        if let exact = sitters.first(where: { $0.name.lowercased() == typed.lowercased() }) { return exact }
        guard matches.count == 1, let sitter = sitters.first(where: { $0.name == matches[0] }) else {
            notice = Notice(
                .error,
                matches.isEmpty
                    ? "No sitter is called \(typed)." : "\(typed) could be \(matches.prefix(4).joined(separator: ", ")): type more of the name.")
            return nil
        }
        return sitter
    }

    mutating func commandAssign(_ typed: String) -> [Effect] {
        guard let thread = selectedThread else {
            notice = Notice(.error, "Select a thread to assign, then :assign again.")
            return []
        }
        guard thread.thread.scope.isClientThread else {
            notice = Notice(.error, "Only client threads can be assigned to a sitter.")
            return []
        }
        if ["owner", "inbox", "none"].contains(typed.lowercased()) {
            return assign(threadId: thread.id, to: nil, named: "the owner inbox")
        }
        guard let sitter = sitterNamed(typed), let id = sitter.id else { return [] }
        return assign(threadId: thread.id, to: id, named: sitter.name)
    }

    mutating func commandOffer(code: String, sitter typed: String) -> [Effect] {
        guard let booking = data.openBookings.first(where: { $0.code.lowercased() == code.lowercased() }) else {
            notice = Notice(.error, "No open booking has the code \(code).")
            return []
        }
        guard let sitter = sitterNamed(typed), let id = sitter.id else { return [] }
        let when = DayTime.text(booking.startsAt, timeZone: data.timeZone)
        confirmation = Confirmation(
            question: "Offer \(booking.code) (\(booking.service), \(when)) to \(sitter.name)?",
            effect: .offer(bookingId: booking.id, sitterId: id), progress: "Offering \(booking.code) to \(sitter.name)…")
        return []
    }

    mutating func commandReply(_ text: String) -> [Effect] {
        guard let thread = selectedThread else {
            notice = Notice(.error, "Select a thread to reply to, then :reply again.")
            return []
        }
        notice = Notice(.info, "Sending to \(thread.counterpartName)…")
        return [.reply(threadId: thread.id, body: text)]
    }

    mutating func commandShowSitter(_ typed: String) -> [Effect] {
        guard let sitter = sitterNamed(typed), let index = data.assignableSitters.firstIndex(of: sitter) else { return [] }
        focus = .sitters
        return selectSitter(index)
    }

    mutating func commandShowOrg(_ typed: String) -> [Effect] {
        let matches = Completion.matches(typed, in: data.orgs.map(\.name))
        let exact = data.orgs.first { $0.name.lowercased() == typed.lowercased() }
        guard let org = exact ?? (matches.count == 1 ? data.orgs.first { $0.name == matches[0] } : nil) else {
            notice = Notice(.error, matches.isEmpty ? "No org is called \(typed)." : "\(typed) could be \(matches.joined(separator: ", ")).")
            return []
        }
        return showOrg(org)
    }
}

// MARK: - Completion

/// Completes the word being typed on the command line from the names the screen knows.
public enum Completion {
    /// Names matching what was typed: those starting with it, then those with a word
    /// starting with it; case-insensitive.
    public static func matches(_ typed: String, in names: [String]) -> [String] {
        let typed = typed.lowercased()
        guard !typed.isEmpty else { return names }
        let starting = names.filter { $0.lowercased().hasPrefix(typed) }
        let inside = names.filter { name in
            !name.lowercased().hasPrefix(typed)
                && name.lowercased().split { !$0.isLetter && !$0.isNumber }.contains { $0.hasPrefix(typed) }
        }
        return starting + inside
    }

    /// What the command line completes to, and the candidates to show: the command's name
    /// in the first word, else the argument being typed.
    public static func complete(_ line: String, in state: ConsoleState) -> (line: String, candidates: [String]) {
        let candidates = candidates(for: line, in: state)
        guard !candidates.isEmpty else { return (line, []) }
        let (head, typed) = split(line)
        if candidates.count == 1 { return (head + candidates[0] + " ", candidates) }
        let common = commonPrefix(candidates)
        return (common.count > typed.count ? head + common : line, candidates)
    }

    /// The candidates for the word being typed.
    public static func candidates(for line: String, in state: ConsoleState) -> [String] {
        guard let place = locate(line) else {
            let typed = line.lowercased()
            return Command.all.map(\.name).filter { $0.hasPrefix(typed) }
        }
        let names: [String] =
            switch place.argument {
            case .sitter: (place.command.name == "assign" ? ["owner"] : []) + state.data.assignableSitters.map(\.name)
            case .bookingCode: state.data.openBookings.map(\.code)
            case .org: state.data.orgs.map(\.name)
            case .text: []
            }
        return matches(place.typed, in: names)
    }

    /// Where the cursor is on a command line: the command, the argument being typed (one
    /// word, or the rest of the line for the last argument), and the line before it. Nil
    /// while the command's name is being typed.
    static func locate(_ line: String) -> (command: Command, argument: Command.Argument, head: String, typed: String)? {
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard words.count > 1, let command = Command.named(words[0]), !command.arguments.isEmpty else { return nil }
        let count = command.arguments.count
        let position = min(words.count - 1, count) - 1
        let head = words.prefix(position + 1).joined(separator: " ") + " "
        return (command, command.arguments[position], head, String(line.dropFirst(head.count)))
    }

    static func split(_ line: String) -> (head: String, typed: String) {
        guard let place = locate(line) else { return ("", line) }
        return (place.head, place.typed)
    }

    static func commonPrefix(_ names: [String]) -> String {
        guard var prefix = names.first else { return "" }
        for name in names.dropFirst() {
            while !name.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }
}
