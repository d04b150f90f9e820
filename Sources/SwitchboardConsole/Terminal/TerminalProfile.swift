/// What the terminal the console starts in can do, read from the environment before curses
/// touches it: whether to use colour (`NO_COLOR`, no-color.org), and whether it can run at
/// all (a `dumb` terminal cannot move the cursor, so curses would draw a blank screen).
public struct TerminalProfile: Equatable, Sendable {
    public var usesColor: Bool
    /// Why the console cannot run in this terminal, in a sentence saying what to do; nil
    /// when it can.
    public var unusableReason: String?

    public init(environment: [String: String]) {
        // Any non-empty NO_COLOR turns colour off; bold and reverse still mark focus and selection.
        usesColor = (environment["NO_COLOR"] ?? "").isEmpty
        let term = environment["TERM"] ?? ""
        if term.isEmpty || term == "dumb" {
            let shown = term.isEmpty ? "TERM is not set" : "TERM is \"dumb\""
            unusableReason =
                "The console needs a terminal that can move the cursor, and \(shown). "
                + "Run it in a terminal emulator (for example TERM=xterm-256color), or use `switchboard serve` for the listener alone."
        } else {
            unusableReason = nil
        }
    }
}
