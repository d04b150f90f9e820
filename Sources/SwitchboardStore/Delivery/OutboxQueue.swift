import Foundation
import GRDB
import SwitchboardCore

/// A reply or offer in the outbox, claimed by a listener to hand to its sender.
public struct OutboxEntry: Sendable, Equatable {
    public var message: PendingOutbound
    /// Which attempt this is: 1 for the first.
    public var attempt: Int

    public init(message: PendingOutbound, attempt: Int) {
        self.message = message
        self.attempt = attempt
    }
}

/// Where a message waiting in the outbox stands: shown beside its `queued` status.
public struct OutboxNote: Sendable, Equatable {
    /// Attempts made so far (0 before the first).
    public var attempts: Int
    public var nextAttemptAt: Date
    /// Why the last attempt failed, in the provider's words.
    public var lastError: String?

    public init(attempts: Int, nextAttemptAt: Date, lastError: String?) {
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// The outbox: replies and offers are stored by whichever process the operator typed them
/// in (any console, the command line) and delivered by the listener's delivery loop, with
/// retries. A claim is a lease: a listener that dies mid-send leaves its claim to expire,
/// and the message is tried again.
extension AppDatabase {
    /// How long a claimed message is left to one listener before another may try it.
    public static let outboxClaimLease: TimeInterval = 60

    // MARK: - Writes (inside a caller's transaction)

    /// Puts a stored outbound message in the outbox, due now. An offer's text names its offer,
    /// so closing the offer before the text leaves cancels it (trigger `outbox_cancel_closed_offer`).
    static func enqueueOutbound(_ db: Database, eventId: RowID, offerId: RowID? = nil, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO outbox (message_event_id, next_attempt_at, offer_event_id) VALUES (?, ?, ?)",
            arguments: [eventId, now.storedPrecision, offerId])
    }

    // MARK: - Writes

    /// Claims up to `limit` messages that are due, oldest first, counting the attempt.
    public func claimDueOutbound(limit: Int = 16) async throws -> [OutboxEntry] {
        let now = clock.now.storedPrecision
        let leaseEnd = now.addingTimeInterval(Self.outboxClaimLease)
        return try await writer.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT outbox.message_event_id, outbox.attempts, thread.counterpart_e164, thread.masked_number_e164
                    FROM outbox
                    JOIN message_event event ON event.id = outbox.message_event_id
                    JOIN message_thread thread ON thread.id = event.thread_id
                    WHERE outbox.next_attempt_at <= ? AND (outbox.claimed_until IS NULL OR outbox.claimed_until <= ?)
                    ORDER BY outbox.next_attempt_at, outbox.message_event_id
                    LIMIT ?
                    """,
                arguments: [now, now, limit])
            var entries: [OutboxEntry] = []
            for row in rows {
                let eventId: RowID = row[0]
                let attempt: Int = row[1] + 1
                try db.execute(
                    sql: "UPDATE outbox SET attempts = ?, claimed_until = ? WHERE message_event_id = ?",
                    arguments: [attempt, leaseEnd, eventId])
                guard let event = try MessageEvent.fetchOne(db, key: eventId), let to: String = row[2], let from: String = row[3]
                else { continue }
                entries.append(OutboxEntry(message: PendingOutbound(event: event, to: to, from: from), attempt: attempt))
            }
            return entries
        }
    }

    /// Records a failed attempt: the message is tried again at `retryAt`, or, when that is
    /// nil, given up — marked `failed` and logged, as a refused send is.
    public func recordDeliveryFailure(eventId: RowID, reason: String, retryAt: Date?) async throws {
        guard let retryAt else { return try await recordSendFailure(eventId: eventId, reason: reason) }
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE message_event_id = ?",
                arguments: [retryAt.storedPrecision, reason, eventId])
            // Touch the thread so consoles, which watch threads, show the retry.
            try db.execute(
                sql: "UPDATE message_thread SET last_message_at = last_message_at WHERE id = (SELECT thread_id FROM message_event WHERE id = ?)",
                arguments: [eventId])
        }
    }

    // MARK: - Reads

    /// Yields after every commit that may have put a message in the outbox: this process's
    /// writes to it, and any commit of another process (a console typing a reply). Webhooks
    /// this process ingests do not wake it.
    public func outboxChanges() -> AsyncStream<Void> { changes(of: ["outbox"]) }

    /// When the next message of the outbox is due (a claim's expiry counts), or nil when the
    /// outbox is empty: how long a listener's delivery loop may sleep.
    public func nextOutboundAttempt() throws -> Date? {
        try reader.read { db in
            try Date.fetchOne(db, sql: "SELECT min(max(next_attempt_at, coalesce(claimed_until, next_attempt_at))) FROM outbox")
        }
    }

    /// Where each of `messageIds` stands in the outbox; messages not in it are left out.
    static func outboxNotes(_ db: Database, ofMessages messageIds: [RowID]) throws -> [RowID: OutboxNote] {
        guard !messageIds.isEmpty else { return [:] }
        let marks = databaseQuestionMarks(count: messageIds.count)
        // Read on every console frame that shows messages: a cached statement.
        var notes: [RowID: OutboxNote] = [:]
        let rows = try db.cachedRows(
            "SELECT message_event_id, attempts, next_attempt_at, last_error FROM outbox WHERE message_event_id IN (\(marks))",
            StatementArguments(messageIds)
        ) { row in (row[0] as RowID, OutboxNote(attempts: row[1], nextAttemptAt: row.storedDate(2), lastError: row[3])) }
        for (messageId, note) in rows { notes[messageId] = note }
        return notes
    }
}
