import Foundation
import SwitchboardConsole
import SwitchboardCore
import Testing

/// The frame's fast paths for text whose clusters are its scalars (the grid's writes, word
/// wrapping, the sanitizer) give exactly what the character-by-character paths give.
@Suite struct FastTextPathTests {
    /// Pieces of text: ASCII, Latin letters, borders, badges, wide symbols, and (slow path)
    /// combining marks, emoji, CJK, line breaks and a joiner.
    static let alphabet = [
        "a", "Z", " ", "7", "(", "é", "ü", "ñ", "ß", "─", "│", "┏", "━", "●", "◆", "▸", "⚑", "✓", "…", "·", "—", "“", "”", "⚡",
        "◽", "→", "€", "🐾", "🔑", "🙏", "e\u{301}", "田", "\n", "\u{200D}", "\u{FE0F}", "한", "\u{1F3FD}", "🇫🇷",
    ]

    static func texts(count: Int) -> [String] {
        var generator = SplitMix64(seed: 1_617)
        return (0..<count).map { index in
            let length = Int(generator.next() % 24)
            // Half of them only from the fast path's scalars.
            let pool = index.isMultiple(of: 2) ? Array(alphabet.prefix(30)) : alphabet
            return (0..<length).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }.joined()
        }
    }

    @Test("Clusters are scalars exactly when the fast path says so (and it says so for most text)")
    func oneScalarPerCluster() {
        var fast = 0
        for text in Self.texts(count: 4000) where DisplayWidth.isOneScalarPerCluster(text) {
            fast += 1
            #expect(text.count == text.unicodeScalars.count, "\(text.debugDescription)")
        }
        #expect(fast > 2000)
        #expect(!DisplayWidth.isOneScalarPerCluster("e\u{301}") && !DisplayWidth.isOneScalarPerCluster("a\nb"))
        #expect(!DisplayWidth.isOneScalarPerCluster("👍\u{1F3FD}") && !DisplayWidth.isOneScalarPerCluster("🇫🇷"))
        #expect(DisplayWidth.isOneScalarPerCluster("Merci ! Elle a adoré la promenade 🐾"))
        #expect(DisplayWidth.isOneScalarPerCluster("┏━ Owner inbox ━┓ ●3 ◆1 Zoë"))
    }

    @Test("Grid.write draws the same cells as cluster by cluster, clipped, truncated, over wide characters")
    func gridWriteSameCells() {
        var generator = SplitMix64(seed: 99)
        for text in Self.texts(count: 3000) {
            Self.expectSameCells(text, over: "田x🐶ab中", gridWidth: 12, &generator)
        }
    }

    @Test("Grid.write of printable ASCII (byte by byte) draws the same cells, clipped, truncated, over wide characters")
    func gridWriteASCIISameCells() {
        var generator = SplitMix64(seed: 7)
        let pieces = ["a", "Z", " ", "7", "(", "-", ".", "~", "Maya", "Okafor", "#136", "·"]
        for _ in 0..<3000 {
            // Printable ASCII mostly; a middle dot now and then sends the text down the scalar path.
            let length = Int(generator.next() % 20)
            let text = (0..<length).map { _ in pieces[Int(generator.next() % UInt64(pieces.count - (generator.next() % 8 == 0 ? 0 : 1)))] }
                .joined()
            Self.expectSameCells(text, over: "田x🐶ab中e\u{301}", gridWidth: 16, &generator)
        }
    }

    /// Writes `text` at a random column and width over a row holding `base`, with `write` and
    /// with the reference, and expects the same cells and the same columns used.
    static func expectSameCells(_ text: String, over base: String, gridWidth: Int, _ generator: inout SplitMix64) {
        var fast = Grid(size: Size(width: gridWidth, height: 1))
        fast.write(base, x: 0, y: 0)  // wide characters and clusters to overwrite halves of
        var reference = fast
        let x = Int(generator.next() % UInt64(gridWidth + 4)) - 4
        let width: Int? = generator.next() % 3 == 0 ? nil : Int(generator.next() % UInt64(gridWidth + 2))
        let used = fast.write(text, x: x, y: 0, width: width, style: .bold)
        let referenceUsed = referenceWrite(&reference, text, x: x, y: 0, width: width, style: .bold)
        #expect(fast == reference, "\(text.debugDescription) at \(x) width \(String(describing: width))")
        #expect(used == referenceUsed)
    }

    @Test("Word wrapping splits on bytes and on characters alike")
    func wrapSameLines() {
        for text in Self.texts(count: 3000) {
            for width in [1, 3, 8, 20] {
                #expect(TextWrap.lines(text, width: width) == Self.referenceLines(text, width: width), "\(text.debugDescription)")
            }
        }
    }

    @Test("Text with nothing to clean comes back as it was; text with something to clean does not")
    func sanitizerFastPath() {
        #expect(Sanitizer.clean("Zoë · ●3 ⚡ 田中 🐶 e\u{301}") == "Zoë · ●3 ⚡ 田中 🐶 e\u{301}")
        #expect(Sanitizer.clean("Zoë\u{202E}evil") == "Zoëevil")
        #expect(Sanitizer.clean("é\u{1b}[31mred") == "éred")
        #expect(Sanitizer.clean("é\u{200B}x") == "éx")
        #expect(Sanitizer.clean("é\tx") == "é x")
    }

    // MARK: The paths before the fast ones, cluster by cluster, as reference

    static func referenceWrite(_ grid: inout Grid, _ text: String, x: Int, y: Int, width: Int?, style: Style) -> Int {
        guard y >= 0, y < grid.size.height, x < grid.size.width else { return 0 }
        let limit = min(width ?? (grid.size.width - x), grid.size.width - x)
        guard limit > 0 else { return 0 }
        var column = x
        for character in DisplayWidth.truncate(text, to: limit) {
            let cellWidth = DisplayWidth.of(character)
            guard cellWidth > 0 else { continue }
            if column >= 0 {
                for covered in column..<min(column + cellWidth, grid.size.width) { blankCluster(&grid, at: covered, y: y) }
                grid[column, y] = Cell(String(character), style: style)
                for covered in (column + 1)..<min(column + cellWidth, grid.size.width) { grid[covered, y] = Cell("", style: style) }
            }
            column += cellWidth
        }
        return column - x
    }

    static func blankCluster(_ grid: inout Grid, at x: Int, y: Int) {
        var head = x
        while head > 0, grid[head, y].isContinuation { head -= 1 }
        guard head + 1 < grid.size.width, grid[head + 1, y].isContinuation || head != x else { return }
        grid[head, y] = Cell(" ", style: grid[head, y].style)
        var next = head + 1
        while next < grid.size.width, grid[next, y].isContinuation {
            grid[next, y] = Cell(" ", style: grid[next, y].style)
            next += 1
        }
    }

    static func referenceLines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var line = ""
            var lineWidth = 0
            for word in String(paragraph).split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var wordWidth = DisplayWidth.of(word)
                if lineWidth > 0, lineWidth + 1 + wordWidth <= width {
                    line += " " + word
                    lineWidth += 1 + wordWidth
                    continue
                }
                if lineWidth > 0 {
                    result.append(line)
                    line = ""
                    lineWidth = 0
                }
                while wordWidth > width {
                    var used = 0
                    var index = word.startIndex
                    while index < word.endIndex {
                        let next = DisplayWidth.of(word[index])
                        if used + next > width { break }
                        used += next
                        index = word.index(after: index)
                    }
                    if index == word.startIndex { index = word.index(after: index) }
                    let (head, rest) = (String(word[..<index]), String(word[index...]))
                    if rest.isEmpty { break }
                    result.append(head)
                    word = rest
                    wordWidth = DisplayWidth.of(word)
                }
                line = word
                lineWidth = DisplayWidth.of(word)
            }
            result.append(line)
        }
        return result
    }
}
