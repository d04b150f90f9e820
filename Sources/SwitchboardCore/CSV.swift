/// CSV as spreadsheets read it (RFC 4180): fields separated by commas, records by CRLF, a
/// field quoted when it holds a comma, a quote, a CR or an LF, quotes inside doubled.
///
/// Exports go to spreadsheets, where a cell that starts with `=`, `+`, `-` or `@` (or a tab or
/// CR, which some programs skip before looking) is run as a formula: a client who texts
/// `=HYPERLINK("http://evil…")` would otherwise plant a link in the owner's sheet (CSV
/// injection, OWASP). Such a cell is written with a leading `'`, which spreadsheets show as
/// text. Plain numbers and phone numbers (`+15551234567`, `-3`, `-2.5`) are left alone: they
/// cannot call anything.
///
/// ```swift
/// CSV.record(["Zoë", "said \"hi\", then left", "=1+2"])   // Zoë,"said ""hi"", then left",'=1+2
/// ```
public enum CSV {
    /// The UTF-8 byte order mark: with it, Excel reads the file as UTF-8 (without it, `Zoë`
    /// shows as `ZoÃ«`); LibreOffice and Google Sheets ignore it.
    public static let byteOrderMark = "\u{FEFF}"

    /// One record, with its CRLF.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field: neutralised against formulas, then quoted when needed.
    public static func field(_ value: String) -> String {
        let safe = neutralised(value)
        // By bytes: a comma, quote, CR or LF is one ASCII byte in UTF-8, never part of another character.
        guard safe.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `value` with a leading `'` when a spreadsheet would read it as a formula.
    public static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return isPlainNumber(value) ? value : "'" + value
    }

    /// `+15551234567`, `-3`, `-2.5`: a sign, digits, at most one decimal point.
    static func isPlainNumber(_ value: String) -> Bool {
        var rest = Substring(value)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        return !rest.isEmpty && parts.count <= 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
