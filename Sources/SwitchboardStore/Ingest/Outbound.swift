import Foundation
import GRDB
import SwitchboardCore

/// An outbound message stored and waiting to be handed to a sender.
public struct PendingOutbound: Sendable, Equatable {
    public var event: MessageEvent
    /// The phone it goes to (the thread's counterpart).
    public var to: String
    /// The Twilio number it goes out from (the thread's masked number).
    public var from: String

    public init(event: MessageEvent, to: String, from: String) {
        self.event = event
        self.to = to
        self.from = from
    }
}

/// Why an outbound message was not stored or sent, with what to do about it.
public struct OutboundError: Error, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let name: String
        /// The recipient texted STOP: carriers forbid texting them until they text START.
        public static let optedOut = Code(name: "optedOut")
        /// The thread has no phone to text (an internal thread) or no number to text from.
        public static let noRecipient = Code(name: "noRecipient")
        public static let notFound = Code(name: "notFound")
        /// The provider refused or could not be reached.
        public static let provider = Code(name: "provider")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension AppDatabase {
    // MARK: - Writes (inside a caller's transaction)

    /// Stores an outbound message to the thread's counterpart with status `queued`, in the
    /// outbox for the listener to deliver, after checking that the recipient has not opted
    /// out. Closes the thread's open response link.
    func queueOutbound(
        _ db: Database, to thread: MessageThread, actor: ActorType, body: String, offerId: RowID? = nil, now: Date
    ) throws -> PendingOutbound {
        guard let to = thread.counterpartE164, let from = thread.maskedNumberE164 else {
            throw OutboundError(.noRecipient, "this thread has no phone to text; only client and sitter threads can be answered by SMS")
        }
        try Self.checkNotOptedOut(db, phone: to, orgId: thread.orgId)
        let appended = try append(
            db, to: thread, direction: .outbound, actor: actor, body: body, sid: nil, status: .queued, now: now)
        if let eventId = appended.event.id { try Self.enqueueOutbound(db, eventId: eventId, offerId: offerId, now: now) }
        return PendingOutbound(event: appended.event, to: to, from: from)
    }

    /// Refuses a phone that opted out, whether it belongs to a client or a sitter.
    static func checkNotOptedOut(_ db: Database, phone: String, orgId: RowID) throws {
        if try db.exists(hot: .optedOutClient, orgId, phone) || db.exists(hot: .optedOutSitter, orgId, phone)
        {
            throw OutboundError(
                .optedOut,
                "\(phone) has opted out of texts (they sent STOP); nothing was sent. They must text START before you can message them.")
        }
    }

    /// Appends a message: ``appendMessage(_:to:direction:actor:body:providerMessageSid:at:deliveryStatus:)``
    /// keeps response links and marks the sitter's metrics stale when a link closes.
    func append(
        _ db: Database, to thread: MessageThread, direction: MessageDirection, actor: ActorType, body: String,
        sid: String?, status: DeliveryStatus?, now: Date
    ) throws -> AppendedMessage {
        try Self.appendMessage(
            db, to: thread, direction: direction, actor: actor, body: body, providerMessageSid: sid, at: now,
            deliveryStatus: status)
    }

    /// Applies a delivery status to the outbound message a callback is about, unless the
    /// message is already further along. Returns the message, or nil when the callback names
    /// no outbound message (an inbound message's SID, or none of ours): nothing changes then.
    ///
    /// A callback for a message sent in a webhook's answer names the stored message by
    /// `event`; its `MessageSid` is the id Twilio gave the new message, learnt here and
    /// linked to it.
    @discardableResult
    static func applyDeliveryStatus(_ db: Database, _ callback: StatusCallback, now: Date) throws -> MessageEvent? {
        let found: MessageEvent?
        if let eventId = callback.eventId {
            found = try MessageEvent.fetchOne(db, key: eventId)
        } else {
            found = try MessageEvent.filter(MessageEvent.Columns.providerMessageSid == callback.sid).fetchOne(db)
        }
        guard var event = found, event.direction == .outbound else { return nil }
        var columns: [String] = []
        if callback.eventId != nil, event.providerMessageSid != callback.sid,
            try !db.exists(hot: .messageBySid, callback.sid)
        {
            event.providerMessageSid = callback.sid
            columns.append(MessageEvent.Columns.providerMessageSid.name)
        }
        let status = callback.status
        let isProgress = event.deliveryStatus.map { $0 != status && $0.progress <= status.progress } ?? true
        if isProgress {
            event.deliveryStatus = status
            columns.append(MessageEvent.Columns.deliveryStatus.name)
        }
        guard !columns.isEmpty else { return event }
        try event.update(db, columns: columns)
        // Touch the thread so the console, which watches threads, redraws the message.
        try db.execute(sql: "UPDATE message_thread SET last_message_at = last_message_at WHERE id = ?", arguments: [event.threadId])
        if isProgress, status == .failed || status == .undelivered {
            try logEvent(
                db, orgId: event.orgId, type: "message.\(status.rawValue)", status: "error",
                metadata: ["message_sid": callback.sid, "error_code": callback.errorCode ?? "", "thread_id": String(event.threadId)],
                at: now)
        }
        return event
    }

    // MARK: - Writes

    /// Stores an outbound message on `threadId` (see ``queueOutbound(_:to:actor:body:now:)``).
    public func queueOutbound(threadId: RowID, actor: ActorType = .owner, body: String) async throws -> PendingOutbound {
        let now = clock.now
        return try await writer.write { db in
            guard let thread = try MessageThread.fetchOne(db, key: threadId) else {
                throw OutboundError(.notFound, "thread \(threadId) does not exist")
            }
            return try self.queueOutbound(db, to: thread, actor: actor, body: body, now: now)
        }
    }

    /// Records what the provider answered: its message id and first status. The message
    /// leaves the outbox.
    public func recordSent(eventId: RowID, messageSid: String, status: DeliveryStatus) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE message_event SET provider_message_sid = ?, delivery_status = ? WHERE id = ?",
                arguments: [messageSid, status, eventId])
            try db.execute(sql: "DELETE FROM outbox WHERE message_event_id = ?", arguments: [eventId])
        }
    }

    /// Marks a message the provider would not take as `failed`, and logs why. The message
    /// leaves the outbox.
    public func recordSendFailure(eventId: RowID, reason: String) async throws {
        let now = clock.now
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE message_event_id = ?", arguments: [eventId])
            guard var event = try MessageEvent.fetchOne(db, key: eventId) else { return }
            event.deliveryStatus = .failed
            try event.update(db, columns: ["delivery_status"])
            try Self.logEvent(
                db, orgId: event.orgId, type: "message.failed", status: "error",
                metadata: ["reason": reason, "thread_id": String(event.threadId)], at: now)
        }
    }

    /// Applies a delivery status in its own transaction (the simulated sender's callback).
    @discardableResult
    public func applyDeliveryStatus(messageSid: String, status: DeliveryStatus, errorCode: String? = nil) async throws -> MessageEvent? {
        let now = clock.now
        return try await writer.write { db in
            try Self.applyDeliveryStatus(db, StatusCallback(sid: messageSid, status: status, errorCode: errorCode), now: now)
        }
    }
}
