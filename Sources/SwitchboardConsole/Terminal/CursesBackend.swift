import CNcursesw
import Foundation

/// The only code that touches ncurses. Used from one thread only (the console's), it
/// copies the cells that changed since the last frame to the terminal and decodes keys.
final class CursesBackend {
    enum Input: Equatable {
        case key(Key)
        case resize
    }

    private var previous: Grid?
    private var isOpen = false
    /// Colour pairs were set up: the terminal has colours and `NO_COLOR` is not set.
    private var usesColor = false

    /// Takes over the terminal: saves its modes, installs the crash handlers that restore
    /// them, then starts curses in the environment's locale (wide characters need it).
    /// - Parameter colors: the roles' colours; nil draws without colour (`NO_COLOR`, see
    ///   ``TerminalProfile``).
    func start(wakeDescriptor: Int32, mouse: Bool, colors: ColorScheme?) {
        sb_save_terminal_modes()
        sb_install_crash_handlers()
        sb_use_environment_locale()
        initscr()
        isOpen = true
        cbreak()  // Ctrl-C stays a signal, so SIGINT shuts the whole service group down
        noecho()
        nonl()
        keypad(sb_stdscr(), true)
        nodelay(sb_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        sb_install_resize_wakeup(wakeDescriptor)
        if mouse { sb_enable_mouse() }
        if has_colors(), colors != nil {
            start_color()
            use_default_colors()
            for (pair, role) in [(1, Style.Color.accent), (2, .muted), (3, .good), (4, .warning), (5, .alert)] {
                init_pair(Int16(pair), colors?.cursesColor(role) ?? -1, -1)
            }
            usesColor = true
        }
    }

    /// Whether this terminal takes a title (xterm's OSC 2, which tmux, screen and the
    /// common emulators understand); others would print it.
    private lazy var takesTitle: Bool = {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        return ["xterm", "tmux", "screen", "rxvt", "alacritty", "foot", "kitty", "wezterm", "vte", "gnome", "konsole"]
            .contains { term.hasPrefix($0) }
    }()
    private var titleSet = false

    /// Sets the terminal's title; the first time, the title it had is saved (xterm's title
    /// stack) so ``stop()`` can put it back. `text` is the console's own, made of clean text.
    func setTitle(_ text: String) {
        guard isOpen, takesTitle else { return }
        let safe = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80..<0xA0).contains($0.value) })
        if !titleSet { sb_write_terminal("\u{1b}[22;2t") }
        sb_write_terminal("\u{1b}]2;\(safe)\u{07}")
        titleSet = true
    }

    /// The terminal's bell (or its visible flash, as the terminal is set).
    func ringBell() {
        guard isOpen else { return }
        beep()
    }

    /// Gives the terminal back as it was: `endwin`, then the modes saved before `initscr`.
    func stop() {
        guard isOpen else { return }
        if titleSet { sb_write_terminal("\u{1b}[23;2t") }
        isOpen = false
        endwin()
        sb_restore_saved_modes()
        sb_remove_crash_handlers()
    }

    var size: Size { Size(width: Int(sb_cols()), height: Int(sb_lines())) }

    /// Gives the terminal to another program (an editor) while `body` runs, then takes it
    /// back and redraws everything on the next frame.
    func suspended<T>(_ body: () -> T) -> T {
        endwin()
        defer {
            refresh()
            previous = nil
        }
        return body()
    }

    /// Every key waiting in curses' input buffer (none when nothing was typed).
    func readInput() -> [Input] {
        var inputs: [Input] = []
        var value: wint_t = 0
        while true {
            let status = sb_read_key(&value)
            if status == sb_err() { break }
            if status == sb_key_code_yes() {
                if Int32(value) == sb_key_mouse() {
                    if let input = Self.mouseInput() { inputs.append(input) }
                } else if let input = Self.functionKey(Int32(value)) {
                    inputs.append(input)
                }
            } else if let input = Self.characterKey(UInt32(value)) {
                inputs.append(input)
            }
        }
        return inputs
    }

    /// The mouse event curses decoded, when it is one the console uses.
    static func mouseInput() -> Input? {
        var x: Int32 = 0, y: Int32 = 0
        switch sb_read_mouse(&x, &y) {
        case 1: return .key(.mouse(.click(x: Int(x), y: Int(y))))
        case 4: return .key(.mouse(.wheelUp(x: Int(x), y: Int(y))))
        case 5: return .key(.mouse(.wheelDown(x: Int(x), y: Int(y))))
        default: return nil
        }
    }

    static func functionKey(_ code: Int32) -> Input? {
        switch code {
        case KEY_RESIZE: .resize
        case KEY_UP: .key(.up)
        case KEY_DOWN: .key(.down)
        case KEY_LEFT: .key(.left)
        case KEY_RIGHT: .key(.right)
        case KEY_PPAGE: .key(.pageUp)
        case KEY_NPAGE: .key(.pageDown)
        case KEY_HOME: .key(.home)
        case KEY_END: .key(.end)
        case KEY_BTAB: .key(.backTab)
        case KEY_ENTER: .key(.enter)
        case KEY_BACKSPACE, KEY_DC: .key(.backspace)
        default: nil
        }
    }

    static func characterKey(_ value: UInt32) -> Input? {
        switch value {
        case 3: return .key(.interrupt)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.control(Character(Unicode.Scalar(value + 96)!)))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// Copies the changed part of each row to the screen. A row's changed span is widened
    /// to whole wide characters, and cells of one style are drawn in one call.
    func draw(_ grid: Grid) {
        if previous?.size != grid.size {
            erase()
            previous = nil
        }
        for y in 0..<grid.size.height {
            guard var span = changedSpan(in: grid, row: y) else { continue }
            while span.lowerBound > 0, grid.isContinuation(x: span.lowerBound, y: y) { span = (span.lowerBound - 1)...span.upperBound }
            drawRun(grid, row: y, columns: span)
        }
        previous = grid
        refresh()
    }

    private func changedSpan(in grid: Grid, row y: Int) -> ClosedRange<Int>? {
        guard let previous else { return 0...(grid.size.width - 1) }
        return grid.changedColumns(row: y, since: previous)
    }

    private func drawRun(_ grid: Grid, row y: Int, columns: ClosedRange<Int>) {
        var runStart = columns.lowerBound
        var runStyle = grid[runStart, y].style
        var text: [wchar_t] = []
        func flush() {
            guard !text.isEmpty else { return }
            let (attributes, pair) = self.attributes(for: runStyle)
            _ = sb_draw(Int32(y), Int32(runStart), text, Int32(text.count), attributes, pair)
            text.removeAll(keepingCapacity: true)
        }
        var startsRun = false
        for x in columns {
            let cell = grid[x, y]
            if cell.isContinuation { continue }
            if startsRun || cell.style != runStyle {
                flush()
                runStart = x
                runStyle = cell.style
                startsRun = false
            }
            // The whole cluster in one go: ncursesw spreads its scalars over the cells by
            // their `wcwidth`, the way the grid counted them. Without its joiners: terminals
            // disagree on joining (tmux joins 🏳‍🌈 into one cell of one column, not a family),
            // and any disagreement with ncursesw's count leaves stray cells; the parts, side
            // by side, take exactly the columns counted.
            for scalar in cell.text.unicodeScalars where scalar.value != 0x200D {
                text.append(wchar_t(bitPattern: scalar.value))
            }
            // A wide character ends its run: should the terminal measure it differently,
            // only that cell is off, not the rest of the row.
            if x + 1 <= columns.upperBound, grid.isContinuation(x: x + 1, y: y) {
                flush()
                startsRun = true
            }
        }
        flush()
    }

    func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes = sb_a_normal()
        if style.bold { attributes |= sb_a_bold() }
        if style.reverse { attributes |= sb_a_reverse() }
        if style.dim { attributes |= sb_a_dim() }
        let pair: Int16 =
            switch style.color {
            case .normal: 0
            case .accent: 1
            case .muted: 2
            case .good: 3
            case .warning: 4
            case .alert: 5
            }
        return (attributes, usesColor ? pair : 0)
    }
}
