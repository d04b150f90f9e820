import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore

/// `--db`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: a SQLite file, or a PostgreSQL URL (postgres://USER@HOST/DB).",
            discussion: "Defaults to $SWITCHBOARD_DB, else switchboard.sqlite in $XDG_DATA_HOME/switchboard (or ~/.local/share/switchboard).",
            valueName: "path"))
    var db: String?

    /// Flags beat environment, environment beats the default.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        DatabaseLocation.resolve(flag: db, environment: environment)
    }

    /// Opens the database, creating it when missing (commands that write: `import`, `serve`,
    /// `console`); a file that cannot be used throws the store's one-sentence ``StoreError``
    /// (a runtime failure, printed without the usage text). A `postgres://` URL opens
    /// PostgreSQL, migrating its schema on the way.
    func open(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) async throws -> any Store {
        try await Self.open(resolvedPath(), mustExist: false, clock: clock, tierSettings: tierSettings)
    }

    /// Opens a database that must exist already: what commands that only read (`status`,
    /// `metrics`, `export`, `receipts`) and the record commands use, so a mistyped `--db` is
    /// reported rather than created empty. (A PostgreSQL database must exist on its server:
    /// a wrong name is refused there.)
    func openExisting(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) async throws -> any Store {
        try await Self.open(resolvedPath(), mustExist: true, clock: clock, tierSettings: tierSettings)
    }

    /// The store `target` names: a SQLite file's path, or a PostgreSQL URL.
    static func open(
        _ target: String, mustExist: Bool, clock: WallClock = .system, tierSettings: TierSettings = TierSettings()
    ) async throws -> any Store {
        if PostgresLocation.isPostgresURL(target) {
            return try await PostgresStore.open(PostgresLocation(url: target), clock: clock, tierSettings: tierSettings)
        }
        try refuseFolder(target)
        if mustExist && !FileManager.default.fileExists(atPath: target) {
            throw CommandFailure("no database at \(target); create one with `switchboard import FILE --db \(target)`")
        }
        return try AppDatabase.open(path: target, clock: clock, tierSettings: tierSettings)
    }

    /// A folder given as `--db` (a common slip: `--db ~/shop/`) is named as such, not
    /// reported as a file SQLite cannot open.
    static func refuseFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            let file = (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/switchboard.sqlite"
            throw CommandFailure("\(path) is a folder, not a database file; pass --db with a file's path, such as \(file)")
        }
    }
}
