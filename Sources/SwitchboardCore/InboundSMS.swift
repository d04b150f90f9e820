/// A photo or file attached to an MMS: Twilio hosts it; Switchboard stores its address and
/// type and never fetches it.
public struct MediaItem: Equatable, Sendable, Codable {
    public var url: String
    public var contentType: String

    public init(url: String, contentType: String) {
        self.url = url
        self.contentType = contentType
    }

    /// Twilio sends at most 10 media per message.
    public static let maxPerMessage = 10
}

/// An inbound SMS webhook's parameters, validated into the values routing needs.
public struct InboundSMS: Equatable, Sendable {
    public var sid: String
    public var from: String
    public var to: String
    public var body: String
    public var optOutType: String?
    public var media: [MediaItem]

    public init(sid: String, from: String, to: String, body: String, optOutType: String? = nil, media: [MediaItem] = []) {
        self.sid = sid
        self.from = from
        self.to = to
        self.body = body
        self.optOutType = optOutType
        self.media = media
    }

    /// Why a form is not an inbound SMS webhook, said so the sender can fix it.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Validates Twilio's form: `MessageSid`, `From` and `To` present, no control character
    /// in a phone number, and every `MediaUrlN`/`MediaContentTypeN` below `NumMedia`.
    public init(form: FormParameters) throws(Invalid) {
        let missing = ["MessageSid", "From", "To"].filter { (form[$0] ?? "").isEmpty }
        guard missing.isEmpty, let sid = form["MessageSid"], let from = form["From"], let to = form["To"] else {
            throw Invalid("missing \(missing.joined(separator: ", ")): an inbound SMS webhook needs MessageSid, From and To")
        }
        for (name, value) in [("MessageSid", sid), ("From", from), ("To", to)] where value.unicodeScalars.contains(where: Self.isControl) {
            throw Invalid("\(name) holds a control character; Twilio sends phone numbers and ids as plain text")
        }
        self.init(
            sid: sid, from: from, to: to, body: form["Body"] ?? "", optOutType: form["OptOutType"],
            media: try Self.media(in: form))
    }

    static func media(in form: FormParameters) throws(Invalid) -> [MediaItem] {
        guard let text = form["NumMedia"], !text.isEmpty else { return [] }
        guard let count = Int(text), count >= 0 else {
            throw Invalid("NumMedia \"\(text.prefix(20))\" is not a count of media")
        }
        var media: [MediaItem] = []
        for index in 0..<min(count, MediaItem.maxPerMessage) {
            guard let url = form["MediaUrl\(index)"], !url.isEmpty else {
                throw Invalid("NumMedia is \(count) but MediaUrl\(index) is missing")
            }
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), !url.unicodeScalars.contains(where: isControl) else {
                throw Invalid("MediaUrl\(index) is not an http(s) address")
            }
            let type = form["MediaContentType\(index)"] ?? ""
            guard !type.unicodeScalars.contains(where: isControl) else {
                throw Invalid("MediaContentType\(index) holds a control character")
            }
            media.append(MediaItem(url: url, contentType: type.isEmpty ? "application/octet-stream" : type))
        }
        return media
    }

    /// C0 and C1 controls and DEL: never part of a phone number, an id or an address.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// A delivery-status callback, validated.
public struct StatusCallback: Equatable, Sendable {
    public var sid: String
    public var status: DeliveryStatus
    public var errorCode: String?
    /// The outbound message this callback is about, named by the `event` query parameter of
    /// the `action` URL a TwiML `<Message>` carried; nil for callbacks of REST sends.
    public var eventId: RowID?

    public init(sid: String, status: DeliveryStatus, errorCode: String? = nil, eventId: RowID? = nil) {
        self.sid = sid
        self.status = status
        self.errorCode = errorCode
        self.eventId = eventId
    }

    public init(form: FormParameters, eventId: RowID?) throws(InboundSMS.Invalid) {
        let sid = form["MessageSid"] ?? form["SmsSid"]
        let statusText = form["MessageStatus"] ?? form["SmsStatus"]
        guard let sid, !sid.isEmpty, let statusText, !statusText.isEmpty else {
            throw InboundSMS.Invalid("missing MessageSid or MessageStatus: a status callback needs both")
        }
        guard !sid.unicodeScalars.contains(where: InboundSMS.isControl) else {
            throw InboundSMS.Invalid("MessageSid holds a control character")
        }
        guard let status = DeliveryStatus(rawValue: statusText.lowercased()) else {
            throw InboundSMS.Invalid("MessageStatus \"\(statusText.prefix(40))\" is not a Twilio message status")
        }
        self.init(sid: sid, status: status, errorCode: form["ErrorCode"], eventId: eventId)
    }
}

/// A message the listener sends back in its TwiML answer, in domain terms.
public struct OutboundSMS: Equatable, Sendable {
    public var text: String
    /// nil: back to whoever texted.
    public var to: String?
    public var from: String?
    public var media: [MediaItem]
    /// The stored outbound message whose delivery status Twilio should report, if any.
    public var statusEventId: RowID?

    public init(text: String, to: String? = nil, from: String? = nil, media: [MediaItem] = [], statusEventId: RowID? = nil) {
        self.text = text
        self.to = to
        self.from = from
        self.media = media
        self.statusEventId = statusEventId
    }
}
