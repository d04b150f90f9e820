import Foundation
import GRDB

// Each record names its columns once: `Record.Columns.x` is the column the Codable
// encoding writes for `x` (snake_case), for the query interface and for decoding rows
// by name. `RecordColumnsTests` checks every list against its table.


extension Org {
    public enum Columns {
        public static let id = Column("id")
        public static let name = Column("name")
        public static let timeZone = Column("time_zone")
        /// Every column, in table order.
        public static let all = [id, name, timeZone]
    }
}

extension Sitter {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let name = Column("name")
        public static let phoneE164 = Column("phone_e164")
        public static let active = Column("active")
        public static let optedOut = Column("opted_out")
        /// Every column, in table order.
        public static let all = [id, orgId, name, phoneE164, active, optedOut]
    }
}

extension Client {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let name = Column("name")
        public static let phoneE164 = Column("phone_e164")
        public static let optedOut = Column("opted_out")
        /// Every column, in table order.
        public static let all = [id, orgId, name, phoneE164, optedOut]
    }
}

extension Booking {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let code = Column("code")
        public static let clientId = Column("client_id")
        public static let service = Column("service")
        public static let startsAt = Column("starts_at")
        public static let endsAt = Column("ends_at")
        public static let status = Column("status")
        public static let sitterId = Column("sitter_id")
        /// Every column, in table order.
        public static let all = [id, orgId, code, clientId, service, startsAt, endsAt, status, sitterId]
    }
}

extension MessageNumber {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let e164 = Column("e164")
        public static let numberClass = Column("number_class")
        public static let assignedSitterId = Column("assigned_sitter_id")
        /// Every column, in table order.
        public static let all = [id, orgId, e164, numberClass, assignedSitterId]
    }
}

extension MessageThread {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let assignedSitterId = Column("assigned_sitter_id")
        public static let scope = Column("scope")
        public static let bookingId = Column("booking_id")
        public static let clientId = Column("client_id")
        public static let counterpartE164 = Column("counterpart_e164")
        public static let maskedNumberE164 = Column("masked_number_e164")
        public static let numberClass = Column("number_class")
        public static let createdAt = Column("created_at")
        public static let lastMessageAt = Column("last_message_at")
        public static let unread = Column("unread")
        /// Every column, in table order.
        public static let all = [id, orgId, assignedSitterId, scope, bookingId, clientId, counterpartE164, maskedNumberE164, numberClass, createdAt, lastMessageAt, unread]
    }
}

extension MessageEvent {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let threadId = Column("thread_id")
        public static let direction = Column("direction")
        public static let actorType = Column("actor_type")
        public static let body = Column("body")
        public static let providerMessageSid = Column("provider_message_sid")
        public static let createdAt = Column("created_at")
        public static let deliveryStatus = Column("delivery_status")
        /// Every column, in table order.
        public static let all = [id, orgId, threadId, direction, actorType, body, providerMessageSid, createdAt, deliveryStatus]
    }
}

extension MessageMedia {
    public enum Columns {
        public static let id = Column("id")
        public static let messageEventId = Column("message_event_id")
        public static let position = Column("position")
        public static let url = Column("url")
        public static let contentType = Column("content_type")
        /// Every column, in table order.
        public static let all = [id, messageEventId, position, url, contentType]
    }
}

extension MessageResponseLink {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let threadId = Column("thread_id")
        public static let requiresResponseEventId = Column("requires_response_event_id")
        public static let requiresAt = Column("requires_at")
        public static let responseEventId = Column("response_event_id")
        public static let responseSeconds = Column("response_seconds")
        /// Every column, in table order.
        public static let all = [id, orgId, threadId, requiresResponseEventId, requiresAt, responseEventId, responseSeconds]
    }
}

extension OfferEvent {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let sitterId = Column("sitter_id")
        public static let bookingId = Column("booking_id")
        public static let status = Column("status")
        public static let offeredAt = Column("offered_at")
        public static let acceptedAt = Column("accepted_at")
        public static let declinedAt = Column("declined_at")
        public static let expiresAt = Column("expires_at")
        public static let closedAt = Column("closed_at")
        /// Every column, in table order.
        public static let all = [id, orgId, sitterId, bookingId, status, offeredAt, acceptedAt, declinedAt, expiresAt, closedAt]
    }
}

extension SitterMetricsWindow {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let sitterId = Column("sitter_id")
        public static let windowStart = Column("window_start")
        public static let windowEnd = Column("window_end")
        public static let avgResponseSeconds = Column("avg_response_seconds")
        public static let medianResponseSeconds = Column("median_response_seconds")
        public static let responseRate = Column("response_rate")
        public static let offerAcceptRate = Column("offer_accept_rate")
        public static let offerMedianResponseSeconds = Column("offer_median_response_seconds")
        public static let responseRequiredCount = Column("response_required_count")
        public static let responseSampleCount = Column("response_sample_count")
        public static let offerSampleCount = Column("offer_sample_count")
        public static let offerAcceptedCount = Column("offer_accepted_count")
        public static let offerResponseSampleCount = Column("offer_response_sample_count")
        public static let tier = Column("tier")
        public static let computedAt = Column("computed_at")
        /// Every column, in table order.
        public static let all = [id, orgId, sitterId, windowStart, windowEnd, avgResponseSeconds, medianResponseSeconds, responseRate, offerAcceptRate, offerMedianResponseSeconds, responseRequiredCount, responseSampleCount, offerSampleCount, offerAcceptedCount, offerResponseSampleCount, tier, computedAt]
    }
}

extension EventLog {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let eventType = Column("event_type")
        public static let status = Column("status")
        public static let metadata = Column("metadata")
        public static let bookingId = Column("booking_id")
        public static let createdAt = Column("created_at")
        /// Every column, in table order.
        public static let all = [id, orgId, eventType, status, metadata, bookingId, createdAt]
    }
}

extension WebhookReceipt {
    public enum Columns {
        public static let id = Column("id")
        public static let orgId = Column("org_id")
        public static let path = Column("path")
        public static let messageSid = Column("message_sid")
        public static let dedupeKey = Column("dedupe_key")
        public static let rawBody = Column("raw_body")
        public static let headers = Column("headers")
        public static let verdict = Column("verdict")
        public static let statusCode = Column("status_code")
        public static let responseBody = Column("response_body")
        public static let createdAt = Column("created_at")
        public static let latencySeconds = Column("latency_seconds")
        public static let routedAt = Column("routed_at")
        public static let bodyPrunedAt = Column("body_pruned_at")
        /// Every column, in table order.
        public static let all = [
            id, orgId, path, messageSid, dedupeKey, rawBody, headers, verdict, statusCode, responseBody, createdAt,
            latencySeconds, routedAt, bodyPrunedAt,
        ]
    }
}
