import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `--db`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database file.",
            discussion: "Defaults to $SWITCHBOARD_DB, else switchboard.sqlite in $XDG_DATA_HOME/switchboard (or ~/.local/share/switchboard).",
            valueName: "path"))
    var db: String?

    /// Flags beat environment, environment beats the default.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        DatabaseLocation.resolve(flag: db, environment: environment)
    }

    /// Opens the database; a file that cannot be used throws the store's one-sentence
    /// ``StoreError`` (a runtime failure, printed without the usage text).
    func open(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) throws -> AppDatabase {
        try AppDatabase.open(path: resolvedPath(), clock: clock, tierSettings: tierSettings)
    }
}
