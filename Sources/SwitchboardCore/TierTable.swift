/// The tier table as people read it, written once for the console's `t` view and for
/// `switchboard metrics`: the headings, and per sitter its tier and figures (durations and
/// rates written for reading, each rate with its samples).
public enum TierTable {
    public static let header = ["SITTER", "TIER", "MEDIAN REPLY", "AVG REPLY", "REPLIED", "OFFERS ACCEPTED", "MEDIAN OFFER ANSWER"]

    /// One sitter's cells, in the order of ``header``; dashes when nothing is computed yet.
    public static func cells(name: String, tier: String?, metrics: SitterMetrics?) -> [String] {
        guard let tier, let metrics else { return [name] + Array(repeating: "—", count: header.count - 1) }
        return [
            name, tier,
            DurationText.short(metrics.medianResponseSeconds),
            DurationText.short(metrics.avgResponseSeconds),
            "\(DurationText.percent(metrics.responseRate)) (\(metrics.responseSampleCount)/\(metrics.responseRequiredCount))",
            "\(DurationText.percent(metrics.offerAcceptRate)) (\(metrics.offerAcceptedCount)/\(metrics.offerSampleCount))",
            DurationText.short(metrics.offerMedianResponseSeconds),
        ]
    }

    /// Each column's width in terminal columns: its widest cell, the heading included.
    public static func widths(_ rows: [[String]]) -> [Int] {
        header.indices.map { column in ([header] + rows).map { TextWidth.of($0[column]) }.max() ?? 0 }
    }

    /// What the table's figures cover.
    public static func footnote(windowDays: Int) -> String {
        "Window: the last \(windowDays) days. Tiers from the thresholds file; \(TierPolicy.provisional) = too few samples."
    }
}
