import Foundation
import GRDB
import SwitchboardCore

// Rows to records by column name, for the records read on every console frame and every
// webhook. GRDB's Codable decoding with snake_case key conversion converts each key for
// each row and was most of a frame's read time; these initialisers replace it and a
// round-trip test proves they match what the Codable encoding writes.

extension MessageThread {
    public init(row: Row) throws {
        self.init(
            id: row["id"], orgId: row["org_id"], assignedSitterId: row["assigned_sitter_id"], scope: row["scope"],
            bookingId: row["booking_id"], clientId: row["client_id"], counterpartE164: row["counterpart_e164"],
            maskedNumberE164: row["masked_number_e164"], numberClass: row["number_class"], createdAt: row["created_at"],
            lastMessageAt: row["last_message_at"], unread: row["unread"])
    }
}

extension MessageEvent {
    public init(row: Row) throws {
        self.init(
            id: row["id"], orgId: row["org_id"], threadId: row["thread_id"], direction: row["direction"],
            actorType: row["actor_type"], body: row["body"], providerMessageSid: row["provider_message_sid"],
            createdAt: row["created_at"], deliveryStatus: row["delivery_status"])
    }
}

extension Sitter {
    public init(row: Row) throws {
        self.init(
            id: row["id"], orgId: row["org_id"], name: row["name"], phoneE164: row["phone_e164"], active: row["active"],
            optedOut: row["opted_out"])
    }
}

extension SitterMetricsWindow {
    public init(row: Row) throws {
        self.init(
            id: row["id"], orgId: row["org_id"], sitterId: row["sitter_id"], windowStart: row["window_start"],
            windowEnd: row["window_end"], avgResponseSeconds: row["avg_response_seconds"],
            medianResponseSeconds: row["median_response_seconds"], responseRate: row["response_rate"],
            offerAcceptRate: row["offer_accept_rate"], offerMedianResponseSeconds: row["offer_median_response_seconds"],
            responseRequiredCount: row["response_required_count"], responseSampleCount: row["response_sample_count"],
            offerSampleCount: row["offer_sample_count"], offerAcceptedCount: row["offer_accepted_count"],
            offerResponseSampleCount: row["offer_response_sample_count"], tier: row["tier"], computedAt: row["computed_at"])
    }
}
