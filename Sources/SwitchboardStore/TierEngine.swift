import GRDB
import SwitchboardCore

extension AppDatabase {
    /// Recomputes every sitter's metrics window (filled in by the tier engine).
    public func recomputeAllMetrics(orgId: RowID) async throws {}
}
