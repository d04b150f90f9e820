/// Phone numbers in E.164 form: `+` then 7 to 15 digits, the first not zero.
public enum E164 {
    public static func isValid(_ text: String) -> Bool {
        guard text.first == "+" else { return false }
        let digits = text.dropFirst()
        return (7...15).contains(digits.count) && digits.first != "0"
            && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
