import Foundation

/// URLs a person types for the listener (`--public-url`, `simulate --url`).
public enum WebURL {
    /// An absolute `http` or `https` URL with a host: `https://sms.example.com`,
    /// `http://127.0.0.1:8080/api/twilio/inbound`. Not `example.com` (no scheme), not
    /// `http:/x` or `https://` (no host), not `ftp://…`.
    public static func isAbsoluteHTTP(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            !text.contains(where: \.isWhitespace)
        else { return false }
        return true
    }
}
