import ArgumentParser
import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Synchronization

/// The record commands (`sitter add|edit|deactivate|activate`, `client add|edit`,
/// `number add|assign|release`, `booking add|cancel`, `withdraw`) typed on the console's `:`
/// command line: the very commands of the command line, parsed by the same parser and run
/// on the console's database and org, their one-line answer shown as a notice.
enum ConsoleRecordCommands {
    /// The commands the console takes this way.
    static let names: Set<String> = ["sitter", "client", "number", "booking", "withdraw"]

    /// Runs `line` (`sitter add "Ana Ruiz" --phone +15550200999`) and returns its answer, or
    /// throws its one-sentence error.
    static func run(_ line: String, store: any Store, orgId: RowID) async throws -> String {
        let words = try CommandWords.split(line)
        guard let first = words.first, names.contains(first) else {
            throw ConsoleError("Only \(names.sorted().joined(separator: ", ")) work this way in the console.")
        }
        guard !words.contains(where: { ["--db", "--org", "--json", "--help", "-h"].contains($0) }) else {
            throw ConsoleError("In the console, record commands work on the database and org on screen; leave out --db, --org, --json and --help.")
        }
        let command: any ParsableCommand
        do {
            command = try Switchboard.parseAsRoot(words)
        } catch {
            throw ConsoleError(Switchboard.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
        }
        guard var runnable = command as? any AsyncParsableCommand, !(command is SitterCommand), !(command is ClientCommand),
            !(command is NumberCommand), !(command is BookingCommand)
        else {
            throw ConsoleError("Say what to do: \(first) \(Self.actions[first] ?? "add").")
        }
        let answer = Mutex<String?>(nil)
        let context = RecordContext(store: store, orgId: orgId, answer: { line in answer.withLock { $0 = line } })
        do {
            try await RecordContext.$console.withValue(context) { try await runnable.run() }
        } catch let failure as CommandFailure {
            throw ConsoleError(failure.description.prefix(1).uppercased() + failure.description.dropFirst())
        } catch {
            throw ConsoleError(Switchboard.message(for: error))
        }
        return answer.withLock { $0 } ?? "Done."
    }

    static let actions = ["sitter": "add|edit|deactivate|activate", "client": "add|edit", "number": "add|assign|release", "booking": "add|cancel"]
}

/// A command line split into words as a shell would: spaces separate, quotes ("…" or '…')
/// keep spaces in a word.
enum CommandWords {
    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw ConsoleError("A quote is not closed; close it, as in \"Ana Ruiz\".") }
        if inWord { words.append(current) }
        return words
    }
}
