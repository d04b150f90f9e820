import Foundation
import SwitchboardCore
import SwitchboardStore

extension SitterRoles {
    /// The sitter a role of `database` belongs to (`<database>_sitter_<id>`), or nil for any
    /// other role (the owner's, a listener's).
    public static func sitterId(ofRole role: String, database: String) -> RowID? {
        let prefix = "\(database)_sitter_"
        guard role.hasPrefix(prefix) else { return nil }
        return RowID(role.dropFirst(prefix.count))
    }
}

extension PostgresStore {
    /// The sitter whose own role this store is connected as; nil for the owner's role. Her
    /// writes then go through the `SECURITY DEFINER` functions that check her mailbox,
    /// the only writes her role may make.
    public var sitterRoleId: RowID? {
        SitterRoles.sitterId(ofRole: database.location.user, database: database.location.database)
    }

    /// The same database as sitter `sitterId`'s own role, which row-level security limits to
    /// her mailbox. Nothing is migrated: her role may only read and reply.
    public func asSitter(_ sitterId: RowID) async throws -> PostgresStore {
        let role = SitterRoles.roleName(database: database.location.database, sitterId: sitterId)
        var location = database.location
        location.user = role
        do {
            let own = try await PostgresDatabase.open(location, migrate: false)
            return PostgresStore(database: own, clock: clock, tierSettings: tierSettings)
        } catch let error as StoreError {
            throw StoreError(
                .cannotOpen,
                "cannot connect as \(role), the sitter's own role (\(error.message)); the owner runs `switchboard roles sync --db …` to create it, and the server's pg_hba.conf must let it log in")
        }
    }
}
