import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Issue 10, defects 6 and 7: a thresholds file that is not the stored policy never
/// overwrites the stored metrics, and every org of a database is reported and refreshed.
struct OrgsAndPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("The shipped tiers.json with one misspelt threshold is refused, not read as 'no threshold' (everyone gold)")
    func misspeltThresholdIsRefused() throws {
        let path = packageRoot.appendingPathComponent("Data/tiers.json").path
        let shipped = try String(contentsOfFile: path, encoding: .utf8)
        let typo = shipped.replacingOccurrences(of: "\"max_median_response_seconds\": 600", with: "\"max_median_response_second\": 600")
        #expect(typo != shipped)
        let error = #expect(throws: TierPolicyError.self) { try TierPolicy.decode(Data(typo.utf8), file: "typo.json") }
        #expect(error?.file == "typo.json")
        #expect(error?.field == "tiers[0].max_median_response_second")
        #expect(error?.description.contains(#"did you mean "max_median_response_seconds"?"#) == true, "\(String(describing: error))")
    }

    @Test("A report over another policy shows its tiers and leaves sitter_metrics_window as stored")
    func otherPolicyIsShownNotStored() async throws {
        let store = try AppDatabase.makeEmpty(clock: .fixed(Self.now))
        _ = try await store.importFile(atPath: demoFilePath)
        let stored = try await store.metricsReport(storing: true)
        let before = try await store.reader.read { db in try SitterMetricsWindow.order(sql: "sitter_id").fetchAll(db) }
        #expect(before.count == stored.flatMap(\.rows).count && !before.isEmpty)

        // Everyone gold: a policy whose first tier admits all.
        let lenient = TierPolicy(provisionalBelow: .init(responseSamples: 0, offerSamples: 0), tiers: [.init(name: "everyone")])
        // The default window, as `metrics --tiers OTHER.json` has it.
        let other = try AppDatabase(store.writer, clock: .fixed(Self.now), tierSettings: TierSettings(policy: lenient))
        let shown = try await other.metricsReport(storing: false)
        #expect(shown.flatMap(\.rows).allSatisfy { $0.window.tier == "everyone" })
        let after = try await other.reader.read { db in try SitterMetricsWindow.order(sql: "sitter_id").fetchAll(db) }
        #expect(after == before, "another policy or window is shown without being stored")
    }

    @Test("metrics reports every org, grouped, sitters by name; orgName picks one; an unknown name lists the orgs")
    func reportGroupsByOrg() async throws {
        let store = try AppDatabase.makeEmpty(clock: .fixed(Self.now))
        try await importDemoAndSecondOrg(into: store)
        let all = try await store.metricsReport(storing: false)
        #expect(all.map(\.org.name) == ["Pawsitive Pet Sitting Co.", "Harbor Hounds"])
        try #require(all.count == 2)
        #expect(all[0].rows.count == 7)
        #expect(all[1].rows.map(\.sitter.name) == ["Ana Ruiz", "Sam Lee"])
        #expect(all[1].rows.allSatisfy { $0.window.orgId == all[1].org.id })
        #expect(all[1].rows[1].window.responseSampleCount == 1, "Sam's answered client message counts")

        let harbor = try await store.metricsReport(orgName: "Harbor Hounds", storing: false)
        #expect(harbor.map(\.org.name) == ["Harbor Hounds"])

        let error = await #expect(throws: StoreError.self) { try await store.metricsReport(orgName: "Harbour", storing: false) }
        #expect(error?.description == #"No org is named "Harbour": the orgs are "Pawsitive Pet Sitting Co.", "Harbor Hounds"."#)
    }

    @Test("The tier engine's full refresh recomputes the sitters of every org")
    func fullRefreshCoversEveryOrg() async throws {
        let store = try AppDatabase.makeEmpty(clock: .fixed(Self.now))
        try await importDemoAndSecondOrg(into: store)
        try await store.writer.write { db in try db.execute(sql: "DELETE FROM sitter_metrics_window") }
        _ = try await store.recomputeEveryonesMetrics()
        let counts = try await store.reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT org.name, count(sitter_metrics_window.id) AS windows, count(sitter.id) AS sitters
                    FROM org JOIN sitter ON sitter.org_id = org.id
                    LEFT JOIN sitter_metrics_window ON sitter_metrics_window.sitter_id = sitter.id
                    GROUP BY org.id ORDER BY org.id
                    """
            ).map { [$0["name"] as String: [$0["windows"] as Int, $0["sitters"] as Int]] }
        }
        #expect(counts == [["Pawsitive Pet Sitting Co.": [7, 7]], ["Harbor Hounds": [2, 2]]])
    }

    @Test("The tier engine service's periodic refresh reaches a second org's sitters")
    func serviceRefreshesEveryOrg() async throws {
        let store = try AppDatabase.makeEmpty(clock: .fixed(Self.now))
        try await importDemoAndSecondOrg(into: store)
        try await store.writer.write { db in try db.execute(sql: "DELETE FROM sitter_metrics_window") }
        let service = TierEngineService(store: store, fullRefreshInterval: .seconds(3600))
        let task = Task { try await service.run() }
        defer { task.cancel() }
        // Wait (bounded) for the first full refresh; no timing is asserted.
        var harborWindows = 0
        for _ in 0..<200 where harborWindows < 2 {
            harborWindows = try await store.reader.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM sitter_metrics_window
                        WHERE org_id = (SELECT id FROM org WHERE name = 'Harbor Hounds')
                        """) ?? 0
            }
            if harborWindows < 2 { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(harborWindows == 2)
    }
}
