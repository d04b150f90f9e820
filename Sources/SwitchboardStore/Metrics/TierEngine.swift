import Foundation
import GRDB
import SwitchboardCore

/// How metrics are computed: the tier thresholds and the rolling window.
public struct TierSettings: Sendable, Equatable {
    public var policy: TierPolicy
    public var windowDays: Int

    public static let defaultWindowDays = 30

    public init(policy: TierPolicy = .builtIn, windowDays: Int = defaultWindowDays) {
        self.policy = policy
        self.windowDays = windowDays
    }

    /// Reads a policy file (`Data/tiers.json` format).
    public static func load(policyAt path: String, windowDays: Int = defaultWindowDays) throws -> TierSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TierPolicyError(file: path, field: "(file)", problem: "cannot be read")
        }
        return TierSettings(policy: try TierPolicy.decode(data, file: path), windowDays: windowDays)
    }

    /// The window ending at `now`: `[now − windowDays, now]`, both ends included.
    public func window(endingAt now: Date) -> ClosedRange<Date> {
        now.addingTimeInterval(-Double(windowDays) * 86_400)...now
    }
}

extension AppDatabase {
    // MARK: - Tier engine

    /// Marks a sitter's metrics as needing a recompute: one indexed insert, cheap enough for
    /// the ingest path. Call it inside the write that changed what the metrics are made of
    /// (``appendMessage`` does when a response link opens or closes; assignments, offer
    /// answers and expiries do too). ``TierEngineService`` recomputes marked sitters soon after
    /// the commit (a quarter second, or longer after a refresh that took long), one refresh
    /// for a whole burst, so metrics update live without slowing ingest.
    static func markMetricsStale(_ db: Database, sitterId: RowID) throws {
        try db.run(hot: .markMetricsStale, sitterId)
    }

    /// Recomputes the metrics of every sitter marked stale, and clears the marks. Returns
    /// how many marks were taken (a sitter removed meanwhile is skipped); writes nothing
    /// when there were none.
    ///
    /// The marks are taken in a short write, the metrics computed in a read and stored in a
    /// second short write (``computeAndStore(_:)``): a commit after the taking marks its
    /// sitter again, for the next refresh. If computing fails or is cancelled, the marks are
    /// put back; if the process dies in between, the full refresh at the next start covers
    /// them.
    @discardableResult
    public func refreshStaleMetrics() async throws -> Int {
        let pending = try await reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM metrics_stale") ?? 0 }
        guard pending > 0 else { return 0 }
        let sitterIds = try await writer.write { db in
            let taken = try RowID.fetchAll(db, sql: "SELECT sitter_id FROM metrics_stale")
            try db.execute(sql: "DELETE FROM metrics_stale")
            return taken
        }
        do {
            try await computeAndStore(sitterIds)
        } catch {
            // A task of its own: a cancelled one (a shutdown) would not write.
            try await Task {
                try await writer.write { db in
                    for sitterId in sitterIds where try Sitter.exists(db, key: sitterId) {
                        try Self.markMetricsStale(db, sitterId: sitterId)
                    }
                }
            }.value
            throw error
        }
        return sitterIds.count
    }

    /// Computes the windows of `sitterIds` at one `now` in a read transaction, then stores
    /// them in a short write. The writer is every webhook's: computing there made each of
    /// them wait (a busy sitter's month of threads took milliseconds; every sitter of the
    /// 1M-message benchmark database, which the full refresh did each minute, 0.4 s). In WAL
    /// mode the read runs beside the writer.
    func computeAndStore(_ sitterIds: [RowID]) async throws {
        guard !sitterIds.isEmpty else { return }
        let now = clock.now
        let settings = tierSettings
        let windows = try await reader.read { db in
            try sitterIds.compactMap { sitterId -> SitterMetricsWindow? in
                // A sitter removed since she was marked has nothing to compute.
                guard try Sitter.exists(db, key: sitterId) else { return nil }
                return try Self.computeSitterMetrics(db, sitterId: sitterId, now: now, settings: settings)
            }
        }
        try await store(windows)
    }

    /// Stores windows computed earlier in one short write (each unless a newer one is stored:
    /// ``storeUnlessNewerStored(_:_:now:)``), judged against the clock at that write.
    func store(_ windows: [SitterMetricsWindow]) async throws {
        guard !windows.isEmpty else { return }
        let clock = clock
        try await writer.write { db in
            let storedAt = clock.now
            for window in windows { try Self.storeUnlessNewerStored(db, window, now: storedAt) }
        }
    }

    /// Stores a window computed earlier, unless its sitter is gone or a window computed after
    /// it is already stored (a command, or the other refresh, recomputed her meanwhile). A
    /// stored window dated after `now` (the clock was stepped back since) is replaced:
    /// otherwise metrics would freeze until the clock caught up.
    static func storeUnlessNewerStored(_ db: Database, _ window: SitterMetricsWindow, now: Date) throws {
        guard try Sitter.exists(db, key: window.sitterId) else { return }
        let storedLater = try Bool.fetchOne(
            db, sql: "SELECT computed_at > ? AND computed_at <= ? FROM sitter_metrics_window WHERE sitter_id = ?",
            arguments: [window.computedAt, now, window.sitterId]) ?? false
        guard !storedLater else { return }
        try db.execute(sql: "DELETE FROM sitter_metrics_window WHERE sitter_id = ?", arguments: [window.sitterId])
        var stored = window
        stored.id = nil
        try stored.insert(db)
    }

    /// Recomputes one sitter's metrics window inside the caller's transaction and stores it
    /// in `sitter_metrics_window`. On a hot path prefer ``markMetricsStale(_:sitterId:)``.
    ///
    /// It reads only this sitter's threads (through the mailbox index) and offers (through
    /// `offer_event_sitter`), so its cost does not grow with the history of other sitters.
    @discardableResult
    func recomputeSitterMetrics(_ db: Database, sitterId: RowID, now: Date) throws -> SitterMetricsWindow {
        try Self.recomputeSitterMetrics(db, sitterId: sitterId, now: now, settings: tierSettings)
    }

    @discardableResult
    static func recomputeSitterMetrics(
        _ db: Database, sitterId: RowID, now: Date, settings: TierSettings
    ) throws -> SitterMetricsWindow {
        let row = try computeSitterMetrics(db, sitterId: sitterId, now: now, settings: settings)
        try db.execute(sql: "DELETE FROM sitter_metrics_window WHERE sitter_id = ?", arguments: [sitterId])
        var stored = row
        try stored.insert(db)
        return stored
    }

    /// The metrics of one sitter over the window ending at `now`, without storing them.
    static func computeSitterMetrics(
        _ db: Database, sitterId: RowID, now: Date, settings: TierSettings
    ) throws -> SitterMetricsWindow {
        guard let sitter = try Sitter.fetchOne(db, key: sitterId) else {
            throw StoreError(.notFound, "sitter \(sitterId) does not exist")
        }
        let window = settings.window(endingAt: now)
        // A sitter's response links: those of the threads in the sitter's mailbox whose
        // requiring message falls in the window.
        let responses = try Double?.fetchAll(
            db,
            sql: """
                SELECT response_seconds FROM message_response_link
                WHERE thread_id IN (
                    SELECT id FROM message_thread WHERE org_id = ? AND \(Mailbox.sqlKeyExpression) = ?)
                  AND requires_at >= ? AND requires_at <= ?
                """,
            arguments: [sitter.orgId, Mailbox.sitter(sitterId).key, window.lowerBound, window.upperBound])
        // Its offers: those offered in the window; withdrawn ones don't count, and pending
        // ones have no outcome yet. An offer past its expiry counts as expired even before
        // the sweep marks it.
        let offers = try OfferEvent.fetchAll(
            db,
            sql: """
                SELECT * FROM offer_event
                WHERE sitter_id = ? AND offered_at >= ? AND offered_at <= ? AND status <> 'withdrawn'
                """,
            arguments: [sitterId, window.lowerBound, window.upperBound])
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
        return SitterMetricsWindow(
            orgId: sitter.orgId, sitterId: sitterId, windowStart: window.lowerBound, windowEnd: window.upperBound,
            avgResponseSeconds: metrics.avgResponseSeconds, medianResponseSeconds: metrics.medianResponseSeconds,
            responseRate: metrics.responseRate, offerAcceptRate: metrics.offerAcceptRate,
            offerMedianResponseSeconds: metrics.offerMedianResponseSeconds,
            responseRequiredCount: metrics.responseRequiredCount, responseSampleCount: metrics.responseSampleCount,
            offerSampleCount: metrics.offerSampleCount, offerAcceptedCount: metrics.offerAcceptedCount,
            offerResponseSampleCount: metrics.offerResponseSampleCount,
            tier: settings.policy.tier(for: metrics), computedAt: now)
    }

    /// Recomputes and stores every sitter's metrics window of an org: computed in a read,
    /// stored in a short write (``computeAndStore(_:)``).
    public func recomputeAllMetrics(orgId: RowID) async throws {
        let sitterIds = try await reader.read { db in try Self.sitters(db, orgId: orgId).compactMap(\.id) }
        try await computeAndStore(sitterIds)
    }

    /// The orgs `switchboard metrics` reports on: every org (by id), or the one named
    /// `orgName`. An unknown name is refused with the names that exist.
    static func reportedOrgs(_ db: Database, named orgName: String?) throws -> [Org] {
        try Org.reported(named: orgName, among: Self.orgs(db))
    }
}

extension Org {
    /// The orgs a metrics report covers: all, or the one named (a sentence naming the orgs
    /// when none is).
    public static func reported(named orgName: String?, among orgs: [Org]) throws -> [Org] {
        guard let orgName else { return orgs }
        let chosen = orgs.filter { $0.name == orgName }
        guard chosen.isEmpty else { return chosen }
        let known = orgs.isEmpty ? "there are none yet: import one with `switchboard import FILE`" : "the orgs are "
            + orgs.map { "\"\($0.name)\"" }.joined(separator: ", ")
        throw StoreError(.notFound, "No org is named \"\(orgName)\": \(known).")
    }
}

extension AppDatabase {
    /// Every sitter of every org (or of the org named `orgName`), grouped by org, by name
    /// within it, with its metrics computed now over the store's tier settings.
    ///
    /// Only the stored policy writes `sitter_metrics_window` (what the console shows): with
    /// `storing` false (another thresholds file or window) the figures are computed and
    /// shown, never stored.
    public func metricsReport(orgName: String? = nil, storing: Bool) async throws -> [OrgMetrics] {
        let now = clock.now
        let settings = tierSettings
        // Computed in a read, stored (when storing) in a short write: never in the writer,
        // which every webhook waits for.
        let reports = try await reader.read { db in
            try Self.reportedOrgs(db, named: orgName).map { org in
                let rows = try Self.sitters(db, orgId: org.id!).compactMap { sitter -> (sitter: Sitter, window: SitterMetricsWindow)? in
                    guard let sitterId = sitter.id else { return nil }
                    return (sitter, try Self.computeSitterMetrics(db, sitterId: sitterId, now: now, settings: settings))
                }
                return OrgMetrics(org: org, rows: rows)
            }
        }
        if storing { try await store(reports.flatMap { $0.rows.map(\.window) }) }
        return reports
    }

    /// Recomputes and stores the metrics of every sitter of every org: the tier engine's
    /// periodic refresh, so samples that age out of the window leave the figures.
    /// Returns 0: it is not a count of stale sitters.
    public func recomputeEveryonesMetrics() async throws -> Int {
        let orgs = try await reader.read { db in try Self.orgs(db) }
        for org in orgs {
            if let orgId = org.id { try await recomputeAllMetrics(orgId: orgId) }
        }
        return 0
    }

    /// The stored metrics of every sitter of an org, with the sitter's name, by name.
    static func metricsTable(_ db: Database, orgId: RowID) throws -> [(sitter: Sitter, window: SitterMetricsWindow?)] {
        let windows = try SitterMetricsWindow.filter(SitterMetricsWindow.Columns.orgId == orgId).fetchAll(db)
        let bySitter = Dictionary(windows.map { ($0.sitterId, $0) }, uniquingKeysWith: { first, _ in first })
        return try sitters(db, orgId: orgId).map { ($0, bySitter[$0.id!]) }
    }
}

/// One org's sitters with their metrics, as `switchboard metrics` reports them.
public struct OrgMetrics: Sendable {
    public var org: Org
    public var rows: [(sitter: Sitter, window: SitterMetricsWindow)]

    public init(org: Org, rows: [(sitter: Sitter, window: SitterMetricsWindow)]) {
        self.org = org
        self.rows = rows
    }
}

extension SitterMetricsWindow {
    /// The stored figures, as the tier rules and the tier table take them.
    public var metrics: SitterMetrics {
        var metrics = SitterMetrics()
        metrics.avgResponseSeconds = avgResponseSeconds
        metrics.medianResponseSeconds = medianResponseSeconds
        metrics.responseRate = responseRate
        metrics.offerAcceptRate = offerAcceptRate
        metrics.offerMedianResponseSeconds = offerMedianResponseSeconds
        metrics.responseRequiredCount = responseRequiredCount
        metrics.responseSampleCount = responseSampleCount
        metrics.offerSampleCount = offerSampleCount
        metrics.offerAcceptedCount = offerAcceptedCount
        metrics.offerResponseSampleCount = offerResponseSampleCount
        return metrics
    }
}
