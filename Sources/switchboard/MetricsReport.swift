import Foundation
import SwitchboardCore
import SwitchboardStore

/// The tier table as `switchboard metrics` prints it: a readable table, or stable JSON.
/// Formatting lives here, above the store, which only hands over records.
public enum MetricsReport {
    /// One object per sitter, grouped by org (orgs by id, sitters by name): `org` (the
    /// org's name), `sitter_id`, `name`, `tier`, and every column of `sitter_metrics_window`
    /// under the same name. Keys sorted, so scripts can diff it.
    public static func json(_ groups: [OrgMetrics]) throws -> String {
        let objects: [[String: JSONValue]] = groups.flatMap { group in
            group.rows.map { sitter, window in object(org: group.org, sitter: sitter, window: window) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(objects), as: UTF8.self)
    }

    static func object(org: Org, sitter: Sitter, window: SitterMetricsWindow) -> [String: JSONValue] {
            [
                "org": .string(org.name),
                "sitter_id": .int(sitter.id ?? 0),
                "name": .string(sitter.name),
                "tier": .string(window.tier),
                "id": window.id.map { .int($0) } ?? .null,
                "org_id": .int(window.orgId),
                "window_start": .string(window.windowStart.storedText),
                "window_end": .string(window.windowEnd.storedText),
                "avg_response_seconds": .double(window.avgResponseSeconds),
                "median_response_seconds": .double(window.medianResponseSeconds),
                "response_rate": .double(window.responseRate),
                "offer_accept_rate": .double(window.offerAcceptRate),
                "offer_median_response_seconds": .double(window.offerMedianResponseSeconds),
                "response_required_count": .int(Int64(window.responseRequiredCount)),
                "response_sample_count": .int(Int64(window.responseSampleCount)),
                "offer_sample_count": .int(Int64(window.offerSampleCount)),
                "offer_accepted_count": .int(Int64(window.offerAcceptedCount)),
                "offer_response_sample_count": .int(Int64(window.offerResponseSampleCount)),
                "computed_at": .string(window.computedAt.storedText),
            ]
    }

    /// A table for people: per org its name, then one line per sitter (``TierTable``, as
    /// the console shows it). Columns line up across orgs, so they compare at a glance.
    public static func table(_ groups: [OrgMetrics], windowDays: Int) -> String {
        let cellsByOrg = groups.map { group in
            group.rows.map { sitter, window in TierTable.cells(name: sitter.name, tier: window.tier, metrics: window.metrics) }
        }
        let widths = TierTable.widths(cellsByOrg.flatMap { $0 })
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - TextWidth.of(cell))
            }.joined(separator: "  ")
        }
        var out: [String] = []
        for (group, cells) in zip(groups, cellsByOrg) {
            if !out.isEmpty { out.append("") }
            let sitters = group.rows.count == 1 ? "1 sitter" : "\(group.rows.count) sitters"
            out.append("\(group.org.name) · \(sitters)")
            out += ([TierTable.header] + cells).map(line)
        }
        out.append("")
        out.append(TierTable.footnote(windowDays: windowDays))
        return out.joined(separator: "\n")
    }
}

/// The JSON values of the report, so nulls are written as `null` rather than left out.
enum JSONValue: Encodable {
    case string(String), int(Int64), double(Double?), null

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value?): try container.encode(value)
        case .double(nil), .null: try container.encodeNil()
        }
    }
}
