import Foundation
import GRDB
import SwitchboardCore

/// The Switchboard database: one writer, the migrations, and intent-named reads and writes.
///
/// Open a file with ``open(path:clock:)`` (a WAL `DatabasePool`), or an empty in-memory
/// database for tests with ``makeEmpty(clock:)``.
public struct AppDatabase: Sendable {
    /// The one writer: internal, so every write outside the store goes through an
    /// intent-named method (GRDB's own advice), and a raw `Database` never leaves the store.
    let writer: any DatabaseWriter
    public let clock: WallClock
    /// Tier thresholds and window, used whenever metrics are recomputed.
    public let tierSettings: TierSettings
    /// Where webhook writes wait to share a transaction (see ``GroupCommitQueue``).
    let ingestQueue: GroupCommitQueue
    /// Other processes' commits to the file, watched once for every change stream.
    let commitWatcher: SharedCommitWatcher

    /// Wraps `writer` and migrates it to the current schema.
    public init(_ writer: any DatabaseWriter, clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) throws {
        self.writer = writer
        self.clock = clock
        self.tierSettings = tierSettings
        self.ingestQueue = GroupCommitQueue(writer: writer)
        self.commitWatcher = SharedCommitWatcher(path: writer.path)
        try Self.migrator.migrate(writer)
    }

    /// Read-only access, for queries and observation.
    var reader: any DatabaseReader { writer }

    /// Every connection: foreign keys on (GRDB's default), durable commits, and a busy
    /// timeout so a second process (the sqlite3 shell, `switchboard simulate`) waits rather
    /// than fails.
    public static func makeConfiguration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // An acknowledged webhook must survive power loss (SPEC §3.7). GRDB's pool sets
            // NORMAL on its writer after this runs, so `open` sets FULL again there.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Map the file rather than pread it page by page: index lookups in a large
            // database then cost page-cache hits, not system calls.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        }
        return config
    }

    /// Opens (creating it when missing) the database at `path` as a WAL `DatabasePool`.
    ///
    /// A file that is not SQLite, or was written by a newer Switchboard, is refused with a
    /// ``StoreError`` before anything is written to it.
    public static func open(
        path: String, clock: WallClock = .system, tierSettings: TierSettings = TierSettings()
    ) throws -> AppDatabase {
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path) {
            try checkExistingFile(at: path)
        } else {
            let folder = url.deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.cannotOpen, "cannot create the folder \(folder.path) for the database: \(error.localizedDescription)")
            }
        }
        try PrivateFiles.prepareDatabase(at: path)
        do {
            let pool = try DatabasePool(path: path, configuration: makeConfiguration())
            try pool.writeWithoutTransaction { db in
                // GRDB's WAL set-up chose NORMAL for the writer; durability needs FULL: the
                // WAL is synced at every commit, before any webhook is answered.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // The writer walks the indexes of every webhook: give it a larger page cache.
                try db.execute(sql: "PRAGMA cache_size = -32768")
                // Each webhook runs in a savepoint, whose sub-journal SQLite keeps in a temporary
                // file: with files, every commit paid open, unlink and close. Keep them in memory.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                // Once checkpointed, the WAL is cut back to this size (SQLite keeps it at its
                // largest otherwise); CheckpointService truncates it to zero when idle.
                try db.execute(sql: "PRAGMA journal_size_limit = \(CheckpointService.walSizeLimit)")
            }
            return try AppDatabase(pool, clock: clock, tierSettings: tierSettings)
        } catch let error as DatabaseError {
            throw StoreError(.cannotOpen, "cannot open \(path): \(error.message ?? error.description)")
        }
    }

    /// An empty in-memory database, migrated: one per test.
    public static func makeEmpty(clock: WallClock = .system, tierSettings: TierSettings = TierSettings()) throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: makeConfiguration()), clock: clock, tierSettings: tierSettings)
    }

    /// Reads an existing file read-only, so a file we must refuse is never modified.
    private static func checkExistingFile(at path: String) throws {
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                if try migrator.hasBeenSuperseded(db) {
                    throw StoreError(
                        .newerSchema,
                        "\(path) was written by a newer version of Switchboard; upgrade Switchboard, or use another --db"
                    )
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError(.notADatabase, "\(path) is not a SQLite database; pass --db with a Switchboard database or a new file name")
        } catch let error as DatabaseError {
            throw StoreError(.cannotOpen, "cannot open \(path): \(error.message ?? error.description)")
        }
    }
}

/// Errors of the store, with a sentence that says what to do.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let notADatabase = Code(name: "notADatabase")
        public static let newerSchema = Code(name: "newerSchema")
        public static let cannotOpen = Code(name: "cannotOpen")
        public static let invalidImport = Code(name: "invalidImport")
        public static let notFound = Code(name: "notFound")
        public static let refused = Code(name: "refused")
        /// A benchmark's replay of captured statements failed.
        public static let replayFailed = Code(name: "replayFailed")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
