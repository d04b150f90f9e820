import ArgumentParser
import Foundation
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
        let rows = try await store.metricsReport()
        if json {
            print(try MetricsReport.json(rows))
        } else if rows.isEmpty {
            print("No sitters yet: import some with `switchboard import FILE`.")
        } else {
            print(MetricsReport.table(rows, windowDays: settings.windowDays))
        }
    }
}
