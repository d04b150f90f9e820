import ArgumentParser
import Foundation
import GRDB
import SwitchboardStore

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Show each sitter's response and offer metrics and the tier they earn.",
        discussion: """
            Recomputes every sitter's metrics over the window ending now. With the default \
            window the result is stored in sitter_metrics_window (what the console shows); \
            another --window-days is shown without being stored.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var tierOptions: TierOptions

    @Flag(help: "Print JSON for scripts: an array of objects with sitter_id, name, tier and every column of sitter_metrics_window.")
    var json = false

    func run() async throws {
        let settings = try tierOptions.settings()
        let store = try database.open(tierSettings: settings)
        let now = store.clock.now
        let rows = try await store.writer.write { db -> [(sitter: Sitter, window: SitterMetricsWindow)] in
            guard let org = try AppDatabase.primaryOrg(db) else { return [] }
            let storing = settings.windowDays == TierSettings.defaultWindowDays
            return try AppDatabase.sitters(db, orgId: org.id!).map { sitter in
                let window =
                    storing
                    ? try store.recomputeSitterMetrics(db, sitterId: sitter.id!, now: now)
                    : try AppDatabase.computeSitterMetrics(db, sitterId: sitter.id!, now: now, settings: settings)
                return (sitter, window)
            }
        }
        if json {
            print(try MetricsReport.json(rows))
        } else if rows.isEmpty {
            print("No sitters yet: import some with `switchboard import FILE`.")
        } else {
            print(MetricsReport.table(rows, windowDays: settings.windowDays))
        }
    }
}
