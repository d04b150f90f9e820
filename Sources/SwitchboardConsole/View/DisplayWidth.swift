import SwitchboardCore

/// Terminal columns per character, and truncation that never cuts a character in half.
public enum DisplayWidth {
    public static let ellipsis: Character = "…"

    public static func of(_ character: Character) -> Int { TextWidth.of(character) }

    public static func of(_ text: String) -> Int { TextWidth.of(text) }

    /// `text` cut to at most `width` columns. When it does not fit, it ends with `…` and
    /// stops before any character that would straddle the limit.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let next = of(character)
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        result.append(ellipsis)
        return result
    }

    /// `text` padded with spaces (or truncated) to exactly `width` columns.
    public static func pad(_ text: String, to width: Int) -> String {
        let fitted = truncate(text, to: width)
        return fitted + String(repeating: " ", count: max(0, width - of(fitted)))
    }

    /// `text` right-aligned in `width` columns.
    public static func padLeft(_ text: String, to width: Int) -> String {
        let fitted = truncate(text, to: width)
        return String(repeating: " ", count: max(0, width - of(fitted))) + fitted
    }

    /// Whether every scalar of `text` is a grapheme cluster by itself: printable ASCII, and
    /// blocks of letters and symbols with no combining marks, joiners, selectors, controls or
    /// regional indicators (no scalar there extends or joins a cluster; an emoji joins
    /// another only through a joiner, a selector or a modifier, none of them here), so the text's
    /// clusters are its scalars.
    public static func isOneScalarPerCluster(_ text: String) -> Bool {
        for byte in text.utf8 where byte >= 0x7F || byte < 0x20 {
            // Not ASCII: look at the scalars.
            return text.unicodeScalars.allSatisfy { scalar in
                switch scalar.value {
                case 0x20..<0x7F, 0xA0..<0xAD, 0xAE..<0x300,  // ASCII, Latin-1 and Latin Extended, but the soft hyphen
                    0x2010..<0x2028,  // dashes, quotes, bullets, ellipsis
                    0x2030..<0x205F,  // per mille, primes, more punctuation
                    0x20A0..<0x20C0,  // currency
                    0x2100..<0x2400,  // letterlike, numbers, arrows, maths, technical
                    0x2500..<0x2800,  // box drawing, blocks, shapes, symbols, dingbats
                    0x1F300..<0x1F3FB, 0x1F400..<0x1FB00:  // emoji, but the skin-tone modifiers (which extend a cluster)
                    true
                default: false
                }
            }
        }
        return true
    }
}
