import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

/// The tier engine on PostgreSQL: SQLite's `Metrics/TierEngine.swift`, the arithmetic and
/// the tiers Core's (``SitterMetrics``, ``TierPolicy``). Safe on every listener at once:
/// stale marks are taken with `DELETE … RETURNING` (each mark by one listener), and a
/// window is written with an upsert on its unique `sitter_id` that keeps the window computed
/// last (as SQLite's `storeUnlessNewerStored`), so two listeners recomputing one sitter
/// both succeed and the later computation's figures stand, whichever commits last.
extension PostgresStore {
    public func refreshStaleMetrics() async throws -> Int {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            let stale = try await c.rows("DELETE FROM metrics_stale RETURNING sitter_id").map { try $0.decode(Int64.self) }
            for sitterId in stale { try await recompute(c, sitterId: sitterId, now: now, storing: true) }
            return stale.count
        }
    }

    public func recomputeAllMetrics(orgId: RowID) async throws {
        let now = clock.now.storedPrecision
        try await database.transaction { c in
            for sitter in try await Self.sitters(c, orgId: orgId) {
                try await recompute(c, sitterId: sitter.id!, now: now, storing: true)
            }
        }
    }

    public func recomputeEveryonesMetrics() async throws -> Int {
        let orgs = try await database.client.query("SELECT id FROM org ORDER BY id").collect().map { try $0.decode(Int64.self) }
        for org in orgs { try await recomputeAllMetrics(orgId: org) }
        return 0
    }

    static func sitters(_ c: PostgresConnection, orgId: RowID) async throws -> [Sitter] {
        try await c.rows("SELECT \(unescaped: PostgresColumns.sitter) FROM sitter WHERE org_id = \(orgId) ORDER BY lower(name), id")
            .map(Sitter.init(postgres:))
    }

    @discardableResult
    func recompute(_ c: PostgresConnection, sitterId: RowID, now: Date, storing: Bool) async throws -> SitterMetricsWindow {
        guard let orgId = try await c.first("SELECT org_id FROM sitter WHERE id = \(sitterId)", as: Int64.self) else {
            throw StoreError(.notFound, "sitter \(sitterId) does not exist")
        }
        let window = tierSettings.window(endingAt: now)
        let (start, end) = (window.lowerBound, window.upperBound)
        let responses = try await c.rows(
            """
            SELECT response_seconds FROM message_response_link
            WHERE thread_id IN (
                SELECT id FROM message_thread WHERE org_id = \(orgId)
                  AND (CASE WHEN assigned_sitter_id IS NOT NULL AND scope IN ('client_booking','client_general') THEN assigned_sitter_id ELSE 0 END) = \(sitterId))
              AND requires_at >= \(start) AND requires_at <= \(end)
            """
        ).map { try $0.decode(Double?.self) }
        let offers = try await c.rows(
            """
            SELECT \(unescaped: PostgresColumns.offer) FROM offer_event
            WHERE sitter_id = \(sitterId) AND offered_at >= \(start) AND offered_at <= \(end) AND status <> 'withdrawn'
            """
        ).map(OfferEvent.init(postgres:))
        let outcomes: [SitterMetrics.OfferOutcome] = offers.compactMap { offer in
            switch offer.status {
            case .accepted: .accepted(seconds: (offer.acceptedAt ?? offer.offeredAt).timeIntervalSince(offer.offeredAt))
            case .declined: .declined(seconds: (offer.declinedAt ?? offer.offeredAt).timeIntervalSince(offer.offeredAt))
            case .expired: .expired
            case .offered: offer.isPending(at: now) ? nil : .expired
            case .withdrawn: nil
            }
        }
        let metrics = SitterMetrics.compute(responses: responses, offers: outcomes)
        let tier = tierSettings.policy.tier(for: metrics)
        let row = SitterMetricsWindow(
            orgId: orgId, sitterId: sitterId, windowStart: start, windowEnd: end,
            avgResponseSeconds: metrics.avgResponseSeconds, medianResponseSeconds: metrics.medianResponseSeconds,
            responseRate: metrics.responseRate, offerAcceptRate: metrics.offerAcceptRate,
            offerMedianResponseSeconds: metrics.offerMedianResponseSeconds,
            responseRequiredCount: metrics.responseRequiredCount, responseSampleCount: metrics.responseSampleCount,
            offerSampleCount: metrics.offerSampleCount, offerAcceptedCount: metrics.offerAcceptedCount,
            offerResponseSampleCount: metrics.offerResponseSampleCount, tier: tier, computedAt: now)
        guard storing else { return row }
        try await c.run(
            """
            INSERT INTO sitter_metrics_window (org_id, sitter_id, window_start, window_end, avg_response_seconds,
                median_response_seconds, response_rate, offer_accept_rate, offer_median_response_seconds,
                response_required_count, response_sample_count, offer_sample_count, offer_accepted_count,
                offer_response_sample_count, tier, computed_at)
            VALUES (\(orgId), \(sitterId), \(start), \(end), \(row.avgResponseSeconds), \(row.medianResponseSeconds),
                \(row.responseRate), \(row.offerAcceptRate), \(row.offerMedianResponseSeconds),
                \(Int64(row.responseRequiredCount)), \(Int64(row.responseSampleCount)), \(Int64(row.offerSampleCount)),
                \(Int64(row.offerAcceptedCount)), \(Int64(row.offerResponseSampleCount)), \(tier), \(now))
            ON CONFLICT (sitter_id) DO UPDATE SET org_id = excluded.org_id, window_start = excluded.window_start,
                window_end = excluded.window_end, avg_response_seconds = excluded.avg_response_seconds,
                median_response_seconds = excluded.median_response_seconds, response_rate = excluded.response_rate,
                offer_accept_rate = excluded.offer_accept_rate,
                offer_median_response_seconds = excluded.offer_median_response_seconds,
                response_required_count = excluded.response_required_count,
                response_sample_count = excluded.response_sample_count, offer_sample_count = excluded.offer_sample_count,
                offer_accepted_count = excluded.offer_accepted_count,
                offer_response_sample_count = excluded.offer_response_sample_count, tier = excluded.tier,
                computed_at = excluded.computed_at
            WHERE sitter_metrics_window.computed_at <= excluded.computed_at
                OR sitter_metrics_window.computed_at > \(clock.now.storedPrecision)
            """)
        return row
    }
}
