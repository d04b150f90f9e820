import Foundation
import PostgresNIO
import SwitchboardCore
import SwitchboardStore

extension PostgresStore {
    /// The owner's triage: a thread given to a sitter (or back to the owner), as SQLite's
    /// `assignThread` does it: both sitters' figures marked stale, the move logged.
    public func assignThread(_ threadID: RowID, to sitterID: RowID?) async throws -> MessageThread {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            guard var thread = try await c.rows(
                "SELECT \(unescaped: PostgresColumns.thread) FROM message_thread WHERE id = \(threadID) FOR UPDATE"
            ).first.map(MessageThread.init(postgres:))
            else { throw StoreError(.notFound, "thread \(threadID) does not exist") }
            if let sitterID, try await !c.exists("SELECT 1 FROM sitter WHERE id = \(sitterID)") {
                throw StoreError(.notFound, "sitter \(sitterID) does not exist")
            }
            let previous = thread.assignedSitterId
            let previousMailbox = thread.mailbox
            thread.assignedSitterId = sitterID
            try await c.run("UPDATE message_thread SET assigned_sitter_id = \(sitterID) WHERE id = \(threadID)")
            // The thread's response times move with it from one sitter's figures to another's.
            for case .sitter(let sitterId) in [previousMailbox, thread.mailbox] {
                try await Self.markMetricsStale(c, sitterId: sitterId)
            }
            try await Self.logEvent(
                c, orgId: thread.orgId, type: sitterID == nil ? "thread.unassigned" : "thread.assigned",
                metadata: [
                    "thread_id": String(threadID), "sitter_id": sitterID.map(String.init) ?? "",
                    "previous_sitter_id": previous.map(String.init) ?? "",
                ],
                bookingId: thread.bookingId, at: now)
            return thread
        }
    }
}

extension PostgresStore {
    /// `switchboard metrics`: every sitter of every org (or of the one named), by name, with
    /// figures computed now; stored only under the store's own tier settings.
    public func metricsReport(orgName: String?, storing: Bool) async throws -> [OrgMetrics] {
        let now = clock.now.storedPrecision
        return try await database.transaction { c in
            let orgs = try await c.rows("SELECT id, name, time_zone FROM org ORDER BY id").map { row in
                let (id, name, zone) = try row.decode((Int64, String, String?).self)
                return Org(id: id, name: name, timeZone: zone)
            }
            var report: [OrgMetrics] = []
            for org in try Org.reported(named: orgName, among: orgs) {
                var rows: [(sitter: Sitter, window: SitterMetricsWindow)] = []
                for sitter in try await Self.sitters(c, orgId: org.id!) {
                    rows.append((sitter, try await recompute(c, sitterId: sitter.id!, now: now, storing: storing)))
                }
                report.append(OrgMetrics(org: org, rows: rows))
            }
            return report
        }
    }
}
