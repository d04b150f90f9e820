/// How many SMS segments a text takes, as carriers count them: GSM-7 (160 characters in
/// one segment, 153 a segment once split, the extension characters `^{}\[~]|€` counting
/// two) unless a character needs UCS-2 (70 in one, 67 a segment, counted in UTF-16 units).
public struct SMSSegments: Equatable, Sendable {
    public enum Encoding: String, Sendable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }

    public var encoding: Encoding
    /// Characters as the encoding counts them (septets, or UTF-16 units).
    public var units: Int
    public var segments: Int
    /// What one segment holds for this text: 160/153 or 70/67.
    public var perSegment: Int

    public init(_ text: String) {
        var septets = 0
        var gsm = true
        for scalar in text.unicodeScalars {
            if Self.basic.contains(scalar) {
                septets += 1
            } else if Self.extended.contains(scalar) {
                septets += 2
            } else {
                gsm = false
                break
            }
        }
        if gsm {
            encoding = .gsm7
            units = septets
            perSegment = septets <= 160 ? 160 : 153
        } else {
            encoding = .ucs2
            units = text.utf16.count
            perSegment = units <= 70 ? 70 : 67
        }
        segments = units == 0 ? 0 : (units + perSegment - 1) / perSegment
    }

    /// `45/160 · 1 SMS · GSM-7`: what the reply prompt shows while typing.
    public var summary: String {
        let room = segments <= 1 ? perSegment : segments * perSegment
        return "\(units)/\(room) · \(segments) SMS · \(encoding.rawValue)"
    }

    /// The GSM 03.38 basic character set.
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    /// The extension table: an escape and the character, two septets.
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
