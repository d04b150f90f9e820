import CNcursesw

/// The colours of the console's roles (`"colors"` in the config file), as the terminal's
/// eight named colours or `default` (the terminal's own foreground):
///
/// ```json
/// "colors": {"accent": "blue", "muted": "default", "alert": "magenta"}
/// ```
/// Roles left out keep theirs. `NO_COLOR` in the environment turns colour off whatever this
/// says (``TerminalProfile``; bold, dim and reverse still mark what matters).
public struct ColorScheme: Equatable, Sendable {
    public static let roles: [(name: String, color: Style.Color)] = [
        ("accent", .accent), ("muted", .muted), ("good", .good), ("warning", .warning), ("alert", .alert),
    ]
    static let names = ["default", "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Role → colour name.
    public private(set) var colors: [Style.Color: String] = [
        .accent: "cyan", .muted: "white", .good: "green", .warning: "yellow", .alert: "red",
    ]

    public init() {}

    /// Reads `colors` (role → colour name); throws a sentence naming the problem.
    public init(_ colors: [String: String]) throws {
        for (role, name) in colors.sorted(by: { $0.key < $1.key }) {
            guard let color = Self.roles.first(where: { $0.name == role })?.color else {
                throw KeyRemapError(
                    "\"colors\" names \"\(role)\", which is not a role; the roles are \(Self.roles.map(\.name).joined(separator: ", ")).")
            }
            let lowered = name.lowercased()
            guard Self.names.contains(lowered) else {
                throw KeyRemapError("\"colors\".\"\(role)\" must be one of \(Self.names.joined(separator: ", ")); got \"\(name)\".")
            }
            self.colors[color] = lowered
        }
    }

    /// The curses colour number of a role: -1 for the terminal's default.
    func cursesColor(_ role: Style.Color) -> Int16 {
        switch colors[role] ?? "default" {
        case "black": Int16(COLOR_BLACK)
        case "red": Int16(COLOR_RED)
        case "green": Int16(COLOR_GREEN)
        case "yellow": Int16(COLOR_YELLOW)
        case "blue": Int16(COLOR_BLUE)
        case "magenta": Int16(COLOR_MAGENTA)
        case "cyan": Int16(COLOR_CYAN)
        case "white": Int16(COLOR_WHITE)
        default: -1
        }
    }
}
