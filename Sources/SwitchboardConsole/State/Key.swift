/// A key press, decoded from curses into terms the key map understands.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case tab, backTab
    case enter, escape, backspace
    /// Ctrl-C when the terminal delivers it as a key (raw input) rather than SIGINT.
    case interrupt
    /// Ctrl and a letter (`.control("a")` is Ctrl-A), for line editing in prompts.
    case control(Character)
    /// A click or a turn of the wheel at a cell of the screen.
    case mouse(MouseEvent)
}

/// What the mouse did, at which cell (column `x`, row `y`, from the top left).
public enum MouseEvent: Hashable, Sendable {
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}
