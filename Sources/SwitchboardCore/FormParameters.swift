/// The parameters of an `application/x-www-form-urlencoded` body, in the order received.
///
/// Repeated names are kept (Twilio repeats some, and the signature covers every value), and
/// so are names nobody here knows: Twilio adds parameters without notice, and they are
/// signed too. `+` is a space and `%XX` escapes decode to bytes that must form UTF-8.
///
/// ```swift
/// let form = try FormParameters.parse(Array("Body=Hi+there%21&To=%2B15550100".utf8))
/// form["Body"]   // "Hi there!"
/// ```
public struct FormParameters: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var pairs: [Pair]

    public init(_ pairs: [Pair] = []) { self.pairs = pairs }

    public init(_ pairs: KeyValuePairs<String, String>) {
        self.pairs = pairs.map { Pair($0.key, $0.value) }
    }

    /// The first value of `name`, or nil when absent.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in the order received.
    public func values(of name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public mutating func append(_ name: String, _ value: String) {
        pairs.append(Pair(name, value))
    }

    // MARK: - Decoding

    /// Why a body is not a form.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Decodes a form body, or explains in one sentence why it is not one.
    public static func parse(_ body: some Collection<UInt8>) throws(DecodingError) -> FormParameters {
        // Every webhook is parsed here: walk one contiguous buffer by index rather than
        // splitting it into generic slices.
        let bytes = Array(body)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DecodingError) in try parse(buffer) }
        }
        return try parsed.get()
    }

    private static func parse(_ body: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> FormParameters {
        var pairs: [Pair] = []
        var offset = 0
        while offset < body.count {
            let end = body[offset...].firstIndex(of: UInt8(ascii: "&")) ?? body.endIndex
            defer { offset = end + 1 }
            if end == offset { continue }
            let segment = body[offset..<end]
            let equals = segment.firstIndex(of: UInt8(ascii: "=")) ?? end
            let name = try decodeComponent(body[offset..<equals], at: offset)
            guard !name.isEmpty else {
                throw DecodingError(message: "the form has a parameter with no name at byte \(offset)")
            }
            pairs.append(Pair(name, try decodeComponent(body[min(equals + 1, end)..<end], at: offset)))
        }
        return FormParameters(pairs)
    }

    static func decodeComponent(_ raw: some Collection<UInt8>, at offset: Int) throws(DecodingError) -> String {
        // Most names and values have nothing to unescape: validate them in place.
        if !raw.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") || $0 == 0 }) {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw DecodingError(message: "the form is not valid UTF-8, in the parameter at byte \(offset)")
            }
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw DecodingError(message: "the form has a % that is not followed by two hex digits, in the parameter at byte \(offset)")
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        // SQLite's C strings end at a NUL, so a stored value would be cut short there. No SMS
        // carries one; refusing it keeps every stored text whole.
        if bytes.contains(0) {
            throw DecodingError(message: "the form has a NUL character (%00), in the parameter at byte \(offset)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DecodingError(message: "the form is not valid UTF-8, in the parameter at byte \(offset)")
        }
        return text
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: - Encoding

    /// The body as a browser or Twilio would send it: unreserved bytes as they are, space as
    /// `+`, everything else `%XX`.
    public func encoded() -> String {
        pairs.map { Self.encodeComponent($0.name) + "=" + Self.encodeComponent($0.value) }.joined(separator: "&")
    }

    static func encodeComponent(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                out += "%"
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
