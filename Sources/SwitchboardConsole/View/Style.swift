/// How a cell is drawn: a colour role and a few attributes. Roles, not colours, so the
/// backend decides what "accent" looks like on this terminal (and tests can ignore it).
public struct Style: Hashable, Sendable {
    public enum Color: UInt8, Hashable, Sendable {
        case normal, accent, muted, good, warning, alert
    }

    public var color: Color
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(color: Color = .normal, bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.color = color
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let selected = Style(reverse: true)
    public static let muted = Style(color: .muted, dim: true)
    public static let accent = Style(color: .accent)
    public static let title = Style(color: .accent, bold: true)
    public static let alert = Style(color: .alert, bold: true)
    public static let good = Style(color: .good)
    public static let warning = Style(color: .warning)
    public static let bar = Style(reverse: true)
}
