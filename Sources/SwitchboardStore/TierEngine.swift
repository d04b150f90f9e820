import Foundation
import GRDB
import SwitchboardCore

extension AppDatabase {
    /// Recomputes one sitter's metrics window inside the caller's transaction. Call it after
    /// a response link closes or an offer is answered or expires. (Tier engine: issue 5.)
    public static func recomputeSitterMetrics(_ db: Database, sitterId: RowID, now: Date) throws {}

    /// Recomputes every sitter's metrics window (filled in by the tier engine).
    public func recomputeAllMetrics(orgId: RowID) async throws {}
}
