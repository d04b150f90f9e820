/// How the console uses the operator's terminal: the mouse, the bell, her own keys and
/// colours. Fixed for a run; the `switchboard` command reads them from its flags and config.
public struct TerminalSettings: Equatable, Sendable {
    /// Clicks and the wheel (`--no-mouse` leaves them to the terminal).
    public var mouse: Bool
    /// Ring the bell when a text arrives in the console's inbox (`--bell`).
    public var bell: Bool
    public var keys: KeyRemap
    /// The roles' colours, when the terminal draws colour at all (``TerminalProfile``).
    public var colors: ColorScheme

    public init(mouse: Bool = true, bell: Bool = false, keys: KeyRemap = KeyRemap(), colors: ColorScheme = ColorScheme()) {
        self.mouse = mouse
        self.bell = bell
        self.keys = keys
        self.colors = colors
    }
}
