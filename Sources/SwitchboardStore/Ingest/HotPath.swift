import GRDB
import SwitchboardCore

// The ingest path runs a dozen statements per webhook, thousands of times a second. There,
// records are read and written through cached statements with explicit column lists and
// decoded by column index: no SQL generation, no statement preparation (and its authorizer
// callbacks), no Codable. Everywhere else the records' Codable persistence is the clearer
// choice and stays.

extension Database {
    /// The first row of a cached statement, decoded by `decode`, or nil when there is none.
    func fetchFirst<T>(cached sql: String, _ arguments: StatementArguments, _ decode: (Row) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        let cursor = try Row.fetchCursor(statement)
        return try cursor.next().map(decode)
    }

    /// Whether a cached statement returns a row.
    func exists(cached sql: String, _ arguments: StatementArguments) throws -> Bool {
        try fetchFirst(cached: sql, arguments) { _ in true } ?? false
    }

    /// Runs a cached statement that changes rows.
    func run(cached sql: String, _ arguments: StatementArguments) throws {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        try statement.execute()
    }

    /// Runs a cached `INSERT` and returns the new row's id.
    func insert(cached sql: String, _ arguments: StatementArguments) throws -> RowID {
        try run(cached: sql, arguments)
        return lastInsertedRowID
    }
}

extension MessageNumber {
    static let hotColumns = "id, org_id, e164, number_class, assigned_sitter_id"
    init(hotRow row: HotRow) {
        self.init(id: row[0], orgId: row[1], e164: row[2], numberClass: row[3], assignedSitterId: row[4])
    }
}

extension Sitter {
    static let hotColumns = "id, org_id, name, phone_e164, active, opted_out"
    init(hotRow row: HotRow) {
        self.init(hotRow: row, from: 0)
    }
    /// Decodes the sitter's columns starting at `offset`, as selected after another record's.
    init(hotRow row: HotRow, from offset: Int) {
        self.init(
            id: row[offset], orgId: row[offset + 1], name: row[offset + 2], phoneE164: row[offset + 3],
            active: row[offset + 4], optedOut: row[offset + 5])
    }
}

extension Client {
    static let hotColumns = "id, org_id, name, phone_e164, opted_out"
    init(hotRow row: HotRow) {
        self.init(id: row[0], orgId: row[1], name: row[2], phoneE164: row[3], optedOut: row[4])
    }
}

extension MessageThread {
    /// Qualified with the table name, so joins can select them too.
    static let hotColumns = """
        message_thread.id, message_thread.org_id, message_thread.assigned_sitter_id, message_thread.scope,
        message_thread.booking_id, message_thread.client_id, message_thread.counterpart_e164,
        message_thread.masked_number_e164, message_thread.number_class, message_thread.created_at,
        message_thread.last_message_at, message_thread.unread
        """
    init(hotRow row: HotRow) {
        self.init(
            id: row[0], orgId: row[1], assignedSitterId: row[2], scope: row[3], bookingId: row[4], clientId: row[5],
            counterpartE164: row[6], maskedNumberE164: row[7], numberClass: row[8], createdAt: row.storedDate(9),
            lastMessageAt: row.storedDate(10), unread: row[11])
    }
}

extension MessageResponseLink {
    static let hotColumns = "id, org_id, thread_id, requires_response_event_id, requires_at, response_event_id, response_seconds"
    init(hotRow row: HotRow) {
        self.init(
            id: row[0], orgId: row[1], threadId: row[2], requiresResponseEventId: row[3], requiresAt: row.storedDate(4),
            responseEventId: row[5], responseSeconds: row[6])
    }
}

/// The statements of the ingest path, spelled once so the statement cache finds them by the
/// same text every time.
enum HotSQL {
    static let receiptByDedupeKey = "SELECT status_code, response_body, org_id FROM webhook_receipt WHERE dedupe_key = ?"
    static let messageBySid = "SELECT 1 FROM message_event WHERE provider_message_sid = ?"
    /// An inbound SMS's two redelivery checks in one statement: its first receipt (a row
    /// with 1 last), else whether its `MessageSid` is stored already (a row with 0 last).
    static let firstAnswerOrStoredSid = """
        SELECT status_code, response_body, org_id, 1 FROM webhook_receipt WHERE dedupe_key = ?
        UNION ALL
        SELECT NULL, NULL, NULL, 0 FROM message_event WHERE provider_message_sid = ?
        LIMIT 1
        """
    /// The number a text was sent to, with the sitter who sent it (when the sender is one)
    /// and the sitter the number belongs to (when it is hers): routing's facts, in one read.
    /// Bound with the sender's phone first, then the number.
    static let numberAndSitters = """
        SELECT number.id, number.org_id, number.e164, number.number_class, number.assigned_sitter_id,
               sender.id, sender.org_id, sender.name, sender.phone_e164, sender.active, sender.opted_out,
               owner.id, owner.org_id, owner.name, owner.phone_e164, owner.active, owner.opted_out
        FROM message_number AS number
        LEFT JOIN sitter AS sender ON sender.org_id = number.org_id AND sender.phone_e164 = ?
        LEFT JOIN sitter AS owner ON owner.id = number.assigned_sitter_id
        WHERE number.e164 = ?
        """
    static let numberByE164 = "SELECT \(MessageNumber.hotColumns) FROM message_number WHERE e164 = ?"
    static let sitterByPhone = "SELECT \(Sitter.hotColumns) FROM sitter WHERE org_id = ? AND phone_e164 = ?"
    static let sitterById = "SELECT \(Sitter.hotColumns) FROM sitter WHERE id = ?"
    static let clientByPhone = "SELECT \(Client.hotColumns) FROM client WHERE org_id = ? AND phone_e164 = ?"
    static let insertClient = "INSERT INTO client (org_id, name, phone_e164, opted_out) VALUES (?, ?, ?, ?)"
    static let optedOutClient = "SELECT 1 FROM client WHERE org_id = ? AND phone_e164 = ? AND opted_out"
    static let optedOutSitter = "SELECT 1 FROM sitter WHERE org_id = ? AND phone_e164 = ? AND opted_out"
    static let clientThread = """
        SELECT \(MessageThread.hotColumns) FROM message_thread
        WHERE masked_number_e164 = ? AND counterpart_e164 = ? AND org_id = ?
          AND scope IN ('client_booking','client_general')
        ORDER BY last_message_at DESC, id DESC LIMIT 1
        """
    static let ownerSitterThread = """
        SELECT \(MessageThread.hotColumns) FROM message_thread
        WHERE assigned_sitter_id = ? AND scope = 'owner_sitter'
        ORDER BY last_message_at DESC, id DESC LIMIT 1
        """
    /// A sitter's client threads on one masked number (her mailbox: assigned to her, client
    /// scopes), whether each waits for an answer, newest first.
    static let relayCandidates = """
        SELECT message_thread.id, client.name,
               EXISTS (SELECT 1 FROM message_response_link
                       WHERE thread_id = message_thread.id AND response_event_id IS NULL),
               coalesce(client.opted_out, 0)
        FROM message_thread
        LEFT JOIN client ON client.id = message_thread.client_id
        WHERE message_thread.assigned_sitter_id = ?
          AND message_thread.scope IN ('client_booking','client_general')
          AND message_thread.masked_number_e164 = ?
        ORDER BY message_thread.last_message_at DESC, message_thread.id DESC
        """
    static let insertMedia = "INSERT INTO message_media (message_event_id, position, url, content_type) VALUES (?, ?, ?, ?)"
    static let insertThread = """
        INSERT INTO message_thread (
            org_id, assigned_sitter_id, scope, booking_id, client_id, counterpart_e164, masked_number_e164,
            number_class, created_at, last_message_at, unread)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertMessage = """
        INSERT INTO message_event (
            org_id, thread_id, direction, actor_type, body, provider_message_sid, created_at, delivery_status)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let touchThread = "UPDATE message_thread SET last_message_at = ?, unread = ? WHERE id = ?"
    static let openLink = """
        SELECT \(MessageResponseLink.hotColumns) FROM message_response_link
        WHERE thread_id = ? AND response_event_id IS NULL LIMIT 1
        """
    static let insertLink = """
        INSERT INTO message_response_link (org_id, thread_id, requires_response_event_id, requires_at)
        VALUES (?, ?, ?, ?)
        """
    static let closeLink = "UPDATE message_response_link SET response_event_id = ?, response_seconds = ? WHERE id = ?"
    static let insertReceipt = """
        INSERT INTO webhook_receipt (
            org_id, path, message_sid, dedupe_key, raw_body, headers, verdict, status_code, response_body, created_at,
            latency_seconds)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let tally = """
        INSERT INTO webhook_tally(verdict, count, last_at) VALUES (?, 1, ?)
        ON CONFLICT(verdict) DO UPDATE SET count = count + 1, last_at = excluded.last_at
        """
    /// The booking a new client thread is most likely about: the next one not yet over.
    static let threadBooking = """
        SELECT id FROM booking WHERE client_id = ? AND sitter_id = ? AND status = 'assigned'
        ORDER BY ends_at < ?, starts_at LIMIT 1
        """
    static let markMetricsStale = "INSERT OR IGNORE INTO metrics_stale (sitter_id) VALUES (?)"
    static let savepoint = "SAVEPOINT ingest"
    static let releaseSavepoint = "RELEASE SAVEPOINT ingest"
    static let rollbackSavepoint = "ROLLBACK TO SAVEPOINT ingest"
}

/// The statements a webhook runs, by name: ``HotStatementSet`` keeps each one prepared on
/// the writer's connection, found by this index rather than by hashing its SQL.
enum HotStatement: Int, CaseIterable {
    case receiptByDedupeKey, messageBySid, firstAnswerOrStoredSid, numberByE164, numberAndSitters
    case sitterByPhone, sitterById, clientByPhone, insertClient, optedOutClient, optedOutSitter
    case clientThread, ownerSitterThread, relayCandidates, insertMedia, insertThread, insertMessage, touchThread
    case openLink, insertLink, closeLink, insertReceipt, tally, markMetricsStale, threadBooking
    case savepoint, releaseSavepoint, rollbackSavepoint

    var sql: String {
        switch self {
        case .receiptByDedupeKey: HotSQL.receiptByDedupeKey
        case .messageBySid: HotSQL.messageBySid
        case .firstAnswerOrStoredSid: HotSQL.firstAnswerOrStoredSid
        case .numberByE164: HotSQL.numberByE164
        case .numberAndSitters: HotSQL.numberAndSitters
        case .sitterByPhone: HotSQL.sitterByPhone
        case .sitterById: HotSQL.sitterById
        case .clientByPhone: HotSQL.clientByPhone
        case .insertClient: HotSQL.insertClient
        case .optedOutClient: HotSQL.optedOutClient
        case .optedOutSitter: HotSQL.optedOutSitter
        case .clientThread: HotSQL.clientThread
        case .ownerSitterThread: HotSQL.ownerSitterThread
        case .relayCandidates: HotSQL.relayCandidates
        case .insertMedia: HotSQL.insertMedia
        case .insertThread: HotSQL.insertThread
        case .insertMessage: HotSQL.insertMessage
        case .touchThread: HotSQL.touchThread
        case .openLink: HotSQL.openLink
        case .insertLink: HotSQL.insertLink
        case .closeLink: HotSQL.closeLink
        case .insertReceipt: HotSQL.insertReceipt
        case .tally: HotSQL.tally
        case .markMetricsStale: HotSQL.markMetricsStale
        case .threadBooking: HotSQL.threadBooking
        case .savepoint: HotSQL.savepoint
        case .releaseSavepoint: HotSQL.releaseSavepoint
        case .rollbackSavepoint: HotSQL.rollbackSavepoint
        }
    }
}

extension OfferEvent {
    static let hotColumns = """
        offer_event.id, offer_event.org_id, offer_event.sitter_id, offer_event.booking_id, offer_event.status,
        offer_event.offered_at, offer_event.accepted_at, offer_event.declined_at, offer_event.expires_at,
        offer_event.closed_at
        """
    static let hotColumnCount = 10
    init(hotRow row: HotRow) {
        self.init(
            id: row[0], orgId: row[1], sitterId: row[2], bookingId: row[3], status: row[4], offeredAt: row.storedDate(5),
            acceptedAt: row.storedDateIfPresent(6), declinedAt: row.storedDateIfPresent(7), expiresAt: row.storedDate(8),
            closedAt: row.storedDateIfPresent(9))
    }
}

extension Booking {
    static let hotColumns = """
        booking.id, booking.org_id, booking.code, booking.client_id, booking.service, booking.starts_at,
        booking.ends_at, booking.status, booking.sitter_id
        """
    /// Decodes the booking's columns starting at `offset`, as selected after another record's.
    init(hotRow row: HotRow, from offset: Int) {
        self.init(
            id: row[offset], orgId: row[offset + 1], code: row[offset + 2], clientId: row[offset + 3],
            service: row[offset + 4], startsAt: row.storedDate(offset + 5), endsAt: row.storedDate(offset + 6), status: row[offset + 7],
            sitterId: row[offset + 8])
    }
}
