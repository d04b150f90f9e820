import Foundation
import SwitchboardConsole
import SwitchboardCore
import Testing

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("abc", 3), ("田中", 4), ("ゆき", 4), ("🐶", 2), ("é", 1), ("e\u{301}", 1), ("한국", 4), ("Zoë", 3), ("", 0),
    ])
    func measuresColumns(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test func truncatesWithAnEllipsisAndNeverCutsAWideCharacter() {
        #expect(DisplayWidth.truncate("田中 ゆき (Yuki)", to: 6) == "田中 …")
        #expect(DisplayWidth.truncate("田中ゆき", to: 4) == "田…")  // "田中" would fit 4 but leave no room for …
        #expect(DisplayWidth.truncate("田中ゆき", to: 5) == "田中…")
        #expect(DisplayWidth.truncate("🐶🐶🐶", to: 4) == "🐶…")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.truncate("exactly", to: 7) == "exactly")
        #expect(DisplayWidth.truncate("anything", to: 0) == "")
        for width in 1...12 {
            #expect(DisplayWidth.of(DisplayWidth.truncate("王芳 (Fang Wang) 🐶", to: width)) <= width)
        }
    }

    @Test func padsToAnExactWidth() {
        #expect(DisplayWidth.pad("田中", to: 6) == "田中  ")
        #expect(DisplayWidth.of(DisplayWidth.pad("🐶 dog walk", to: 5)) == 5)
        #expect(DisplayWidth.padLeft("3m", to: 4) == "  3m")
    }

    @Test func gridLeavesABlankWhereOnlyHalfAWideCharacterFits() {
        var grid = Grid(size: Size(width: 5, height: 1))
        grid.write("ab田中", x: 0, y: 0)
        #expect(grid.lines[0] == "ab田…")
        var edge = Grid(size: Size(width: 3, height: 1))
        edge.write("x田", x: 0, y: 0)
        #expect(edge.lines[0] == "x田")
        #expect(edge[2, 0].isContinuation)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = Grid(size: Size(width: 4, height: 1))
        grid.write("田中", x: 0, y: 0)
        grid.write("x", x: 1, y: 0)
        #expect(grid.lines[0] == " x中")
        #expect(!grid[1, 0].isContinuation)
    }

    @Test func wrapsByDisplayWidth() {
        #expect(TextWrap.lines("Hi 🐶 can you walk Mochi", width: 10) == ["Hi 🐶 can", "you walk", "Mochi"])
        #expect(TextWrap.lines("田中田中田中", width: 5) == ["田中", "田中", "田中"])
        #expect(TextWrap.lines("line one\nline two", width: 20) == ["line one", "line two"])
    }
}

@Suite struct SanitizerTests {
    @Test(arguments: [
        ("\u{1b}[31mred\u{1b}[0m", "red"),  // SGR colours
        ("\u{1b}]0;title\u{07}after", "after"),  // OSC set title, BEL-terminated
        ("\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\", "link"),  // OSC 8 hyperlink, ST-terminated
        ("\u{1b}P1$r\u{1b}\\x", "x"),  // DCS
        ("\u{9b}2Jclear", "clear"),  // C1 CSI
        ("a\u{1b}cb", "ab"),  // ESC c: full reset
        ("\u{1b}(0box", "box"),  // nF: charset switch
        ("tab\there", "tab here"),
        ("two\r\nlines", "two  lines"),
        ("nul\u{0}bell\u{7}del\u{7f}", "nulbelldel"),
        ("abc\u{202e}txt.exe", "abctxt.exe"),  // right-to-left override
        ("\u{2066}iso\u{2069}", "iso"),  // bidi isolates
        ("zero\u{200b}width\u{200d}join\u{feff}", "zerowidthjoin"),
        ("sun ☀\u{fe0f}", "sun ☀"),
        ("a\u{200d}b 🐶\u{200d}x", "ab 🐶x"),  // a joiner outside an emoji sequence hides text
        ("🏳\u{fe0f}\u{200d}🌈", "🏳\u{200d}🌈"),  // inside one it stays: the flag is one cluster
        ("Zoë 王芳 🐶 Ramírez", "Zoë 王芳 🐶 Ramírez"),
        ("plain ascii", "plain ascii"),
        ("trailing escape \u{1b}", "trailing escape "),
        ("\u{1b}[", ""),
    ])
    func cleans(input: String, expected: String) {
        #expect(Sanitizer.clean(input) == expected)
    }

    /// The blocks kept without a property lookup agree with the property rule: every scalar
    /// of the first two planes but those named one by one is dropped exactly when it is a
    /// format character, a line or paragraph separator or a noncharacter.
    @Test func keptBlocksAgreeWithThePropertyRule() {
        let namedOneByOne: [ClosedRange<UInt32>] = [
            0xFE00...0xFE0F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0xFEFF...0xFEFF, 0x061C...0x061C,
            0x180E...0x180E, 0xFFF9...0xFFFB,
        ]
        var checked = 0
        for value in UInt32(0xA0)..<0x20000 where !namedOneByOne.contains(where: { $0.contains(value) }) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            let invisible =
                [.format, .lineSeparator, .paragraphSeparator].contains(properties.generalCategory)
                || properties.isNoncharacterCodePoint
            let kept = Sanitizer.clean("a" + String(scalar) + "b").unicodeScalars.contains(scalar)
            #expect(kept == !invisible, "U+\(String(value, radix: 16, uppercase: true))")
            checked += 1
        }
        #expect(checked > 120_000)
    }

    /// Whatever the bytes, nothing that steers a terminal comes out.
    @Test func randomBytesNeverYieldControlCharacters() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let weighted = bytes.map { $0 % 5 == 0 ? 0x1B : $0 }
            let text = String(decoding: weighted, as: UTF8.self)
            let scalars = Array(Sanitizer.clean(text).unicodeScalars)
            for (index, scalar) in scalars.enumerated() {
                #expect(scalar.value >= 0x20 && !(0x7F..<0xA0).contains(scalar.value))
                // The one format character kept: a joiner between two emoji.
                let joinsEmoji =
                    scalar.value == 0x200D && index > 0 && index + 1 < scalars.count
                    && Sanitizer.isPictograph(scalars[index - 1]) && Sanitizer.isPictograph(scalars[index + 1])
                #expect(scalar.properties.generalCategory != .format || joinsEmoji)
            }
        }
    }
}

/// Issue 14, defect 4: widths are the terminal's (`wcwidth` per scalar, as ncursesw lays
/// text out), and a grapheme cluster is never split.
@Suite struct TerminalWidthTests {
    /// Text-presentation emoji: `wcwidth` (and the terminal) give them one column.
    @Test(arguments: ["🏳", "🕊", "🌡", "🖐", "🗺", "🎙"])
    func textPresentationEmojiAreOneColumn(emoji: String) {
        #expect(DisplayWidth.of(emoji) == 1)
        #expect(DisplayWidth.of(Sanitizer.clean(emoji + "\u{fe0f}")) == 1, "the variation selector is dropped")
    }

    @Test func theEmojiLineOfTheIssueIsElevenColumns() {
        #expect(DisplayWidth.of("🏳 🕊 🌡 🖐 🗺 🎙") == 11)
        var grid = Grid(size: Size(width: 14, height: 1))
        grid.write("🏳 🕊 🌡 🖐 🗺 🎙|", x: 0, y: 0)
        #expect(grid.lines[0] == "🏳 🕊 🌡 🖐 🗺 🎙|  ")
        #expect(!grid.cells.contains { $0.isContinuation }, "no cell is taken as the right half of a wide character")
    }

    /// A ZWJ sequence is one cluster: its width is the sum of its scalars' (1 + 0 + 2 for the
    /// rainbow flag, 2 + 0 + 2 + 0 + 2 for a family), and it is drawn, cut and wrapped whole.
    @Test func zwjSequencesAreOneClusterWithTheSumOfTheirScalarWidths() {
        let flag = Sanitizer.clean("🏳️‍🌈")
        let family = Sanitizer.clean("👨‍👩‍👧")
        #expect(flag.count == 1 && family.count == 1)
        #expect(DisplayWidth.of(flag) == 3)
        #expect(DisplayWidth.of(family) == 6)
        var grid = Grid(size: Size(width: 8, height: 1))
        grid.write("a" + flag + "b", x: 0, y: 0)
        #expect(grid[1, 0].text == flag && grid[2, 0].isContinuation && grid[3, 0].isContinuation)
        #expect(grid[4, 0].text == "b")
        // Overwriting the middle of the cluster blanks all of it.
        grid.write("x", x: 2, y: 0)
        #expect(grid.lines[0] == "a x b   ")
        // Cut: the cluster goes whole or not at all.
        #expect(DisplayWidth.truncate("ab" + family + "cd", to: 6) == "ab…")
        #expect(DisplayWidth.truncate("ab" + family + "cd", to: 9) == "ab" + family + "…")
        #expect(TextWrap.lines("ab" + family, width: 4) == ["ab", family])
    }

    @Test func combiningMarksAndCJKKeepTheirWidths() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("田中") == 4)
        #expect(DisplayWidth.of("🐶") == 2)
        #expect(DisplayWidth.of("한") == 2)
    }
}
