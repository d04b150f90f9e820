/// How many terminal columns text takes, measured the way ncursesw lays it out: each
/// Unicode scalar has its `wcwidth` (``ScalarWidthTable``), and a grapheme cluster (a
/// `Character`: an emoji sequence, a letter and its accents) takes the sum of its scalars'
/// widths. A cluster is kept whole: truncation and wrapping never split one.
///
/// Text-presentation emoji such as 🏳 🕊 🌡 (no emoji-presentation property) are one column,
/// as `wcwidth` and the terminal say, not the two a glyph might suggest.
public enum TextWidth {
    public static func of(_ text: String) -> Int {
        // Printable ASCII is one column a byte: no grapheme breaking, no table lookups.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        return text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        return character.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// `wcwidth` of one scalar, with control characters (which never reach the screen,
    /// see the console's sanitizer) counted as zero rather than -1.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x7F { return 1 }
        // Latin letters and box drawing, the console's own borders: one column, no search
        // (the tables hold nothing below U+0300 nor in U+2500–U+25FC).
        if value < 0x300 || (0x2500..<0x25FD).contains(value) { return 1 }
        if ScalarWidthTable.contains(value, in: ScalarWidthTable.zero) { return 0 }
        return ScalarWidthTable.contains(value, in: ScalarWidthTable.wide) ? 2 : 1
    }
}
