/// Makes untrusted text (SMS bodies, names, phone numbers from webhooks) safe to draw.
///
/// What reaches the terminal is printable text only: escape sequences (CSI, OSC, DCS and
/// the rest) are removed whole, other control characters become a space (line breaks and
/// tabs included, since a row is one line), and bidi overrides and zero-width characters —
/// which can make text display other than it reads — are dropped, as neomutt does.
public enum Sanitizer {
    public static func clean(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        // Nothing to remove or replace (what the loop below would copy scalar by scalar).
        if text.unicodeScalars.allSatisfy({ isKeptAsIs($0) }) { return text }
        var output = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? scalars.next() {
            pending = nil
            switch scalar.value {
            case 0x1B:
                pending = skipEscapeSequence(&scalars)
            case 0x9B:  // C1 CSI
                pending = skipControlSequence(&scalars)
            case 0x90, 0x9D, 0x98, 0x9E, 0x9F:  // C1 DCS, OSC, SOS, PM, APC: run to a terminator
                pending = skipString(&scalars)
            case 0x09, 0x0A, 0x0D:
                output.append(" ")
            case 0x200D:
                // A zero-width joiner stays only inside an emoji sequence (🏳‍🌈, a family),
                // which is then one cluster, kept whole; anywhere else it hides text.
                let next = scalars.next()
                if let previous = output.last, let next, Self.isPictograph(previous), Self.isPictograph(next) {
                    output.append(scalar)
                }
                pending = next
            case 0..<0x20, 0x7F..<0xA0:
                continue
            default:
                if isInvisibleFormatting(scalar) { continue }
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// A scalar the loop in ``clean(_:)`` copies unchanged whatever surrounds it.
    private static func isKeptAsIs(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0, 0x200D: false
        default: !isInvisibleFormatting(scalar)
        }
    }

    /// An emoji that can take part in a ZWJ sequence (not the digits and `#` that also
    /// carry the emoji property).
    public static func isPictograph(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0xFF && scalar.properties.isEmoji
    }

    /// Bidi embeddings, overrides and isolates; zero-width spaces and joiners; the BOM;
    /// variation selectors; other format characters that draw nothing; noncharacters.
    static func isInvisibleFormatting(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20..<0x7F:
            return false  // printable ASCII: the common case, without a property lookup
        case 0xA0..<0xAD, 0xAE..<0x600, 0x2010..<0x2028, 0x2030..<0x2060, 0x20A0..<0x2400, 0x2500..<0x2800,
            0x3000..<0xD800, 0x1F000..<0x1FB00:
            // Latin, Greek, Cyrillic, Hebrew, punctuation, symbols, box drawing, CJK, Hangul,
            // emoji: blocks with no format character, separator or noncharacter (tested
            // scalar by scalar against the property rule below), without a property lookup.
            return false
        case 0xFE00...0xFE0F:
            // Variation selectors: terminals disagree on whether VS16 makes a character two
            // columns wide, so it is dropped and the base character's width stands.
            return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0xFEFF, 0x061C, 0x180E, 0xFFF9...0xFFFB:
            return true
        case 0xE0000...0xE007F:  // tag characters
            return true
        default:
            if scalar.properties.generalCategory == .format { return true }
            if scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator {
                return true
            }
            return scalar.properties.isNoncharacterCodePoint
        }
    }

    /// After ESC: skips the rest of the sequence; returns a scalar read past it, if any.
    private static func skipEscapeSequence(_ scalars: inout String.UnicodeScalarView.Iterator) -> Unicode.Scalar? {
        guard let next = scalars.next() else { return nil }
        switch next {
        case "[": return skipControlSequence(&scalars)
        case "]", "P", "X", "^", "_": return skipString(&scalars)
        case " "..."/":
            // nF sequences: intermediates, then one final byte.
            while let scalar = scalars.next() {
                if !(0x20...0x2F).contains(scalar.value) { return nil }
            }
            return nil
        default:
            return nil  // two-character sequence (ESC c, ESC 7, ESC =…): both dropped
        }
    }

    /// CSI: parameters and intermediates up to one final byte in @…~.
    private static func skipControlSequence(_ scalars: inout String.UnicodeScalarView.Iterator) -> Unicode.Scalar? {
        while let scalar = scalars.next() {
            if (0x40...0x7E).contains(scalar.value) { return nil }
            if !(0x20...0x3F).contains(scalar.value) { return scalar.value == 0x1B ? scalar : nil }
        }
        return nil
    }

    /// OSC, DCS and friends: up to BEL or ST (ESC \ or 0x9C).
    private static func skipString(_ scalars: inout String.UnicodeScalarView.Iterator) -> Unicode.Scalar? {
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x07, 0x9C: return nil
            case 0x1B:
                guard let next = scalars.next() else { return nil }
                if next == "\\" { return nil }
            default: continue
            }
        }
        return nil
    }
}
