import Foundation

/// Row identifiers are SQLite rowids.
public typealias RowID = Int64

/// What a thread is about. Stored as snake_case text.
public enum ThreadScope: String, Codable, Sendable, CaseIterable {
    case clientBooking = "client_booking"
    case clientGeneral = "client_general"
    case ownerSitter = "owner_sitter"
    case `internal` = "internal"

    /// Client threads are the ones a sitter can own; the others always belong to the owner.
    public var isClientThread: Bool { self == .clientBooking || self == .clientGeneral }
}

/// What a Twilio number is used for.
public enum NumberClass: String, Codable, Sendable, CaseIterable {
    case frontDesk = "front_desk"
    case sitter = "sitter"
    case pool = "pool"
}

public enum MessageDirection: String, Codable, Sendable {
    case inbound, outbound
}

public enum ActorType: String, Codable, Sendable {
    case client, sitter, owner, system
}

public enum BookingStatus: String, Codable, Sendable, CaseIterable {
    case open, assigned, cancelled
}

public enum OfferStatus: String, Codable, Sendable, CaseIterable {
    case offered, accepted, declined, expired, withdrawn
}

/// Twilio's message statuses, in the order a message moves through them.
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case accepted, scheduled, queued, sending, sent, delivered, undelivered, failed, received, read, canceled
}

/// The verdict written on every webhook receipt.
public enum WebhookVerdict: String, Codable, Sendable, CaseIterable {
    case accepted
    case duplicate
    case unrouted
    case rejectedSignature = "rejected_signature"
    case malformed
    case unsupportedMediaType = "unsupported_media_type"
    case tooLarge = "too_large"
    case methodNotAllowed = "method_not_allowed"
    case unknownMessage = "unknown_message"
    /// A status callback for an inbound or unknown message: answered `200`, nothing changed.
    case ignored
}
