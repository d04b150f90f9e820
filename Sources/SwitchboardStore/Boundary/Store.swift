import Foundation
import ServiceLifecycle
import SwitchboardCore

/// The store's boundary: every write and read the listener, the consoles and the command
/// line ask of a database, named for what it does. SQLite (``AppDatabase``) and PostgreSQL
/// (`SwitchboardPostgres`) implement it; nothing above the store knows which one it has, or
/// any SQL.
///
/// Writes are `async` (they wait for the one writer, or a pooled connection); reads are
/// synchronous and run inside ``read(_:)``'s one read transaction, as a console frame needs.
public protocol Store: Sendable {
    /// The clock every write stamps with (a fixed one in tests and the demo's replays).
    var clock: WallClock { get }
    /// Tier thresholds and window, used whenever metrics are recomputed.
    var tierSettings: TierSettings { get }
    /// Where the store lives, for messages: a file's path, or a server's address without
    /// its password.
    var location: String { get }

    // MARK: Reads

    /// Runs several reads in one read transaction, so together they see one committed state.
    func read<T>(_ reads: (any StoreReading) throws -> T) throws -> T
    func listenerState() throws -> ListenerState
    /// What `switchboard status` reports.
    func status() throws -> StoreStatus
    func receipt(messageSid: String) throws -> ReceiptDetail?
    func receipt(id: RowID) throws -> ReceiptDetail?
    func receipts(_ filter: ReceiptFilter) throws -> [ReceiptSummary]
    func sitterTextRoute(sitterId: RowID) throws -> (from: String, to: String)
    func population() throws -> (sitters: Int, clients: Int)
    /// Receipts and messages stored for `MessageSid`s with `prefix`, each sid's count: what a
    /// benchmark or the torture test checks for loss and duplicates.
    func storedCounts(messageSidPrefix prefix: String) throws -> (receipts: [String: Int], messages: [String: Int])
    func nextOutboundAttempt() throws -> Date?
    /// The sitter with the most client threads and the thread with the most messages: the
    /// heaviest screens, which `bench console` times. A scan of the whole database.
    func busiestScreens() throws -> (busiestSitter: RowID?, longestThread: RowID?)
    func outboxDepth() async throws -> Int
    /// Bytes of write-ahead log waiting for a checkpoint (SQLite's WAL file); 0 where the
    /// engine keeps none of its own (PostgreSQL's is the server's business).
    var walBytes: Int { get }
    /// Calls `observer` with the number of webhooks of every group commit from now on.
    func observeCommitBatches(_ observer: @escaping @Sendable (Int) -> Void)
    func exportThreads(_ filter: ExportFilter, each: (ThreadExportRow) throws -> Void) throws
    func exportMessages(_ filter: ExportFilter, each: (MessageExportRow) throws -> Void) throws
    func findSitter(_ reference: RecordReference, orgId: RowID) throws -> Sitter
    func offerTarget(code: String, sitter reference: RecordReference, orgId: RowID) throws -> OfferTarget
    func replyThread(id: RowID, orgId: RowID) throws -> MessageThread

    // MARK: Changes

    /// One element per commit (this process's or another's) that may change what a console
    /// shows; bursts may be coalesced.
    func changes() -> AsyncStream<Void>
    /// One element per commit that may have queued an outbound message.
    func outboxChanges() -> AsyncStream<Void>
    /// The engine's own upkeep, run beside the shared services (SQLite: WAL checkpoints).
    func upkeepServices() -> [any Service]

    // MARK: Webhooks

    func ingest(_ sms: InboundSMS, received: ReceivedWebhook, answer: @escaping AnswerRenderer<InboundOutcome>) async throws
        -> WebhookAnswer
    func ingest(_ callback: StatusCallback, received: ReceivedWebhook, answer: @escaping AnswerRenderer<WebhookVerdict>)
        async throws -> WebhookAnswer
    func recordRefusal(
        path: String, body: [UInt8], headers: ReceiptHeaders, verdict: WebhookVerdict, statusCode: Int, reason: String,
        arrivedAt: ContinuousClock.Instant?) async throws
    func routeUnrouted(receiptId: RowID) async throws -> RoutedReceipt
    func pruneReceiptBodies(olderThan age: TimeInterval) async throws -> Int

    // MARK: Messages and the outbox

    func markThreadRead(_ threadID: RowID) async throws
    func markThreadUnread(_ threadID: RowID, count: Int) async throws
    func assignThread(_ threadID: RowID, to sitterID: RowID?) async throws -> MessageThread
    func queueOutbound(threadId: RowID, actor: ActorType, body: String) async throws -> PendingOutbound
    func claimDueOutbound(limit: Int) async throws -> [OutboxEntry]
    func recordSent(eventId: RowID, messageSid: String, status: DeliveryStatus) async throws
    func recordSendFailure(eventId: RowID, reason: String) async throws
    func recordDeliveryFailure(eventId: RowID, reason: String, retryAt: Date?) async throws
    func applyDeliveryStatus(messageSid: String, status: DeliveryStatus, errorCode: String?) async throws -> MessageEvent?

    // MARK: Offers

    func createOffer(bookingId: RowID, sitterId: RowID, expiresAt: Date, channel: String) async throws -> OfferCreation
    func expireOffers() async throws -> Int
    func withdrawOffer(offerId: RowID, channel: String) async throws -> OfferEvent

    // MARK: Listeners

    func publishListener(address: String, publicURL: String, pid: Int) async throws -> RowID
    func heartbeat(listenerId id: RowID) async throws
    func retireListener(id: RowID) async throws

    // MARK: Tiers

    func refreshStaleMetrics() async throws -> Int
    func recomputeAllMetrics(orgId: RowID) async throws
    func metricsReport(orgName: String?, storing: Bool) async throws -> [OrgMetrics]
    func recomputeEveryonesMetrics() async throws -> Int

    // MARK: Records

    func importFile(_ file: ImportFile, name: String) async throws -> ImportSummary
    func addBooking(_ new: NewBooking, orgId: RowID) async throws -> Booking
    func cancelBooking(code: String, orgId: RowID) async throws -> BookingCancellation
    func withdrawOffers(code: String, sitter reference: RecordReference?, orgId: RowID) async throws -> [WithdrawnOffer]
    func addNumber(_ e164: String, role: NumberRole, orgId: RowID) async throws -> NumberRecord
    func assignNumber(_ e164: String, to reference: RecordReference, orgId: RowID) async throws -> NumberRecord
    func releaseNumber(_ e164: String, orgId: RowID) async throws -> NumberRecord
    func addSitter(_ new: NewSitter, orgId: RowID) async throws -> Sitter
    func editSitter(_ reference: RecordReference, orgId: RowID, changes: ContactEdit) async throws -> Sitter
    func deactivateSitter(_ reference: RecordReference, orgId: RowID) async throws -> SitterDeactivation
    func activateSitter(_ reference: RecordReference, orgId: RowID) async throws -> (sitter: Sitter, changed: Bool)
    func addClient(_ new: NewClient, orgId: RowID) async throws -> ClientAddition
    func editClient(_ reference: RecordReference, orgId: RowID, changes: ContactEdit) async throws -> Client
}

// The defaults callers are used to (a protocol's requirements can't carry them).
extension Store {
    /// Reads and imports the file at `path`.
    @discardableResult
    public func importFile(atPath path: String) async throws -> ImportSummary {
        try await importFile(ImportFile.load(atPath: path), name: path)
    }

    public func markThreadUnread(_ threadID: RowID) async throws { try await markThreadUnread(threadID, count: 1) }

    public func queueOutbound(threadId: RowID, body: String) async throws -> PendingOutbound {
        try await queueOutbound(threadId: threadId, actor: .owner, body: body)
    }

    public func claimDueOutbound() async throws -> [OutboxEntry] { try await claimDueOutbound(limit: 16) }

    public func applyDeliveryStatus(messageSid: String, status: DeliveryStatus) async throws -> MessageEvent? {
        try await applyDeliveryStatus(messageSid: messageSid, status: status, errorCode: nil)
    }

    public func recordRefusal(
        path: String, body: [UInt8], headers: ReceiptHeaders, verdict: WebhookVerdict, statusCode: Int, reason: String
    ) async throws {
        try await recordRefusal(
            path: path, body: body, headers: headers, verdict: verdict, statusCode: statusCode, reason: reason, arrivedAt: nil)
    }

    public func createOffer(bookingId: RowID, sitterId: RowID, expiresAt: Date) async throws -> OfferCreation {
        try await createOffer(bookingId: bookingId, sitterId: sitterId, expiresAt: expiresAt, channel: "console")
    }

    public func withdrawOffer(offerId: RowID) async throws -> OfferEvent {
        try await withdrawOffer(offerId: offerId, channel: "console")
    }

    public func metricsReport(storing: Bool) async throws -> [OrgMetrics] {
        try await metricsReport(orgName: nil, storing: storing)
    }
}

extension AppDatabase: Store {
    public var location: String { writer.path }

    public func upkeepServices() -> [any Service] { [CheckpointService(store: self)] }

    /// On a connection of its own, so the scan leaves the timed connections' caches alone.
    public func busiestScreens() throws -> (busiestSitter: RowID?, longestThread: RowID?) {
        try Self.busiestScreens(path: writer.path)
    }
}
