import Foundation
import GRDB
import SwitchboardCore

// Records are plain structs; their persistence lives in the extensions below.
// Column names are the audit's field names in snake_case (SPEC §1).

public struct Org: Codable, Sendable, Equatable {
    public var id: RowID?
    public var name: String
    /// The org's IANA time zone (`America/New_York`); nil: the machine's. Every time the
    /// system writes for people (offer texts, the console) is in it.
    public var timeZone: String?

    public init(id: RowID? = nil, name: String, timeZone: String? = nil) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
    }

    /// The org's time zone, the machine's when none is set (or the name is unknown here).
    public var zone: TimeZone { timeZone.flatMap(TimeZone.init(identifier:)) ?? .current }
}

public struct Sitter: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var name: String
    /// The sitter's personal phone: how the listener recognises a sitter's SMS.
    public var phoneE164: String
    public var active: Bool
    public var optedOut: Bool

    public init(id: RowID? = nil, orgId: RowID, name: String, phoneE164: String, active: Bool = true, optedOut: Bool = false) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.phoneE164 = phoneE164
        self.active = active
        self.optedOut = optedOut
    }
}

public struct Client: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    /// Nil for an unnamed contact: someone who texted in and is not on file yet.
    public var name: String?
    public var phoneE164: String
    public var optedOut: Bool

    public init(id: RowID? = nil, orgId: RowID, name: String?, phoneE164: String, optedOut: Bool = false) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.phoneE164 = phoneE164
        self.optedOut = optedOut
    }
}

public struct Booking: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    /// Human code, such as `B1042`: what sitters type after YES/NO.
    public var code: String
    public var clientId: RowID
    public var service: String
    public var startsAt: Date
    public var endsAt: Date
    public var status: BookingStatus
    public var sitterId: RowID?

    public init(
        id: RowID? = nil, orgId: RowID, code: String, clientId: RowID, service: String,
        startsAt: Date, endsAt: Date, status: BookingStatus = .open, sitterId: RowID? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.code = code
        self.clientId = clientId
        self.service = service
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.sitterId = sitterId
    }
}

public struct MessageNumber: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var e164: String
    public var numberClass: NumberClass
    public var assignedSitterId: RowID?

    public init(id: RowID? = nil, orgId: RowID, e164: String, numberClass: NumberClass, assignedSitterId: RowID? = nil) {
        self.id = id
        self.orgId = orgId
        self.e164 = e164
        self.numberClass = numberClass
        self.assignedSitterId = assignedSitterId
    }
}

public struct MessageThread: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var assignedSitterId: RowID?
    public var scope: ThreadScope
    public var bookingId: RowID?
    public var clientId: RowID?
    /// The other party's phone: a client's, or a sitter's personal phone on `owner_sitter` threads.
    public var counterpartE164: String?
    /// The Twilio number the conversation runs through.
    public var maskedNumberE164: String?
    public var numberClass: NumberClass?
    public var createdAt: Date
    public var lastMessageAt: Date
    /// Count of inbound messages not yet read by the operator.
    public var unread: Int

    public init(
        id: RowID? = nil, orgId: RowID, assignedSitterId: RowID? = nil, scope: ThreadScope,
        bookingId: RowID? = nil, clientId: RowID? = nil, counterpartE164: String? = nil,
        maskedNumberE164: String? = nil, numberClass: NumberClass? = nil,
        createdAt: Date, lastMessageAt: Date? = nil, unread: Int = 0
    ) {
        self.id = id
        self.orgId = orgId
        self.assignedSitterId = assignedSitterId
        self.scope = scope
        self.bookingId = bookingId
        self.clientId = clientId
        self.counterpartE164 = counterpartE164
        self.maskedNumberE164 = maskedNumberE164
        self.numberClass = numberClass
        self.createdAt = createdAt
        self.lastMessageAt = lastMessageAt ?? createdAt
        self.unread = unread
    }

    /// The mailbox this thread is shown in (SPEC §2).
    public var mailbox: Mailbox { Mailbox.of(assignedSitterID: assignedSitterId, scope: scope) }
}

/// One photo or file of an MMS (`MediaUrlN`, `MediaContentTypeN`), in Twilio's order.
public struct MessageMedia: Codable, Sendable, Equatable {
    public var id: RowID?
    public var messageEventId: RowID
    public var position: Int
    public var url: String
    public var contentType: String

    public init(id: RowID? = nil, messageEventId: RowID, position: Int, url: String, contentType: String) {
        self.id = id
        self.messageEventId = messageEventId
        self.position = position
        self.url = url
        self.contentType = contentType
    }
}

public struct MessageEvent: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var threadId: RowID
    public var direction: MessageDirection
    public var actorType: ActorType
    public var body: String
    public var providerMessageSid: String?
    public var createdAt: Date
    public var deliveryStatus: DeliveryStatus?

    public init(
        id: RowID? = nil, orgId: RowID, threadId: RowID, direction: MessageDirection, actorType: ActorType,
        body: String, providerMessageSid: String?, createdAt: Date, deliveryStatus: DeliveryStatus? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.threadId = threadId
        self.direction = direction
        self.actorType = actorType
        self.body = body
        self.providerMessageSid = providerMessageSid
        self.createdAt = createdAt
        self.deliveryStatus = deliveryStatus
    }
}

public struct MessageResponseLink: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var threadId: RowID
    public var requiresResponseEventId: RowID
    /// When the requiring message arrived: what the tier window filters on.
    public var requiresAt: Date
    public var responseEventId: RowID?
    public var responseSeconds: Double?

    public init(
        id: RowID? = nil, orgId: RowID, threadId: RowID, requiresResponseEventId: RowID, requiresAt: Date,
        responseEventId: RowID? = nil, responseSeconds: Double? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.threadId = threadId
        self.requiresResponseEventId = requiresResponseEventId
        self.requiresAt = requiresAt
        self.responseEventId = responseEventId
        self.responseSeconds = responseSeconds
    }
}

public struct OfferEvent: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var sitterId: RowID
    public var bookingId: RowID
    public var status: OfferStatus
    public var offeredAt: Date
    public var acceptedAt: Date?
    public var declinedAt: Date?
    public var expiresAt: Date
    /// When the offer stopped being pending for a reason other than the sitter's answer.
    public var closedAt: Date?

    public init(
        id: RowID? = nil, orgId: RowID, sitterId: RowID, bookingId: RowID, status: OfferStatus = .offered,
        offeredAt: Date, acceptedAt: Date? = nil, declinedAt: Date? = nil, expiresAt: Date, closedAt: Date? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.sitterId = sitterId
        self.bookingId = bookingId
        self.status = status
        self.offeredAt = offeredAt
        self.acceptedAt = acceptedAt
        self.declinedAt = declinedAt
        self.expiresAt = expiresAt
        self.closedAt = closedAt
    }

    /// Pending means offered and not past its expiry: an expired offer never counts as
    /// pending, whether or not the sweep has marked it yet.
    public func isPending(at now: Date) -> Bool { status == .offered && expiresAt > now }
}

public struct SitterMetricsWindow: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var sitterId: RowID
    public var windowStart: Date
    public var windowEnd: Date
    public var avgResponseSeconds: Double?
    public var medianResponseSeconds: Double?
    public var responseRate: Double?
    public var offerAcceptRate: Double?
    public var offerMedianResponseSeconds: Double?
    /// Client messages in the window that required a response.
    public var responseRequiredCount: Int
    /// Of those, the ones answered (the samples behind the response-time figures).
    public var responseSampleCount: Int
    /// Offers answered or expired in the window (the denominator of the accept rate).
    public var offerSampleCount: Int
    public var offerAcceptedCount: Int
    /// Offers answered by the sitter (the samples behind the median offer response).
    public var offerResponseSampleCount: Int
    public var tier: String
    public var computedAt: Date

    public init(
        id: RowID? = nil, orgId: RowID, sitterId: RowID, windowStart: Date, windowEnd: Date,
        avgResponseSeconds: Double? = nil, medianResponseSeconds: Double? = nil, responseRate: Double? = nil,
        offerAcceptRate: Double? = nil, offerMedianResponseSeconds: Double? = nil,
        responseRequiredCount: Int = 0, responseSampleCount: Int = 0, offerSampleCount: Int = 0,
        offerAcceptedCount: Int = 0, offerResponseSampleCount: Int = 0, tier: String, computedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.sitterId = sitterId
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.avgResponseSeconds = avgResponseSeconds
        self.medianResponseSeconds = medianResponseSeconds
        self.responseRate = responseRate
        self.offerAcceptRate = offerAcceptRate
        self.offerMedianResponseSeconds = offerMedianResponseSeconds
        self.responseRequiredCount = responseRequiredCount
        self.responseSampleCount = responseSampleCount
        self.offerSampleCount = offerSampleCount
        self.offerAcceptedCount = offerAcceptedCount
        self.offerResponseSampleCount = offerResponseSampleCount
        self.tier = tier
        self.computedAt = computedAt
    }
}

public struct EventLog: Codable, Sendable, Equatable {
    public var id: RowID?
    public var orgId: RowID
    public var eventType: String
    public var status: String
    /// A JSON object, as text.
    public var metadata: String
    public var bookingId: RowID?
    public var createdAt: Date

    public init(
        id: RowID? = nil, orgId: RowID, eventType: String, status: String, metadata: String,
        bookingId: RowID? = nil, createdAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.eventType = eventType
        self.status = status
        self.metadata = metadata
        self.bookingId = bookingId
        self.createdAt = createdAt
    }
}

public struct WebhookReceipt: Codable, Sendable, Equatable {
    public var id: RowID?
    /// Nil until the request is routed to an org (refused and unrouted requests have none).
    public var orgId: RowID?
    public var path: String
    public var messageSid: String?
    /// What makes two deliveries the same webhook (Twilio retries with the same values);
    /// unique, so a duplicate finds the first receipt and its answer.
    public var dedupeKey: String?
    public var rawBody: String
    /// A JSON object: signature, content type, user agent.
    public var headers: String
    public var verdict: WebhookVerdict
    public var statusCode: Int
    public var responseBody: String
    public var createdAt: Date
    /// From the request's arrival to its receipt written (the commit follows); nil for
    /// receipts older than the measure and for refusals made before the body was read.
    public var latencySeconds: Double?
    /// When an unrouted text was routed later, once its number was added.
    public var routedAt: Date?
    /// When retention removed the raw body of this old receipt (the row and verdict stay).
    public var bodyPrunedAt: Date?

    public init(
        id: RowID? = nil, orgId: RowID? = nil, path: String, messageSid: String?, dedupeKey: String?,
        rawBody: String, headers: String, verdict: WebhookVerdict, statusCode: Int, responseBody: String,
        createdAt: Date, latencySeconds: Double? = nil, routedAt: Date? = nil, bodyPrunedAt: Date? = nil
    ) {
        self.latencySeconds = latencySeconds
        self.routedAt = routedAt
        self.bodyPrunedAt = bodyPrunedAt
        self.id = id
        self.orgId = orgId
        self.path = path
        self.messageSid = messageSid
        self.dedupeKey = dedupeKey
        self.rawBody = rawBody
        self.headers = headers
        self.verdict = verdict
        self.statusCode = statusCode
        self.responseBody = responseBody
        self.createdAt = createdAt
    }
}

// MARK: - Persistence

/// snake_case columns for camelCase properties, one place for every record.
public protocol SnakeCaseRecord: Codable, FetchableRecord, MutablePersistableRecord {
    var id: RowID? { get set }
}

extension SnakeCaseRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Org: SnakeCaseRecord { public static let databaseTableName = "org" }
extension Sitter: SnakeCaseRecord { public static let databaseTableName = "sitter" }
extension Client: SnakeCaseRecord { public static let databaseTableName = "client" }
extension Booking: SnakeCaseRecord { public static let databaseTableName = "booking" }
extension MessageNumber: SnakeCaseRecord { public static let databaseTableName = "message_number" }
extension MessageThread: SnakeCaseRecord { public static let databaseTableName = "message_thread" }
extension MessageEvent: SnakeCaseRecord { public static let databaseTableName = "message_event" }
extension MessageMedia: SnakeCaseRecord { public static let databaseTableName = "message_media" }
extension MessageResponseLink: SnakeCaseRecord { public static let databaseTableName = "message_response_link" }
extension OfferEvent: SnakeCaseRecord { public static let databaseTableName = "offer_event" }
extension SitterMetricsWindow: SnakeCaseRecord { public static let databaseTableName = "sitter_metrics_window" }
extension EventLog: SnakeCaseRecord { public static let databaseTableName = "event_log" }
extension WebhookReceipt: SnakeCaseRecord { public static let databaseTableName = "webhook_receipt" }

// Stored as their raw text. `StatementColumnConvertible` lets a row's column be read
// straight from the statement (GRDB's fast path) rather than through a `DatabaseValue` and
// generic metadata looked up at run time: a tenth of a console frame's reads.
extension ThreadScope: DatabaseValueConvertible, StatementColumnConvertible {}
extension NumberClass: DatabaseValueConvertible, StatementColumnConvertible {}
extension MessageDirection: DatabaseValueConvertible, StatementColumnConvertible {}
extension ActorType: DatabaseValueConvertible, StatementColumnConvertible {}
extension BookingStatus: DatabaseValueConvertible, StatementColumnConvertible {}
extension OfferStatus: DatabaseValueConvertible, StatementColumnConvertible {}
extension DeliveryStatus: DatabaseValueConvertible, StatementColumnConvertible {}
extension WebhookVerdict: DatabaseValueConvertible, StatementColumnConvertible {}
