/// The operator's own keys (`"keys"` in the config file): each names an action and the key
/// that does it instead of its default. Applied before the key map, outside prompts (where
/// every key is text) and pickers, so the map itself stays the one table of defaults.
///
/// ```json
/// "keys": {"reply": "R", "assign": "A", "down": "s"}
/// ```
/// A remapped default no longer does its action (so `r` does nothing after `"reply": "R"`,
/// unless another action is given `r`).
public struct KeyRemap: Equatable, Sendable {
    /// The actions that can be given a key, by the name the config file uses, with their
    /// default key.
    public static let defaults: [(name: String, key: Character)] = [
        ("down", "j"), ("up", "k"), ("top", "g"), ("bottom", "G"), ("search", "/"), ("help", "?"), ("quit", "q"),
        ("reply", "r"), ("assign", "a"), ("offer", "o"), ("yes", "y"), ("no", "n"), ("tiers", "t"), ("unrouted", "u"),
        ("receipts", "w"), ("pause", "p"), ("next_org", "O"), ("command", ":"), ("undo", "z"), ("mark_unread", "U"),
        ("next_unread", "]"), ("next_unassigned", "}"),
    ]

    /// Pressed key → the default key it stands for; nil: the key does nothing.
    private var table: [Character: Character?] = [:]

    public init() {}

    /// Reads `bindings` (action name → one character). Throws a sentence naming the problem
    /// and the names there are.
    public init(_ bindings: [String: String]) throws {
        let defaults = Dictionary(uniqueKeysWithValues: Self.defaults.map { ($0.name, $0.key) })
        var pressed: [Character: String] = [:]
        for (name, key) in bindings.sorted(by: { $0.key < $1.key }) {
            guard let standard = defaults[name] else {
                throw KeyRemapError(
                    "\"keys\" names \"\(name)\", which is not an action; the actions are \(Self.defaults.map(\.name).joined(separator: ", ")).")
            }
            guard key.count == 1, let character = key.first, character.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
                throw KeyRemapError("\"keys\".\"\(name)\" must be one visible character, such as \"R\"; got \"\(key)\".")
            }
            if let other = pressed[character] {
                throw KeyRemapError("\"keys\" gives \"\(key)\" to both \(other) and \(name); give each its own key.")
            }
            pressed[character] = name
            if table[standard] == nil { table[standard] = .some(nil) }  // the default is freed
            table[character] = standard
        }
    }

    /// The key that does what `standard` does by default, as hints should name it.
    public func shown(_ standard: Character) -> Character {
        table.first { $0.value == standard }?.key ?? standard
    }

    /// A hint's key text with each one-character key (`j/k`, `r`) replaced by the operator's.
    public func shown(_ hint: String) -> String {
        hint.split(separator: "/", omittingEmptySubsequences: false)
            .map { part in part.count == 1 ? String(shown(part.first!)) : String(part) }
            .joined(separator: "/")
    }

    /// The key the console's key map sees for `key` pressed outside a prompt.
    public func translate(_ key: Key) -> Key? {
        guard case .character(let character) = key, let mapped = table[character] else { return key }
        return mapped.map { .character($0) }
    }
}

public struct KeyRemapError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
