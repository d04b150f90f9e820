import Foundation
import GRDB
import SwitchboardCore

/// What appending one message changed, so callers can react (recompute a sitter's metrics,
/// mark the arrival on screen).
public struct AppendedMessage: Sendable, Equatable {
    public var event: MessageEvent
    public var thread: MessageThread
    /// The response link this message opened, when it was a client message that needs an answer.
    public var openedLink: MessageResponseLink?
    /// The response link this message closed, when it was the first answer to a client.
    public var closedLink: MessageResponseLink?
}

extension AppDatabase {
    // MARK: - Writes (inside a caller's transaction)

    /// Appends one message to `thread` and keeps everything derived from messages in step:
    /// the thread's `last_message_at` and `unread`, and the response links of SPEC §5.
    ///
    /// - A client's inbound message in a client thread opens a link when none is open there.
    /// - The first later outbound message in the thread (sitter or owner) closes it, with
    ///   `response_seconds = response.created_at − requires.created_at`, and marks the
    ///   sitter's metrics stale (the tier engine recomputes them after the commit).
    ///
    /// Every path that stores a message (import, inbound webhook, outbound send) goes
    /// through here, so the rules exist once.
    static func appendMessage(
        _ db: Database,
        to thread: MessageThread,
        direction: MessageDirection,
        actor: ActorType,
        body: String,
        providerMessageSid: String?,
        at createdAt: Date,
        deliveryStatus: DeliveryStatus? = nil
    ) throws -> AppendedMessage {
        guard let threadID = thread.id else { throw StoreError(.notFound, "cannot append to a thread that was never saved") }
        let createdAt = createdAt.storedPrecision
        var event = MessageEvent(
            orgId: thread.orgId, threadId: threadID, direction: direction, actorType: actor, body: body,
            providerMessageSid: providerMessageSid, createdAt: createdAt, deliveryStatus: deliveryStatus)
        // Written once as text (no DateFormatter), for up to three columns.
        let stamp = createdAt.storedText
        let eventID = try db.insert(
            hot: .insertMessage, event.orgId, threadID, direction, actor, body, providerMessageSid, stamp, deliveryStatus)
        event.id = eventID

        var thread = thread
        let lastMessageAt: String
        if createdAt >= thread.lastMessageAt {
            thread.lastMessageAt = createdAt
            lastMessageAt = stamp
        } else {
            lastMessageAt = thread.lastMessageAt.storedText
        }
        if direction == .inbound { thread.unread += 1 }
        try db.run(hot: .touchThread, lastMessageAt, thread.unread, threadID)

        var opened: MessageResponseLink?
        var closed: MessageResponseLink?
        let openLink = try db.fetchFirst(hot: .openLink, MessageResponseLink.init(hotRow:), threadID)
        if direction == .inbound, actor == .client, thread.scope.isClientThread, openLink == nil {
            var link = MessageResponseLink(
                orgId: thread.orgId, threadId: threadID, requiresResponseEventId: eventID, requiresAt: createdAt)
            link.id = try db.insert(hot: .insertLink, link.orgId, threadID, eventID, stamp)
            opened = link
            // A question waiting for an answer is a sample of the response rate already.
            if case .sitter(let sitterId) = thread.mailbox {
                try markMetricsStale(db, sitterId: sitterId)
            }
        } else if direction == .outbound, var link = openLink, createdAt >= link.requiresAt {
            link.responseEventId = eventID
            link.responseSeconds = createdAt.timeIntervalSince(link.requiresAt)
            try db.run(hot: .closeLink, eventID, link.responseSeconds, link.id)
            closed = link
            if case .sitter(let sitterId) = thread.mailbox {
                try markMetricsStale(db, sitterId: sitterId)
            }
        }
        return AppendedMessage(event: event, thread: thread, openedLink: opened, closedLink: closed)
    }

    /// Inserts a new thread through a cached statement and sets its id.
    static func insertThread(_ db: Database, _ thread: inout MessageThread) throws {
        thread.id = try db.insert(
            hot: .insertThread,
            thread.orgId, thread.assignedSitterId, thread.scope, thread.bookingId, thread.clientId,
            thread.counterpartE164, thread.maskedNumberE164, thread.numberClass, thread.createdAt.storedText,
            thread.lastMessageAt.storedText, thread.unread)
    }

    /// Writes one `event_log` row; `metadata` is encoded as a JSON object with sorted keys.
    @discardableResult
    static func logEvent(
        _ db: Database, orgId: RowID, type: String, status: String = "ok",
        metadata: [String: String], bookingId: RowID? = nil, at createdAt: Date
    ) throws -> EventLog {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        var row = EventLog(
            orgId: orgId, eventType: type, status: status, metadata: json, bookingId: bookingId, createdAt: createdAt)
        try row.insert(db)
        return row
    }

    // MARK: - Writes

    /// Marks a thread read (the operator opened it).
    public func markThreadRead(_ threadID: RowID) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE message_thread SET unread = 0 WHERE id = ? AND unread <> 0", arguments: [threadID])
        }
    }

    /// Marks a thread unread again (the operator wants to come back to it, or undoes a
    /// mark-read): at least `count` unread messages, never more than it holds.
    public func markThreadUnread(_ threadID: RowID, count: Int = 1) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE message_thread SET unread = min(?, (SELECT count(*) FROM message_event WHERE thread_id = message_thread.id))
                    WHERE id = ? AND unread < ?
                    """,
                arguments: [max(1, count), threadID, max(1, count)])
        }
    }

    /// Assigns a thread to a sitter, or unassigns it with nil: it moves between mailboxes at
    /// once, because the mailbox is derived from these columns.
    public func assignThread(_ threadID: RowID, to sitterID: RowID?) async throws -> MessageThread {
        let now = clock.now
        return try await writer.write { db in
            guard var thread = try MessageThread.fetchOne(db, key: threadID) else {
                throw StoreError(.notFound, "thread \(threadID) does not exist")
            }
            if let sitterID, try Sitter.fetchOne(db, key: sitterID) == nil {
                throw StoreError(.notFound, "sitter \(sitterID) does not exist")
            }
            let previous = thread.assignedSitterId
            let previousMailbox = thread.mailbox
            thread.assignedSitterId = sitterID
            try thread.update(db, columns: ["assigned_sitter_id"])
            // The thread's response times move with it from one sitter's figures to another's.
            for case .sitter(let sitterId) in [previousMailbox, thread.mailbox] {
                try Self.markMetricsStale(db, sitterId: sitterId)
            }
            try Self.logEvent(
                db, orgId: thread.orgId, type: sitterID == nil ? "thread.unassigned" : "thread.assigned",
                metadata: [
                    "thread_id": String(threadID),
                    "sitter_id": sitterID.map(String.init) ?? "",
                    "previous_sitter_id": previous.map(String.init) ?? "",
                ],
                bookingId: thread.bookingId, at: now)
            return thread
        }
    }
}
