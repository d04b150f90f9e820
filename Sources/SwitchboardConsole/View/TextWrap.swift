/// Word wrapping by display width, for message bodies (sanitised already, line breaks kept).
public enum TextWrap {
    /// `text` broken into lines of at most `width` columns. Line breaks in the text are kept;
    /// words longer than a line are split between characters (never inside one).
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        // Text whose clusters are its scalars (most bodies) splits on bytes, the same pieces
        // as splitting its characters.
        let simple = DisplayWidth.isOneScalarPerCluster(text)
        let paragraphs =
            simple
            ? text.utf8.split(omittingEmptySubsequences: false) { $0 == 0x0A || $0 == 0x0D }.map { Substring($0) }
            : text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for paragraph in paragraphs {
            let clean = String(paragraph)
            var line = ""
            var lineWidth = 0
            let words =
                simple
                ? clean.utf8.split(separator: 0x20, omittingEmptySubsequences: true).map { Substring($0) }
                : clean.split(separator: " ", omittingEmptySubsequences: true)
            for word in words {
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
                    let (head, rest) = split(word, at: width)
                    // One cluster wider than the line (a long ZWJ sequence): it ends the word.
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

    /// The longest prefix of `word` that fits `width` columns, and the rest.
    static func split(_ word: String, at width: Int) -> (String, String) {
        var used = 0
        var index = word.startIndex
        while index < word.endIndex {
            let next = DisplayWidth.of(word[index])
            if used + next > width { break }
            used += next
            index = word.index(after: index)
        }
        if index == word.startIndex { index = word.index(after: index) }  // a wide character in a 1-column line
        return (String(word[..<index]), String(word[index...]))
    }
}
