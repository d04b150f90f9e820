import Foundation
import SwitchboardCore

// What a read makes of the rows it fetched, shared by both engines: each engine fetches with
// its own SQL, and these decide what the rows mean, so the two can't drift apart.

extension ReceiptSummary {
    /// A receipt as the list shows it, with `From` and `To` read from its stored form.
    public init(_ receipt: WebhookReceipt) {
        let form = try? FormParameters.parse(Array(receipt.rawBody.utf8))
        self.init(
            id: receipt.id ?? 0, receivedAt: receipt.createdAt, verdict: receipt.verdict, statusCode: receipt.statusCode,
            path: receipt.path, messageSid: receipt.messageSid, from: form?["From"], to: form?["To"],
            latencySeconds: receipt.latencySeconds, routedAt: receipt.routedAt, bodyPrunedAt: receipt.bodyPrunedAt,
            answer: receipt.responseBody)
    }
}

extension ReceiptDetail {
    /// A receipt in full: its summary, its form's parameters and its stored headers.
    public init(_ receipt: WebhookReceipt) {
        let form = try? FormParameters.parse(Array(receipt.rawBody.utf8))
        let headers =
            (try? JSONDecoder().decode(ReceiptHeaders.self, from: Data(receipt.headers.utf8)))
            ?? ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil)
        self.init(
            summary: ReceiptSummary(receipt), rawBody: receipt.rawBody, parameters: form?.pairs ?? [], headers: headers,
            responseBody: receipt.responseBody)
    }
}

extension UnroutedMessage {
    /// A text to a number that is not ours, read from its receipt's stored form.
    public init(_ receipt: WebhookReceipt) {
        let form = try? FormParameters.parse(Array(receipt.rawBody.utf8))
        self.init(
            id: receipt.id ?? 0, messageSid: receipt.messageSid, from: form?["From"], to: form?["To"], body: form?["Body"],
            receivedAt: receipt.createdAt)
    }
}

/// One row of `listener_presence`, newest first when read.
public struct ListenerPresence: Sendable, Equatable {
    public var address: String
    public var publicURL: String
    public var pid: Int
    public var startedAt: Date
    public var heartbeatAt: Date
    public var stoppedAt: Date?

    public init(address: String, publicURL: String, pid: Int, startedAt: Date, heartbeatAt: Date, stoppedAt: Date?) {
        self.address = address
        self.publicURL = publicURL
        self.pid = pid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.stoppedAt = stoppedAt
    }
}

extension ListenerState {
    /// Up when one of the newest listeners has a fresh heartbeat and did not stop; else down
    /// since the latest stop or last heartbeat (nil when none ever ran).
    public init(newestFirst listeners: [ListenerPresence], now: Date) {
        var downSince: Date?
        for listener in listeners {
            if listener.stoppedAt == nil, now.timeIntervalSince(listener.heartbeatAt) <= AppDatabase.heartbeatTimeout {
                self = .up(address: listener.address, publicURL: listener.publicURL, pid: listener.pid, since: listener.startedAt)
                return
            }
            let since = listener.stoppedAt ?? listener.heartbeatAt
            downSince = max(downSince ?? since, since)
        }
        self = .down(since: downSince)
    }
}

extension Sitter {
    /// The sitter `text` names among `sitters` (by name, ignoring case): her id, her whole
    /// name, or a part of it that names only her. Throws a sentence saying who the sitters
    /// are when it names none or several.
    public static func named(_ text: String, among sitters: [Sitter]) throws -> Sitter {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let id = RowID(text), let sitter = sitters.first(where: { $0.id == id }) { return sitter }
        let exact = sitters.filter { $0.name.caseInsensitiveCompare(text) == .orderedSame }
        if exact.count == 1 { return exact[0] }
        let partial = exact.isEmpty ? sitters.filter { $0.name.range(of: text, options: .caseInsensitive) != nil } : exact
        if partial.count == 1 { return partial[0] }
        func list(_ sitters: [Sitter]) -> String {
            sitters.prefix(8).map { "\($0.name) (\($0.id ?? 0))" }.joined(separator: ", ") + (sitters.count > 8 ? ", …" : "")
        }
        if partial.isEmpty {
            throw StoreError(
                .notFound,
                sitters.isEmpty
                    ? "there are no sitters yet; add them with `switchboard import`" : "no sitter is named “\(text)”; the sitters are \(list(sitters))")
        }
        throw StoreError(.notFound, "“\(text)” names \(partial.count) sitters: \(list(partial)); give the whole name or the id")
    }
}

extension ThreadExportRow {
    /// A thread as an export lists it: in the owner's mailbox or the named sitter's.
    public init(thread: MessageThread, clientName: String?, sitterName: String?, bookingCode: String?, messages: Int) {
        self.init(
            threadId: thread.id ?? 0, mailbox: thread.mailbox == .owner ? "owner" : sitterName ?? "", scope: thread.scope,
            clientName: clientName, sitterName: sitterName, counterpartE164: thread.counterpartE164,
            maskedNumberE164: thread.maskedNumberE164, bookingCode: bookingCode, createdAt: thread.createdAt,
            lastMessageAt: thread.lastMessageAt, unread: thread.unread, messages: messages)
    }
}

extension MessageExportRow {
    /// A message as an export lists it: from the counterpart to our number when it came in,
    /// the other way when it went out.
    public init(
        event: MessageEvent, counterpartE164: String?, maskedNumberE164: String?, clientName: String?, sitterName: String?
    ) {
        let inbound = event.direction == .inbound
        self.init(
            messageId: event.id ?? 0, threadId: event.threadId, createdAt: event.createdAt, direction: event.direction,
            actor: event.actorType, from: inbound ? counterpartE164 : maskedNumberE164, to: inbound ? maskedNumberE164 : counterpartE164,
            clientName: clientName, sitterName: sitterName, body: event.body, deliveryStatus: event.deliveryStatus,
            providerMessageSid: event.providerMessageSid)
    }
}

/// A console search, as both engines run it.
public enum ThreadSearch {
    /// `text` anywhere, with LIKE's own characters (`%`, `_`, a backslash) taken literally: escaped
    /// with a backslash, the escape SQLite's query names and PostgreSQL's default.
    public static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }
}
