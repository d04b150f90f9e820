import ArgumentParser
import Foundation
import SwitchboardPostgres
import SwitchboardStore

/// `switchboard roles sync`: one PostgreSQL role per active sitter, limited by row-level
/// security to her mailbox.
struct RolesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Manage the PostgreSQL roles of sitters' consoles (PostgreSQL only).",
        subcommands: [Sync.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Create a login role for each active sitter and drop the roles of sitters who left.",
            discussion: """
                Each role is named <database>_sitter_<id> and sees, through row-level security, only \
                her mailbox: her client threads and their messages, her offers, her own row and her org. \
                Roles get no password: sitters log in as pg_hba.conf allows (peer on the Unix socket, a \
                certificate), or set one with ALTER ROLE … PASSWORD. The URL's role needs CREATEROLE.
                """
        )

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let target = database.resolvedPath()
            guard PostgresLocation.isPostgresURL(target) else {
                throw CommandFailure("roles are PostgreSQL's: pass --db postgres://USER@HOST/DB (or set SWITCHBOARD_DB). On SQLite a sitter's console is a view, not a boundary: whoever can read \(target) can read every mailbox")
            }
            let location = try PostgresLocation(url: target)
            let postgres = try await PostgresDatabase.open(location)
            do {
                let outcome = try await SitterRoles.sync(postgres)
                await postgres.close()
                print(Self.summary(outcome))
            } catch {
                await postgres.close()
                throw error
            }
        }

        static func summary(_ outcome: SitterRoles.Outcome) -> String {
            var parts: [String] = []
            parts.append(outcome.created.isEmpty ? "created none" : "created \(outcome.created.joined(separator: ", "))")
            parts.append(outcome.dropped.isEmpty ? "dropped none" : "dropped \(outcome.dropped.joined(separator: ", "))")
            parts.append("\(outcome.kept.count) unchanged")
            return "Sitter roles: " + parts.joined(separator: "; ") + "."
        }
    }
}
