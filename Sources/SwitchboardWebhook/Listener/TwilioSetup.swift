import Foundation
import Hummingbird

/// What to paste into the Twilio console for a listener reached at `publicURL`.
public enum TwilioSetup {
    /// The inbound-SMS webhook ("A message comes in") for `publicURL`.
    public static func inboundURL(_ publicURL: String) -> String {
        PublicURL.trimmed(publicURL) + WebhookController<BasicRequestContext>.inboundPath
    }

    /// The status callback URL for `publicURL`.
    public static func statusCallbackURL(_ publicURL: String) -> String {
        PublicURL.trimmed(publicURL) + WebhookController<BasicRequestContext>.statusPath
    }

    /// The lines `serve` prints on start: both URLs, and a warning when Twilio would send
    /// webhooks (and their signatures) over plain HTTP.
    public static func lines(publicURL: String) -> [String] {
        var lines = [
            "Twilio, \"A message comes in\" (HTTP POST): \(inboundURL(publicURL))",
            "Twilio, status callback URL:              \(statusCallbackURL(publicURL))",
        ]
        if URL(string: publicURL)?.scheme?.lowercased() != "https" {
            lines.append(
                "warning: \(PublicURL.trimmed(publicURL)) is not https; Twilio's requests would cross the internet in clear text. Pass --public-url https://… (a TLS proxy or tunnel in front of this listener)")
        }
        return lines
    }
}
