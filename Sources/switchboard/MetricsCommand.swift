import ArgumentParser
import Foundation
import SwitchboardStore

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Show each sitter's response and offer metrics and the tier they earn.",
        discussion: """
            Recomputes every sitter's metrics over the window ending now, grouped by org \
            (--org picks one). With the stored policy (Data/tiers.json and the default \
            window) the result is stored in sitter_metrics_window (what the console shows); \
            another --tiers file or --window-days is shown without being stored.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var tierOptions: TierOptions

    @Option(help: ArgumentHelp("Only the org with this name (default: every org).", valueName: "name"))
    var org: String?

    @Flag(
        help: "Print JSON for scripts: an array of objects, grouped by org, with org, sitter_id, name, tier and every column of sitter_metrics_window."
    )
    var json = false

    func run() async throws {
        let settings = try tierOptions.settings()
        let store = try await database.openExisting(tierSettings: settings)
        let groups = try await store.metricsReport(orgName: org, storing: settings == TierOptions.storedSettings())
        if json {
            print(try MetricsReport.json(groups))
        } else if groups.allSatisfy({ $0.rows.isEmpty }) {
            print("No sitters yet: import some with `switchboard import FILE`.")
        } else {
            print(MetricsReport.table(groups, windowDays: settings.windowDays))
        }
    }
}
