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
            "The database file.",
            discussion: "Defaults to $SWITCHBOARD_DB, else switchboard.sqlite in $XDG_DATA_HOME/switchboard (or ~/.local/share/switchboard).",
            valueName: "path"))
    var db: String?

    /// Flags beat environment, environment beats the default.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        DatabaseLocation.resolve(flag: db, environment: environment)
    }

    /// Opens the database, creating it when missing (commands that write: `import`, `serve`,
    /// `console`); a file that cannot be used throws the store's one-sentence ``StoreError``
    /// (a runtime failure, printed without the usage text).
    func open(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) throws -> any Store {
        let path = resolvedPath()
        try Self.refusePostgres(path)
        try Self.refuseFolder(path)
        return try AppDatabase.open(path: path, clock: clock, tierSettings: tierSettings)
    }

    /// Opens a database that must exist already: what commands that only read (`status`,
    /// `metrics`, `export`, `receipts`) and the record commands use, so a mistyped `--db` is
    /// reported rather than created empty.
    func openExisting(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) throws -> any Store {
        let path = resolvedPath()
        try Self.refusePostgres(path)
        try Self.refuseFolder(path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("no database at \(path); create one with `switchboard import FILE --db \(path)`")
        }
        return try AppDatabase.open(path: path, clock: clock, tierSettings: tierSettings)
    }

    /// Opens the store `--db` names, SQLite or PostgreSQL (`postgres://…`, migrated on the
    /// way): what the commands that run on PostgreSQL already (`serve`) use.
    func openStore(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) async throws -> any Store {
        let target = resolvedPath()
        guard PostgresLocation.isPostgresURL(target) else { return try open(clock: clock, tierSettings: tierSettings) }
        return try await PostgresStore.open(PostgresLocation(url: target), clock: clock, tierSettings: tierSettings)
    }

    /// A PostgreSQL URL given to a command that runs on SQLite only (for now) is named as
    /// such, rather than taken for a file name.
    static func refusePostgres(_ target: String) throws {
        guard PostgresLocation.isPostgresURL(target) else { return }
        throw CommandFailure("this command runs on SQLite only for now; on PostgreSQL, `switchboard serve` and `switchboard roles sync` run. Pass --db with a SQLite file for this one")
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
