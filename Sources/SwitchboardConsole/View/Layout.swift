/// A terminal size in columns and rows.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)×\(height)" }
}

/// A rectangle of cells. Layout is arithmetic on these, nothing else.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The rectangle inside a one-cell border.
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

    public func contains(x: Int, y: Int) -> Bool {
        x >= self.x && x < maxX && y >= self.y && y < maxY
    }

    public func splitColumns(_ left: Int) -> (Rect, Rect) {
        let left = min(left, width)
        return (Rect(x: x, y: y, width: left, height: height), Rect(x: x + left, y: y, width: width - left, height: height))
    }

    public func splitRows(_ top: Int) -> (Rect, Rect) {
        let top = min(top, height)
        return (Rect(x: x, y: y, width: width, height: top), Rect(x: x, y: y + top, width: width, height: height - top))
    }

    /// A centred rectangle of at most the given size.
    public func centered(width: Int, height: Int) -> Rect {
        let w = min(width, self.width)
        let h = min(height, self.height)
        return Rect(x: x + (self.width - w) / 2, y: y + (self.height - h) / 2, width: w, height: h)
    }
}

/// Where each pane goes on a screen of a given size.
///
/// ```
/// status bar ─────────────────────────────────────────────────────────────
/// ┌ Owner inbox ───┐┌ Threads ─────────────────┐┌ Messages ───────────────┐
/// └────────────────┘│                          ││                         │
/// ┌ Sitters ───────┐│                          ││                         │
/// └────────────────┘└──────────────────────────┘└─────────────────────────┘
/// notice line (answers, errors, prompts) ─────────────────────────────────
/// key hints ──────────────────────────────────────────────────────────────
/// ```
public struct ConsoleLayout: Equatable, Sendable {
    public static let minimum = Size(width: 80, height: 24)

    public var status: Rect
    public var owner: Rect
    public var sitters: Rect
    public var threads: Rect
    public var messages: Rect
    /// The three panes' area: full-screen views (tiers, unrouted) draw here.
    public var body: Rect
    public var notice: Rect
    public var footer: Rect

    /// Nil when the screen is below ``minimum``.
    public init?(size: Size) {
        guard size.width >= Self.minimum.width, size.height >= Self.minimum.height else { return nil }
        let full = Rect(x: 0, y: 0, width: size.width, height: size.height)
        let (status, rest) = full.splitRows(1)
        let (body, bottom) = rest.splitRows(rest.height - 2)
        let (notice, footer) = bottom.splitRows(1)
        // Narrow screens share the columns so a sitter's name of 16 columns with its badges,
        // and a client's name beside a short tag, both fit.
        let mailboxWidth = size.width < 100 ? 23 : max(24, size.width * 22 / 100)
        let threadWidth = max(30, (size.width - mailboxWidth) * 45 / 100)
        let (mailboxes, right) = body.splitColumns(mailboxWidth)
        let (threads, messages) = right.splitColumns(threadWidth)
        let (owner, sitters) = mailboxes.splitRows(5)
        self.status = status
        self.owner = owner
        self.sitters = sitters
        self.threads = threads
        self.messages = messages
        self.body = body
        self.notice = notice
        self.footer = footer
    }

    /// The pane drawn at a cell, nil for the bars.
    public func pane(atX x: Int, y: Int) -> Pane? {
        [(owner, Pane.owner), (sitters, .sitters), (threads, .threads), (messages, .messages)]
            .first { $0.0.contains(x: x, y: y) }?.1
    }

    /// Each thread takes two rows: who and what, then the last message.
    public static let rowsPerThread = 2

    /// How many threads the thread list shows.
    public var threadRows: Int { max(1, threads.inner.height / Self.rowsPerThread) }
    public var sitterRows: Int { sitters.inner.height }
    /// How many sitters the tier table shows at once: each takes a table row and a chart
    /// row, below the header, a blank line and the chart's title.
    public var tierRows: Int { max(1, (body.inner.height - 3) / 2) }
}
