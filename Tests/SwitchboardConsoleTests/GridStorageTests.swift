import SwitchboardConsole
import Testing

/// The grid keeps a cell of one scalar as the scalar and a cluster of several beside the
/// cells: what goes in comes out, and grids compare by what they show.
@Suite struct GridStorageTests {
    static let clusters = ["👍\u{1F3FD}", "e\u{301}", "🇫🇷", "🏳\u{FE0F}\u{200D}🌈", "👨\u{200D}👩\u{200D}👧"]

    @Test("Every cell reads back as written: scalars, clusters, continuations, styles")
    func cellsReadBackAsWritten() {
        var grid = Grid(size: Size(width: 8, height: 2))
        let written = [Cell("a"), Cell("田", style: .bold), .continuation, Cell("─", style: .title)]
            + Self.clusters.map { Cell($0, style: .alert) }
        for (index, cell) in written.enumerated() { grid[index % 8, index / 8] = cell }
        for (index, cell) in written.enumerated() { #expect(grid[index % 8, index / 8] == cell) }
        #expect(grid.isContinuation(x: 2, y: 0) && !grid.isContinuation(x: 1, y: 0))
        #expect(grid.lines[0] == "a田─" + Self.clusters.prefix(4).joined())
        #expect(grid.cells.count == 16 && grid.cells[4] == Cell(Self.clusters[0], style: .alert))
    }

    @Test("Grids with the same clusters are equal however they were written; a changed cluster is a change")
    func clustersCompareByText() {
        var first = Grid(size: Size(width: 10, height: 1))
        var second = first
        // The same clusters, written in other orders and over other ones, land in different
        // places of each grid's store of clusters.
        first.write("🇫🇷 e\u{301} 👍\u{1F3FD}", x: 0, y: 0)
        second.write("👍\u{1F3FD}", x: 0, y: 0)
        second.write("🇫🇷 e\u{301} 👍\u{1F3FD}", x: 0, y: 0)
        #expect(first == second)
        #expect(second.changedColumns(row: 0, since: first) == nil)

        var changed = second
        changed.write("🇩🇪", x: 0, y: 0)
        #expect(changed != second)
        #expect(changed.changedColumns(row: 0, since: second) == 0...0)
        var restyled = second
        restyled.restyle(Rect(x: 5, y: 0, width: 2, height: 1), style: .selected)
        #expect(restyled.changedColumns(row: 0, since: second) == 5...6)
    }

    @Test("A fill over half of a wide character blanks its other half, as a write does")
    func fillBlanksTheHalvesItLeaves() {
        var grid = Grid(size: Size(width: 6, height: 2))
        grid.write("田中田", x: 0, y: 0)
        grid.write("田中田", x: 0, y: 1)
        // Row 0 as a border: from the right half of the first 田 to the left half of 中.
        grid.fill(Rect(x: 1, y: 0, width: 2, height: 1), with: "─")
        var written = grid
        written.write("──", x: 1, y: 1)
        #expect(grid.lines[0] == " ── 田")
        #expect(!grid.isContinuation(x: 3, y: 0) && grid.isContinuation(x: 5, y: 0))
        #expect(grid.lines[1] == "田中田", "row 1 untouched by the fill")
        #expect(written.lines[1] == grid.lines[0])
    }
}
