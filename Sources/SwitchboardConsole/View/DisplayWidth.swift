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
}
