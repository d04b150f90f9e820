import ArgumentParser
import Foundation
import SwitchboardPostgres
import SwitchboardStore

/// `switchboard migrate --from sqlite:PATH --to postgres://…`: a business moved from one
/// machine's SQLite file onto PostgreSQL, for several listeners and consoles.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a business from a SQLite file into an empty PostgreSQL database.",
        discussion: """
            Every table is copied in one transaction and counted on both sides before it commits: \
            a failure or a wrong count leaves PostgreSQL as it was. The SQLite file is only read. \
            Stop `serve` on the SQLite file first, so no webhook arrives there after the copy.
            """
    )

    @Option(help: ArgumentHelp("The SQLite file to copy from.", valueName: "sqlite:path"))
    var from: String

    @Option(help: ArgumentHelp("The empty PostgreSQL database to copy into.", valueName: "postgres://user@host/db"))
    var to: String

    func validate() throws {
        guard PostgresLocation.isPostgresURL(to) else {
            throw ValidationError("--to must be a PostgreSQL URL such as postgres://USER@HOST/DB (or ?host=/socket/dir)")
        }
        guard !sourcePath.isEmpty, !PostgresLocation.isPostgresURL(sourcePath) else {
            throw ValidationError("--from must name a SQLite file, as sqlite:PATH or PATH")
        }
    }

    /// `sqlite:PATH` or a plain path.
    var sourcePath: String { from.hasPrefix("sqlite:") ? String(from.dropFirst("sqlite:".count)) : from }

    func run() async throws {
        try DatabaseOptions.refuseFolder(sourcePath)
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw CommandFailure("no database at \(sourcePath); pass --from with the SQLite file `serve` used")
        }
        let source = try AppDatabase.open(path: sourcePath)
        let target = try await PostgresDatabase.open(PostgresLocation(url: to))
        do {
            let figures = try await BusinessCopy.copy(from: source, to: target) { figure in
                print("\(figure.table): \(figure.copied) of \(figure.source) rows")
            }
            await target.close()
            let rows = figures.reduce(0) { $0 + $1.copied }
            print("Copied \(rows) rows in \(figures.count) tables from \(sourcePath) to \(target.location); every table's count matches.")
        } catch {
            await target.close()
            throw error
        }
    }
}
