import SwitchboardCore

/// One terminal cell: the character drawn there and its style. A wide character (CJK,
/// emoji) occupies its cell and the next one, which holds a ``continuation`` marker so the
/// two columns stay accounted for; a cluster of several scalars (🏳‍🌈: 1 + 0 + 2 columns,
/// as ncursesw lays it out) takes as many continuations as its width needs.
///
/// This is how a cell reads and is written from outside; the grid keeps its cells in a
/// compact form of its own (``Grid/Slot``).
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
    /// A cell as the grid stores it: eight bytes with nothing to retain or release, so that
    /// filling, copying and dropping a frame's 4,800 cells is plain memory work. A cell of
    /// one scalar (nearly all of them) holds the scalar itself; a cluster of several (an
    /// emoji sequence, a letter and its combining accents) is kept in ``clusters``.
    struct Slot: Equatable, Sendable {
        /// A Unicode scalar value, ``continuationCode``, or ``clusterFlag`` | an index into
        /// ``Grid/clusters``.
        var code: UInt32
        var style: Style

        static let continuationCode: UInt32 = 0xFFFF_FFFF
        static let clusterFlag: UInt32 = 0x8000_0000
        static let blank = Slot(code: 0x20, style: .plain)

        var isContinuation: Bool { code == Self.continuationCode }
        var isCluster: Bool { code != Self.continuationCode && code & Self.clusterFlag != 0 }
    }

    public let size: Size
    private var slots: [Slot]
    /// The clusters of several scalars written into this grid, each where a slot points: an
    /// entry for each such cluster written (rare: emoji sequences, accents as combining
    /// marks), and a grid lives for a frame.
    private var clusters: [String] = []

    public init(size: Size) {
        self.size = size
        slots = Array(repeating: .blank, count: max(0, size.width) * max(0, size.height))
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cell(slots[y * size.width + x]) }
        set { slots[y * size.width + x] = slot(newValue.text, style: newValue.style) }
    }

    /// Every cell, row by row: a new array on every call (for tests; the frame's own work
    /// goes through the subscript and the writes).
    public var cells: [Cell] { slots.map(cell) }

    /// Whether the cell at (x, y) is the right part of a wide character.
    public func isContinuation(x: Int, y: Int) -> Bool { slots[y * size.width + x].isContinuation }

    private func cell(_ slot: Slot) -> Cell {
        Cell(text(of: slot), style: slot.style)
    }

    private func text(of slot: Slot) -> String {
        if slot.isContinuation { return "" }
        if slot.isCluster { return clusters[Int(slot.code & ~Slot.clusterFlag)] }
        return Unicode.Scalar(slot.code).map { String($0) } ?? ""
    }

    /// The slot for one cluster: its scalar when it has one, else a new entry in ``clusters``.
    private mutating func slot(_ cluster: String, style: Style) -> Slot {
        var scalars = cluster.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return Slot(code: Slot.continuationCode, style: style) }
        if scalars.next() == nil { return Slot(code: first.value, style: style) }
        clusters.append(cluster)
        return Slot(code: Slot.clusterFlag | UInt32(clusters.count - 1), style: style)
    }

    /// Whether the cells at `index` of two grids show the same thing (clusters by their text,
    /// wherever each grid keeps it).
    private func sameCell(at index: Int, in other: Grid) -> Bool {
        let (mine, theirs) = (slots[index], other.slots[index])
        guard mine.style == theirs.style else { return false }
        if !mine.isCluster && !theirs.isCluster { return mine.code == theirs.code }
        return text(of: mine) == other.text(of: theirs)
    }

    public static func == (left: Grid, right: Grid) -> Bool {
        left.size == right.size && left.slots.indices.allSatisfy { left.sameCell(at: $0, in: right) }
    }

    /// The columns of row `y` that differ from `previous` (the same size), first to last;
    /// nil when the row is unchanged. What the backend copies to the terminal.
    public func changedColumns(row y: Int, since previous: Grid) -> ClosedRange<Int>? {
        let start = y * size.width
        var first: Int?
        var last = 0
        for x in 0..<size.width where !sameCell(at: start + x, in: previous) {
            if first == nil { first = x }
            last = x
        }
        return first.map { $0...last }
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
        var bytes = text
        if let used = bytes.withUTF8({ writeASCII($0, x: x, y: y, limit: limit, style: style) }) { return used }
        if DisplayWidth.isOneScalarPerCluster(text) { return writeScalars(text, x: x, y: y, limit: limit, style: style) }
        let fitted = DisplayWidth.truncate(text, to: limit)
        var column = x
        for character in fitted {
            let cellWidth = DisplayWidth.of(character)
            if column >= 0, cellWidth > 0 {
                place(slot(String(character), style: style), width: cellWidth, at: &column, y: y)
            } else {
                column += cellWidth
            }
        }
        return column - x
    }

    /// Draws one cluster of `width` columns at `column` (nothing for zero width) and moves
    /// `column` past it.
    private mutating func place(_ slot: Slot, width cellWidth: Int, at column: inout Int, y: Int) {
        guard cellWidth > 0 else { return }
        if column >= 0 {
            // Overwriting part of a wide cluster: blank the rest of it.
            for covered in column..<min(column + cellWidth, size.width) { blankCluster(at: covered, y: y) }
            slots[y * size.width + column] = slot
            for covered in (column + 1)..<min(column + cellWidth, size.width) {
                slots[y * size.width + covered] = Slot(code: Slot.continuationCode, style: slot.style)
            }
        }
        column += cellWidth
    }

    /// A narrow character of one scalar at `column`: straight into its cell when it replaces
    /// a narrow one whole (most of a frame), else as ``place`` does.
    private mutating func placeNarrow(_ code: UInt32, at column: inout Int, y: Int, style: Style) {
        if column >= 0, coversNoWideCluster(at: column, y: y) {
            slots[y * size.width + column] = Slot(code: code, style: style)
            column += 1
        } else {
            place(Slot(code: code, style: style), width: 1, at: &column, y: y)
        }
    }

    /// `write` for printable ASCII (most of a frame's text: names, numbers, times), byte by
    /// byte, a column each; nil, having drawn nothing, for any other text.
    private mutating func writeASCII(_ bytes: UnsafeBufferPointer<UInt8>, x: Int, y: Int, limit: Int, style: Style) -> Int? {
        for byte in bytes where byte < 0x20 || byte >= 0x7F { return nil }
        var column = x
        // As `DisplayWidth.truncate`: what fits before a last column for `…`.
        let fits = bytes.count <= limit
        for byte in bytes.prefix(fits ? bytes.count : limit - 1) { placeNarrow(UInt32(byte), at: &column, y: y, style: style) }
        if !fits { placeNarrow(Self.ellipsisCode, at: &column, y: y, style: style) }
        return column - x
    }

    /// `write` for text whose every scalar is a cluster of its own: the same cells, without
    /// breaking the text into grapheme clusters (borders, badges, accented names).
    private mutating func writeScalars(_ text: String, x: Int, y: Int, limit: Int, style: Style) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += TextWidth.of(scalar) }
        var column = x
        if total <= limit {
            for scalar in text.unicodeScalars {
                let width = TextWidth.of(scalar)
                if width == 1 {
                    placeNarrow(scalar.value, at: &column, y: y, style: style)
                } else {
                    place(Slot(code: scalar.value, style: style), width: width, at: &column, y: y)
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
            place(Slot(code: scalar.value, style: style), width: width, at: &column, y: y)
        }
        place(Slot(code: Self.ellipsisCode, style: style), width: 1, at: &column, y: y)
        return column - x
    }

    private static let ellipsisCode = DisplayWidth.ellipsis.unicodeScalars.first!.value

    /// Fills a rectangle with one narrow character (blanks by default) in a style: bars,
    /// borders and backgrounds, without measuring a string cell by cell.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let (left, right) = (max(0, rect.x), min(size.width, rect.maxX))
        let (top, bottom) = (max(0, rect.y), min(size.height, rect.maxY))
        guard left < right, top < bottom else { return }
        let filler = slot(String(character), style: style)
        // Row by row, a run of cells at once (a frame fills most of its 4,800 cells), after
        // blanking what is left outside the run of a wide cluster across either end.
        for y in top..<bottom {
            blankCluster(at: left, y: y)
            blankCluster(at: right - 1, y: y)
            for index in (y * size.width + left)..<(y * size.width + right) { slots[index] = filler }
        }
    }

    /// Sets the style of a row segment without changing its text (selection bars).
    public mutating func restyle(_ rect: Rect, style: Style) {
        for y in rect.y..<rect.maxY where y >= 0 && y < size.height {
            for x in rect.x..<rect.maxX where x >= 0 && x < size.width {
                slots[y * size.width + x].style = style
            }
        }
    }

    /// Whether a narrow character at (x, y) replaces a narrow one whole: neither that cell nor
    /// the next is part of a wide cluster, so ``place`` would blank nothing (most of a frame).
    private func coversNoWideCluster(at x: Int, y: Int) -> Bool {
        let index = y * size.width + x
        return !slots[index].isContinuation && (x + 1 >= size.width || !slots[index + 1].isContinuation)
    }

    /// Blanks the whole cluster the cell at (x, y) belongs to when it spans several cells
    /// (its first cell and its continuations), so no half of one is left behind.
    private mutating func blankCluster(at x: Int, y: Int) {
        let row = y * size.width
        var head = x
        while head > 0, slots[row + head].isContinuation { head -= 1 }
        guard head + 1 < size.width, slots[row + head + 1].isContinuation || head != x else { return }
        slots[row + head] = Slot(code: Slot.blank.code, style: slots[row + head].style)
        var next = head + 1
        while next < size.width, slots[row + next].isContinuation {
            slots[row + next] = Slot(code: Slot.blank.code, style: slots[row + next].style)
            next += 1
        }
    }

    /// The grid as text, one line per row, trailing spaces kept: what snapshot tests compare.
    public var lines: [String] {
        (0..<size.height).map { y in
            var line = ""
            for slot in slots[(y * size.width)..<((y + 1) * size.width)] where !slot.isContinuation {
                if slot.isCluster {
                    line += text(of: slot)
                } else if let scalar = Unicode.Scalar(slot.code) {
                    line.unicodeScalars.append(scalar)
                }
            }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }
}
