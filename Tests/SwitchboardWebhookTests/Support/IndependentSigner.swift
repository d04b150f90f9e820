import Crypto
import Foundation

/// A second implementation of Twilio's signature, written from Twilio's documentation and
/// independent of the code under test: URL, then each name and value, names sorted, values
/// of a repeated name sorted; HMAC-SHA1 with the auth token; base64.
enum IndependentSigner {
    static func sign(token: String, url: String, _ parameters: [(String, String)]) -> String {
        var text = url
        let names = Set(parameters.map(\.0)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            let values = parameters.filter { $0.0 == name }.map(\.1).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for value in values { text += name + value }
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Form-encodes `parameters` independently of `FormParameters.encoded()`.
    static func encode(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~ ")
        allowed = allowed.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        func escape(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: " ", with: "+")
        }
        return parameters.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }
}
