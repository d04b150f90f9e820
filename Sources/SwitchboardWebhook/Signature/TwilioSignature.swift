import Crypto
import Foundation
import Synchronization
import SwitchboardCore

/// Twilio's request signature, computed and checked exactly as its helper libraries do.
///
/// `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, URL + every parameter name and value,
/// sorted by name, repeated values sorted)). Twilio is not consistent about the port in the
/// URL it signs, so a request is accepted with and without the scheme's default port; and
/// some libraries sign a query's `'` as `%27`, so both spellings are tried.
///
/// ```swift
/// let signer = TwilioSignature(authToken: token)
/// signer.isValid(header, url: "https://example.com/api/twilio/inbound", parameters: form)
/// ```
public struct TwilioSignature: Sendable {
    private let key: SymmetricKey
    /// The spellings of the last URL checked: a listener sees the same URL on every request,
    /// and working them out character by character cost more than the HMACs.
    private let lastCandidates = CandidateCache()

    public init(authToken: String) {
        key = SymmetricKey(data: Array(authToken.utf8))
    }

    /// The signature Twilio sends for a form posted to `url`.
    public func sign(url: String, parameters: FormParameters) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Self.payload(url: url, suffix: Self.parameterSuffix(parameters)), using: key)
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` is Twilio's signature of the form `parameters` posted to `url`.
    /// Each comparison takes the same time whatever the signature's content. The spelling of
    /// the URL that matched last is tried first and a match ends the search: a listener's
    /// requests all match the same one, and which spelling matched tells a forger nothing
    /// (a refusal tries them all).
    public func isValid(_ signature: String?, url: String, parameters: FormParameters) -> Bool {
        guard let signature, let code = Data(base64Encoded: Self.trimmed(signature)) else {
            return false
        }
        let suffix = Self.parameterSuffix(parameters)
        let (spellings, first) = candidates(for: url)
        for offset in spellings.indices {
            let index = (first + offset) % spellings.count
            if HMAC<Insecure.SHA1>.isValidAuthenticationCode(code, authenticating: Self.payload(url: spellings[index], suffix: suffix), using: key) {
                if index != first { lastCandidates.last.withLock { if $0?.url == url { $0?.matched = index } } }
                return true
            }
        }
        return false
    }

    /// The header without the blanks around it. Base64 is ASCII: an ASCII header is trimmed of
    /// spaces and tabs byte by byte (Foundation's trimming bridged through `NSString` cost a
    /// third of checking the signature); any other goes through Foundation as before.
    static func trimmed(_ signature: String) -> String {
        let bytes = signature.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return signature.trimmingCharacters(in: .whitespaces) }
        func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let start = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else { return "" }
        if start == bytes.startIndex, last == bytes.index(before: bytes.endIndex) { return signature }
        return String(signature[start...last])
    }

    /// Whether `signature` signs a request with a JSON `body`, whose URL carries the body's
    /// SHA-256 in a `bodySHA256` query parameter (how Twilio signs non-form requests).
    public func isValid(_ signature: String?, url: String, body: some DataProtocol) -> Bool {
        guard let expected = Self.queryValue("bodySHA256", in: url) else { return false }
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let hashMatches = Self.constantTimeEqual(Array(expected.lowercased().utf8), Array(digest.utf8))
        return hashMatches && isValid(signature, url: url, parameters: FormParameters())
    }

    // MARK: - Building the signed text

    /// Names sorted, then each name's values sorted, byte by byte (as Twilio sorts them).
    static func parameterSuffix(_ parameters: FormParameters) -> [UInt8] {
        let sorted = parameters.pairs.sorted { lhs, rhs in
            if lhs.name != rhs.name { return bytewisePrecedes(lhs.name, rhs.name) }
            return bytewisePrecedes(lhs.value, rhs.value)
        }
        var bytes: [UInt8] = []
        for pair in sorted {
            bytes.append(contentsOf: pair.name.utf8)
            bytes.append(contentsOf: pair.value.utf8)
        }
        return bytes
    }

    /// Whether `lhs` comes before `rhs` in UTF-8 byte order, with `memcmp` (the generic
    /// `lexicographicallyPrecedes` walked the bytes one by one through iterators).
    static func bytewisePrecedes(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
    }

    static func payload(url: String, suffix: [UInt8]) -> [UInt8] {
        var bytes = Array(url.utf8)
        bytes.append(contentsOf: suffix)
        return bytes
    }

    /// The spellings of `url`, and which of them matched last.
    private func candidates(for url: String) -> (spellings: [String], matched: Int) {
        if let last = lastCandidates.last.withLock({ $0 }), last.url == url { return (last.candidates, last.matched) }
        let candidates = Self.candidateURLs(url)
        lastCandidates.last.withLock { $0 = (url, candidates, 0) }
        return (candidates, 0)
    }

    /// The spellings of `url` Twilio may have signed: without a port and with one (the
    /// scheme's default when none is given), each also with `'` and `%27` swapped in the query.
    static func candidateURLs(_ url: String) -> [String] {
        var candidates: [String] = []
        func add(_ candidate: String) {
            if !candidates.contains(candidate) { candidates.append(candidate) }
        }
        for spelling in portSpellings(url) {
            add(spelling)
            guard let query = spelling.firstIndex(of: "?") else { continue }
            let head = spelling[..<query], tail = String(spelling[query...])
            if tail.contains("'") { add(head + tail.replacingOccurrences(of: "'", with: "%27")) }
            if tail.contains("%27") { add(head + tail.replacingOccurrences(of: "%27", with: "'")) }
        }
        return candidates
    }

    static func portSpellings(_ url: String) -> [String] {
        guard let separator = url.range(of: "://") else { return [url] }
        let scheme = url[..<separator.lowerBound].lowercased()
        let afterScheme = url[separator.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let rest = afterScheme[authorityEnd...]
        let userInfo = authority.lastIndex(of: "@").map { authority[...$0] } ?? authority[authority.startIndex..<authority.startIndex]
        let hostPort = authority[userInfo.endIndex...]
        var host = hostPort
        var hasPort = false
        if let colon = hostPort.lastIndex(of: ":"), !hostPort[colon...].contains("]") {
            let digits = hostPort[hostPort.index(after: colon)...]
            if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
                host = hostPort[..<colon]
                hasPort = true
            }
        }
        let prefix = url[..<separator.upperBound] + userInfo
        let withoutPort = String(prefix + host + rest)
        let withPort = hasPort ? url : String(prefix + host + ":" + (scheme == "https" ? "443" : "80") + rest)
        return [withoutPort, withPort]
    }

    static func queryValue(_ name: String, in url: String) -> String? {
        guard let query = url.firstIndex(of: "?") else { return nil }
        let text = url[url.index(after: query)...].prefix { $0 != "#" }
        let form = try? FormParameters.parse(Array(text.utf8))
        return form?[name]
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// One remembered URL and its spellings, shared by the copies of a ``TwilioSignature``.
private final class CandidateCache: Sendable {
    let last = Mutex<(url: String, candidates: [String], matched: Int)?>(nil)
}
