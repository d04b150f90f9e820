extension Grid {
    /// Draws a box around `rect` with a title in its top edge. The focused pane gets heavy
    /// lines, so focus is visible without colour (and in a text snapshot).
    mutating func box(_ rect: Rect, title: String, focused: Bool, style: Style = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let lines: (Character, Character, Character, Character, Character, Character) =
            focused ? ("┏", "┓", "┗", "┛", "━", "┃") : ("┌", "┐", "└", "┘", "─", "│")
        let border = focused ? Style.title : style
        // Fills, clipped to the grid (boxes come from the layout, inside it).
        let (top, bottom) = (rect.y, rect.maxY - 1)
        let (left, right) = (rect.x, rect.maxX - 1)
        fill(Rect(x: left, y: top, width: 1, height: 1), with: lines.0, style: border)
        fill(Rect(x: right, y: top, width: 1, height: 1), with: lines.1, style: border)
        fill(Rect(x: left, y: bottom, width: 1, height: 1), with: lines.2, style: border)
        fill(Rect(x: right, y: bottom, width: 1, height: 1), with: lines.3, style: border)
        fill(Rect(x: left + 1, y: top, width: rect.width - 2, height: 1), with: lines.4, style: border)
        fill(Rect(x: left + 1, y: bottom, width: rect.width - 2, height: 1), with: lines.4, style: border)
        fill(Rect(x: left, y: top + 1, width: 1, height: rect.height - 2), with: lines.5, style: border)
        fill(Rect(x: right, y: top + 1, width: 1, height: rect.height - 2), with: lines.5, style: border)
        fill(rect.inner)
        if !title.isEmpty, rect.width > 6 {
            write(" \(title) ", x: rect.x + 2, y: rect.y, width: rect.width - 4, style: focused ? .title : .bold)
        }
    }
}
