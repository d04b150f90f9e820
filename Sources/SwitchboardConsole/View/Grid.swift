import SwitchboardCore

/// One terminal cell: the character drawn there and its style. A wide character (CJK,
/// emoji) occupies its cell and the next one, which holds a ``continuation`` marker so the
/// two columns stay accounted for; a cluster of several scalars (🏳‍🌈: 1 + 0 + 2 columns,
/// as ncursesw lays it out) takes as many continuations as its width needs.
public struct Cell: Hashable, Sendable {
    /// One grapheme cluster, already sanitised; empty for the right half of a wide character.
    public var text: String
    public var style: Style

    public init(_ text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
    public static let continuation = Cell("")

    public var isContinuation: Bool { text.isEmpty }
}

/// An in-memory screen: what a frame looks like, independent of any terminal. Rendering
/// fills a grid; the backend copies the cells that changed since the last frame.
public struct Grid: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.width) * max(0, size.height))
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Writes `text` from (x, y) (text the state holds is sanitised already, when it is
    /// loaded: see ``ConsoleViewData/sanitized()``), clipped to `width` columns (and to the grid),
    /// ending with `…` when it does not fit. Never splits a wide character: if only half of
    /// one fits, the column is left blank. Returns the columns used.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, width: Int? = nil, style: Style = .plain) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(width ?? (size.width - x), size.width - x)
        guard limit > 0 else { return 0 }
        if DisplayWidth.isOneScalarPerCluster(text) { return writeScalars(text, x: x, y: y, limit: limit, style: style) }
        let fitted = DisplayWidth.truncate(text, to: limit)
        var column = x
        for character in fitted {
            put(String(character), width: DisplayWidth.of(character), at: &column, y: y, style: style)
        }
        return column - x
    }

    /// Draws one cluster of `width` columns at `column` (nothing for zero width) and moves
    /// `column` past it.
    private mutating func put(_ cluster: String, width cellWidth: Int, at column: inout Int, y: Int, style: Style) {
        guard cellWidth > 0 else { return }
        if column >= 0 {
            // Overwriting part of a wide cluster: blank the rest of it.
            for covered in column..<min(column + cellWidth, size.width) { blankCluster(at: covered, y: y) }
            self[column, y] = Cell(cluster, style: style)
            for covered in (column + 1)..<min(column + cellWidth, size.width) {
                self[covered, y] = Cell("", style: style)
            }
        }
        column += cellWidth
    }

    /// `write` for text whose every scalar is a cluster of its own: the same cells, without
    /// breaking the text into grapheme clusters (most of a frame's text: names, numbers,
    /// borders, badges).
    private mutating func writeScalars(_ text: String, x: Int, y: Int, limit: Int, style: Style) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += TextWidth.of(scalar) }
        var column = x
        if total <= limit {
            for scalar in text.unicodeScalars {
                let width = TextWidth.of(scalar)
                if width == 1, column >= 0, coversNoWideCluster(at: column, y: y) {
                    cells[y * size.width + column] = Cell(String(scalar), style: style)
                    column += 1
                } else {
                    put(String(scalar), width: width, at: &column, y: y, style: style)
                }
            }
            return column - x
        }
        // As `DisplayWidth.truncate`: what fits before a last column for `…`.
        var used = 0
        for scalar in text.unicodeScalars {
            let width = TextWidth.of(scalar)
            if used + width > limit - 1 { break }
            used += width
            put(String(scalar), width: width, at: &column, y: y, style: style)
        }
        put(String(DisplayWidth.ellipsis), width: 1, at: &column, y: y, style: style)
        return column - x
    }

    /// Fills a rectangle with one narrow character (blanks by default) in a style: bars and
    /// backgrounds, without measuring a string cell by cell.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let cell = Cell(String(character), style: style)
        let (left, right) = (max(0, rect.x), min(size.width, rect.maxX))
        let (top, bottom) = (max(0, rect.y), min(size.height, rect.maxY))
        guard left < right, top < bottom else { return }
        // Row by row, a run of cells at once (a frame fills most of its 4,800 cells).
        for y in top..<bottom {
            for index in (y * size.width + left)..<(y * size.width + right) { cells[index] = cell }
        }
    }

    /// Sets the style of a row segment without changing its text (selection bars).
    public mutating func restyle(_ rect: Rect, style: Style) {
        for y in rect.y..<rect.maxY where y >= 0 && y < size.height {
            for x in rect.x..<rect.maxX where x >= 0 && x < size.width {
                self[x, y].style = style
            }
        }
    }

    /// Whether a narrow character at (x, y) replaces a narrow one whole: neither that cell nor
    /// the next is part of a wide cluster, so ``put`` would blank nothing (most of a frame).
    private func coversNoWideCluster(at x: Int, y: Int) -> Bool {
        let index = y * size.width + x
        return !cells[index].text.isEmpty && (x + 1 >= size.width || !cells[index + 1].text.isEmpty)
    }

    /// Blanks the whole cluster the cell at (x, y) belongs to when it spans several cells
    /// (its first cell and its continuations), so no half of one is left behind.
    private mutating func blankCluster(at x: Int, y: Int) {
        var head = x
        while head > 0, self[head, y].isContinuation { head -= 1 }
        guard head + 1 < size.width, self[head + 1, y].isContinuation || head != x else { return }
        self[head, y] = Cell(" ", style: self[head, y].style)
        var next = head + 1
        while next < size.width, self[next, y].isContinuation {
            self[next, y] = Cell(" ", style: self[next, y].style)
            next += 1
        }
    }

    /// The grid as text, one line per row, trailing spaces kept: what snapshot tests compare.
    public var lines: [String] {
        (0..<size.height).map { y in
            (0..<size.width).reduce(into: "") { line, x in line += self[x, y].text }
        }
    }

    public var text: String { lines.joined(separator: "\n") }
}
