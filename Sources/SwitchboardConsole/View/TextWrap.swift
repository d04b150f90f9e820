import SwitchboardCore

/// Word wrapping by display width, for message bodies (sanitised already, line breaks kept).
public enum TextWrap {
    /// `text` broken into lines of at most `width` columns. Line breaks in the text are kept;
    /// words longer than a line are split between characters (never inside one).
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        if DisplayWidth.isOneScalarPerCluster(text) { return scalarLines(text, width: width) }
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

    /// `lines` for text whose every scalar is a cluster of its own (most bodies; such text
    /// has no line breaks): the same lines, measured over the UTF-8 bytes in one pass, a
    /// `String` made only for each line.
    private static func scalarLines(_ text: String, width: Int) -> [String] {
        var text = text
        return text.withUTF8 { scalarLines($0, width: width) }
    }

    private static func scalarLines(_ bytes: UnsafeBufferPointer<UInt8>, width: Int) -> [String] {
        /// The columns and bytes of the scalar starting at `index` (the text is valid UTF-8).
        func scalar(at index: Int) -> (width: Int, length: Int) {
            let lead = bytes[index]
            if lead < 0x80 { return (TextWidth.of(Unicode.Scalar(lead)), 1) }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (0x7F >> length)
            for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
            return (Unicode.Scalar(value).map(TextWidth.of) ?? 1, length)
        }
        var result: [String] = []
        var line: [UInt8] = []
        line.reserveCapacity(bytes.count)
        var lineWidth = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x20 {
                index += 1
                continue
            }
            var start = index
            var wordWidth = 0
            while index < bytes.count, bytes[index] != 0x20 {
                let (columns, length) = scalar(at: index)
                wordWidth += columns
                index += length
            }
            if lineWidth > 0, lineWidth + 1 + wordWidth <= width {
                line.append(0x20)
                line.append(contentsOf: bytes[start..<index])
                lineWidth += 1 + wordWidth
                continue
            }
            if lineWidth > 0 {
                result.append(String(decoding: line, as: UTF8.self))
                lineWidth = 0
            }
            // A word longer than a line: as many lines as it fills, at least a scalar each.
            while wordWidth > width {
                var cut = start
                var used = 0
                while cut < index {
                    let (columns, length) = scalar(at: cut)
                    if used + columns > width { break }
                    used += columns
                    cut += length
                }
                if cut == start {
                    let (columns, length) = scalar(at: start)
                    used = columns
                    cut = start + length
                }
                if cut == index { break }
                result.append(String(decoding: bytes[start..<cut], as: UTF8.self))
                start = cut
                wordWidth -= used
            }
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: bytes[start..<index])
            lineWidth = wordWidth
        }
        result.append(String(decoding: line, as: UTF8.self))
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
