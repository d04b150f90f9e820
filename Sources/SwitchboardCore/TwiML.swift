/// The TwiML answers the listener sends: an empty `<Response/>`, or `<Message>` verbs.
///
/// Text is XML-escaped, and the characters XML 1.0 cannot carry at all (control characters
/// other than tab and line breaks, U+FFFE, U+FFFF) are dropped, so a relayed SMS body can
/// never break the document.
///
/// ```swift
/// TwiML.message("Booking B1042 is yours.")
/// // <?xml version="1.0" encoding="UTF-8"?><Response><Message>Booking B1042 is yours.</Message></Response>
/// ```
public enum TwiML {
    public static let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"#

    /// Nothing to say: Twilio sends no reply.
    public static let empty = declaration + "<Response/>"

    /// One `<Message>`, sent back to whoever texted.
    public static func message(_ text: String) -> String {
        response([Message(text)])
    }

    /// One `<Message>` verb. With `to` and `from` set, Twilio sends it to another phone:
    /// that is how a masked number relays a message. `media` become `<Media>` nouns (the text
    /// then goes in a `<Body>`); `action` is where Twilio posts the new message's status.
    public struct Message: Sendable, Equatable {
        public var text: String
        public var to: String?
        public var from: String?
        public var media: [String]
        public var action: String?
        public init(_ text: String, to: String? = nil, from: String? = nil, media: [String] = [], action: String? = nil) {
            self.text = text
            self.to = to
            self.from = from
            self.media = media
            self.action = action
        }
    }

    public static func response(_ messages: [Message]) -> String {
        guard !messages.isEmpty else { return empty }
        var xml = declaration + "<Response>"
        for message in messages {
            xml += "<Message"
            if let to = message.to { xml += #" to=""# + escape(to) + #"""# }
            if let from = message.from { xml += #" from=""# + escape(from) + #"""# }
            if let action = message.action { xml += #" action=""# + escape(action) + #"" method="POST""# }
            if message.media.isEmpty {
                xml += ">" + escape(message.text) + "</Message>"
            } else {
                xml += "><Body>" + escape(message.text) + "</Body>"
                for url in message.media { xml += "<Media>" + escape(url) + "</Media>" }
                xml += "</Message>"
            }
        }
        return xml + "</Response>"
    }

    /// Escapes the five XML special characters and drops what XML 1.0 forbids.
    public static func escape(_ text: String) -> String {
        // Nothing to escape or drop (most replies): the text itself. 0xEF leads the UTF-8 of
        // U+F000–U+FFFF, where the two noncharacters are: such text takes the loop below.
        let unchanged = text.utf8.allSatisfy { byte in
            byte >= 0x20
                ? byte != 0x26 && byte != 0x3C && byte != 0x3E && byte != 0x22 && byte != 0x27 && byte != 0xEF
                : byte == 0x09 || byte == 0x0A || byte == 0x0D
        }
        if unchanged { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
