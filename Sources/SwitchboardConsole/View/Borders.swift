extension Grid {
    /// Draws a box around `rect` with a title in its top edge. The focused pane gets heavy
    /// lines, so focus is visible without colour (and in a text snapshot).
    mutating func box(_ rect: Rect, title: String, focused: Bool, style: Style = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let lines = focused ? ("┏", "┓", "┗", "┛", "━", "┃") : ("┌", "┐", "└", "┘", "─", "│")
        let border = focused ? Style.title : style
        let horizontal = String(repeating: lines.4, count: rect.width - 2)
        write(lines.0 + horizontal + lines.1, x: rect.x, y: rect.y, style: border)
        write(lines.2 + horizontal + lines.3, x: rect.x, y: rect.maxY - 1, style: border)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            write(lines.5, x: rect.x, y: y, style: border)
            write(lines.5, x: rect.maxX - 1, y: y, style: border)
        }
        fill(rect.inner)
        if !title.isEmpty, rect.width > 6 {
            write(" \(title) ", x: rect.x + 2, y: rect.y, width: rect.width - 4, style: focused ? .title : .bold)
        }
    }
}
