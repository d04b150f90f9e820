import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `--tiers` and `--window-days`: how metrics are computed.
struct TierOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The tier thresholds file.", discussion: "Defaults to Data/tiers.json.", valueName: "path"))
    var tiers: String?

    @Option(help: ArgumentHelp("The rolling window of the metrics, in days.", valueName: "days"))
    var windowDays: Int = TierSettings.defaultWindowDays

    func validate() throws {
        guard windowDays > 0 else {
            throw ValidationError("--window-days must be a whole number of days, 1 or more (got \(windowDays)).")
        }
    }

    /// The thresholds file named by `--tiers`, else the shipped `Data/tiers.json`, else the
    /// built-in copy of it.
    func settings() throws -> TierSettings {
        guard let path = tiers ?? DataFiles.locate("tiers.json") else {
            return TierSettings(windowDays: windowDays)
        }
        if let tiers { try InputFile.check(tiers, what: "the tiers file (--tiers)") }
        do {
            return try TierSettings.load(policyAt: path, windowDays: windowDays)
        } catch let error as TierPolicyError {
            throw CommandFailure("\(error); fix the file or pass --tiers with another one.")
        }
    }

    /// The policy whose figures are stored (what the console and the tier engine use): the
    /// shipped thresholds and the default window. Nil when the shipped file is unusable, so
    /// nothing is stored.
    static func storedSettings() -> TierSettings? {
        try? TierOptions.defaultSettings()
    }
}
