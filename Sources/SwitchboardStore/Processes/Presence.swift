import Foundation
import GRDB
import SwitchboardCore

/// Whether a listener serves this database, as the processes attached to it see it.
public enum ListenerState: Sendable, Equatable {
    /// A listener published itself and its heartbeat is fresh.
    case up(address: String, publicURL: String, pid: Int, since: Date)
    /// No listener is up: since when (its stop or its last heartbeat), or nil when none ever ran.
    case down(since: Date?)

    public var isUp: Bool { if case .up = self { true } else { false } }
}

extension AppDatabase {
    /// How often a listener says it is alive.
    public static let heartbeatInterval: TimeInterval = 5
    /// A heartbeat older than this means its listener died without saying so (`kill -9`).
    public static let heartbeatTimeout: TimeInterval = 3 * heartbeatInterval
    /// Presence rows kept (and read): the table says who is up, not a history.
    static let presenceRowsKept = 20

    // MARK: - Writes

    /// Publishes a listener that just bound its socket; returns its row, for heartbeats.
    public func publishListener(address: String, publicURL: String, pid: Int) async throws -> RowID {
        let now = clock.now.storedPrecision
        return try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO listener_presence (pid, address, public_url, started_at, heartbeat_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [pid, address, publicURL, now, now])
            try db.execute(
                sql: "DELETE FROM listener_presence WHERE id <= ? - ?", arguments: [db.lastInsertedRowID, Self.presenceRowsKept])
            return db.lastInsertedRowID
        }
    }

    /// Says the listener `id` is still alive.
    public func heartbeat(listenerId id: RowID) async throws {
        let now = clock.now.storedPrecision
        try await writer.write { db in
            try db.execute(sql: "UPDATE listener_presence SET heartbeat_at = ? WHERE id = ?", arguments: [now, id])
        }
    }

    /// Records that the listener `id` stopped (a graceful shutdown).
    public func retireListener(id: RowID) async throws {
        let now = clock.now.storedPrecision
        try await writer.write { db in
            try db.execute(sql: "UPDATE listener_presence SET stopped_at = ? WHERE id = ?", arguments: [now, id])
        }
    }

    // MARK: - Reads

    /// Whether a listener serves this database now.
    public func listenerState() throws -> ListenerState {
        try reader.read { db in try Self.listenerState(db, now: clock.now) }
    }

    static func listenerState(_ db: Database, now: Date) throws -> ListenerState {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT address, public_url, pid, started_at, heartbeat_at, stopped_at
                FROM listener_presence ORDER BY id DESC LIMIT ?
                """,
            arguments: [presenceRowsKept])
        let listeners = rows.map { row in
            ListenerPresence(
                address: row["address"], publicURL: row["public_url"], pid: row["pid"], startedAt: row["started_at"],
                heartbeatAt: row["heartbeat_at"], stoppedAt: row["stopped_at"])
        }
        return ListenerState(newestFirst: listeners, now: now)
    }
}

extension StoreReads {
    /// Whether a listener serves this database now.
    public func listenerState(now: Date) throws -> ListenerState { try AppDatabase.listenerState(db, now: now) }
}

/// What `switchboard status` reports: the listener, the outbox, the last webhook, the counts.
public struct StoreStatus: Sendable, Equatable {
    public var listener: ListenerState
    /// Outbound messages still `queued` (``AppDatabase/outboxDepth()``, as `/metrics` reports it).
    public var queuedOutbound: Int
    public var lastWebhook: LastWebhook?
    public var webhooks: WebhookCounts

    public struct LastWebhook: Sendable, Equatable {
        public var at: Date
        public var verdict: WebhookVerdict
        public var path: String
        public var messageSid: String?
    }
}

extension AppDatabase {
    /// The state of this database's services, read in one transaction.
    public func status() throws -> StoreStatus {
        try reader.read { db in
            let last = try Row.fetchOne(
                db, sql: "SELECT created_at, verdict, path, message_sid FROM webhook_receipt ORDER BY id DESC LIMIT 1")
            return StoreStatus(
                listener: try Self.listenerState(db, now: clock.now),
                queuedOutbound: try Self.outboxDepth(db),
                lastWebhook: last.map { row in
                    StoreStatus.LastWebhook(at: row[0], verdict: row[1], path: row[2], messageSid: row[3])
                },
                webhooks: try Self.webhookCounts(db))
        }
    }
}
