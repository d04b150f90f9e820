import Foundation
import GRDB
import SwitchboardCore

// Rows to records by column name (each record's `Columns`), for the records read on every console frame and every
// webhook. GRDB's Codable decoding with snake_case key conversion converts each key for
// each row and was most of a frame's read time; these initialisers replace it and a
// round-trip test proves they match what the Codable encoding writes. Dates are decoded by
// ``StoredDate`` (arithmetic, not GRDB's `Calendar`).

extension MessageThread {
    public init(row: Row) throws {
        self.init(
            id: row[Columns.id], orgId: row[Columns.orgId], assignedSitterId: row[Columns.assignedSitterId], scope: row[Columns.scope],
            bookingId: row[Columns.bookingId], clientId: row[Columns.clientId], counterpartE164: row[Columns.counterpartE164],
            maskedNumberE164: row[Columns.maskedNumberE164], numberClass: row[Columns.numberClass], createdAt: row.storedDate(Columns.createdAt),
            lastMessageAt: row.storedDate(Columns.lastMessageAt), unread: row[Columns.unread])
    }
}

extension MessageEvent {
    public init(row: Row) throws {
        self.init(
            id: row[Columns.id], orgId: row[Columns.orgId], threadId: row[Columns.threadId], direction: row[Columns.direction],
            actorType: row[Columns.actorType], body: row[Columns.body], providerMessageSid: row[Columns.providerMessageSid],
            createdAt: row.storedDate(Columns.createdAt), deliveryStatus: row[Columns.deliveryStatus])
    }
}

extension Sitter {
    public init(row: Row) throws {
        self.init(
            id: row[Columns.id], orgId: row[Columns.orgId], name: row[Columns.name], phoneE164: row[Columns.phoneE164], active: row[Columns.active],
            optedOut: row[Columns.optedOut])
    }
}

extension SitterMetricsWindow {
    public init(row: Row) throws {
        self.init(
            id: row[Columns.id], orgId: row[Columns.orgId], sitterId: row[Columns.sitterId], windowStart: row.storedDate(Columns.windowStart),
            windowEnd: row.storedDate(Columns.windowEnd), avgResponseSeconds: row[Columns.avgResponseSeconds],
            medianResponseSeconds: row[Columns.medianResponseSeconds], responseRate: row[Columns.responseRate],
            offerAcceptRate: row[Columns.offerAcceptRate], offerMedianResponseSeconds: row[Columns.offerMedianResponseSeconds],
            responseRequiredCount: row[Columns.responseRequiredCount], responseSampleCount: row[Columns.responseSampleCount],
            offerSampleCount: row[Columns.offerSampleCount], offerAcceptedCount: row[Columns.offerAcceptedCount],
            offerResponseSampleCount: row[Columns.offerResponseSampleCount], tier: row[Columns.tier], computedAt: row.storedDate(Columns.computedAt))
    }
}
