import Foundation
import SwitchboardCore
import SwitchboardStore

/// Where the operator is in the two views of webhooks: the receipts view (`w`: every
/// webhook newest first, filtered by verdict, one opened in full with `Enter`) and the
/// Unrouted view (`u`: `r` routes the selected text once its number is ours).
public struct WebhookViews: Equatable, Sendable {
    /// The verdict the receipts view shows; nil for every verdict. `v` cycles through them.
    public var verdict: WebhookVerdict?
    /// The selected receipt's position in the (filtered) list, newest first.
    public var cursor = 0
    /// The selected receipt: the selection stays on it when newer ones arrive, until the
    /// operator moves (then the next read selects by position).
    public var selectedId: RowID?
    var anchorByPosition = false
    /// The first row on screen.
    public var scroll = 0
    /// The receipt opened in full, by id.
    public var openedId: RowID?
    /// The Unrouted view's selected row.
    public var unroutedCursor = 0

    public init() {}

    /// Every verdict, then each one: what `v` steps through.
    static let verdictCycle: [WebhookVerdict?] = [nil] + WebhookVerdict.allCases.map(Optional.some)

    /// The verdict after `verdict` in ``verdictCycle``.
    static func next(after verdict: WebhookVerdict?) -> WebhookVerdict? {
        let index = verdictCycle.firstIndex(of: verdict) ?? 0
        return verdictCycle[(index + 1) % verdictCycle.count]
    }
}

/// What the receipts view asks the store for: one page of the filtered list, and the
/// opened receipt.
public struct ReceiptsQuery: Equatable, Sendable {
    public var verdict: WebhookVerdict?
    /// The selection: this receipt wherever it is now, else the position `cursor`.
    public var selectedId: RowID?
    public var cursor: Int
    public var offset: Int
    public var rows: Int
    public var openedId: RowID?

    /// How far the view counts receipts: the operator scrolls through the newest, and a
    /// count of a million rows would cost every read of the screen tens of milliseconds.
    static let countLimit = 10_000

    func read(from reads: any StoreReading) throws -> ReceiptsPage {
        var page = ReceiptsPage()
        page.total = try reads.receiptCount(verdict: verdict, upTo: Self.countLimit)
        let found = try selectedId.flatMap { try reads.receiptPosition(of: $0, verdict: verdict) }
        page.cursor = min(max(0, found ?? cursor), max(0, page.total - 1))
        var offset = min(max(0, offset), max(0, page.total - rows))
        if page.cursor < offset { offset = page.cursor }
        if page.cursor >= offset + rows { offset = page.cursor - rows + 1 }
        page.offset = offset
        page.rows = try reads.receipts(ReceiptFilter(verdict: verdict, limit: rows, offset: page.offset))
        page.opened = try openedId.flatMap { try reads.receipt(id: $0) }
        return page
    }
}

/// One page of receipts as read, and the receipt opened in full.
public struct ReceiptsPage: Equatable, Sendable {
    public var rows: [ReceiptSummary] = []
    /// Position of `rows[0]` in the filtered list.
    public var offset = 0
    /// Receipts in the filtered list, up to ``ReceiptsQuery/countLimit``.
    public var total = 0
    /// The selection's position in the filtered list.
    public var cursor = 0
    public var opened: ReceiptDetail?

    public init() {}

    /// Every text a sender wrote (numbers, path, SID, body, parameters, headers, the answer
    /// that may quote them) made safe to draw; line breaks of the body and answer kept.
    func sanitized() -> ReceiptsPage {
        var page = self
        let clean = Sanitizer.clean
        for index in page.rows.indices { page.rows[index].sanitize() }
        if var opened = page.opened {
            opened.summary.sanitize()
            opened.rawBody = clean(opened.rawBody)
            opened.parameters = opened.parameters.map { FormParameters.Pair(clean($0.name), Sanitizer.cleanKeepingLines($0.value)) }
            opened.headers = ReceiptHeaders(
                signature: opened.headers.signature.map(clean), contentType: opened.headers.contentType.map(clean),
                userAgent: opened.headers.userAgent.map(clean))
            opened.responseBody = Sanitizer.cleanKeepingLines(opened.responseBody)
            page.opened = opened
        }
        return page
    }
}

extension ReceiptSummary {
    mutating func sanitize() {
        path = Sanitizer.clean(path)
        messageSid = messageSid.map(Sanitizer.clean)
        from = from.map(Sanitizer.clean)
        to = to.map(Sanitizer.clean)
    }
}

extension ConsoleState {
    /// Rows of receipts the view shows: the body's box, less its two borders and header.
    var receiptRows: Int { max(1, (layout?.body.height ?? 4) - 3) }

    /// The receipts read for the screen, while the view is open.
    var receiptsQuery: ReceiptsQuery? {
        guard overlay == .receipts else { return nil }
        return ReceiptsQuery(
            verdict: webhookViews.verdict, selectedId: webhookViews.anchorByPosition ? nil : webhookViews.selectedId,
            cursor: webhookViews.cursor, offset: webhookViews.scroll, rows: receiptRows, openedId: webhookViews.openedId)
    }

    /// The receipt under the cursor, when it was read.
    var selectedReceipt: ReceiptSummary? {
        let row = webhookViews.cursor - data.receipts.offset
        return data.receipts.rows.indices.contains(row) ? data.receipts.rows[row] : nil
    }

    /// The actions of the two webhook views; nil for every action they leave to the
    /// console's own handling (the reducer then applies it as usual).
    mutating func reduceWebhookViews(_ action: Action) -> [Effect]? {
        switch action {
        case .loaded(let newData, _) where overlay == .receipts:
            // The selection as read; the reducer then loads the rest as usual.
            webhookViews.cursor = newData.receipts.cursor
            webhookViews.scroll = newData.receipts.offset
            let row = newData.receipts.cursor - newData.receipts.offset
            webhookViews.selectedId = newData.receipts.rows.indices.contains(row) ? newData.receipts.rows[row].id : nil
            webhookViews.anchorByPosition = false
            return nil
        case .toggleReceipts:
            overlay = overlay == .receipts ? nil : .receipts
            // Opened on the newest webhook.
            webhookViews.openedId = nil
            webhookViews.cursor = 0
            webhookViews.scroll = 0
            webhookViews.anchorByPosition = true
            return [.reload]
        case .routeSelected:
            guard overlay == .unrouted else { return [] }
            let row = min(webhookViews.unroutedCursor, data.unrouted.count - 1)
            guard row >= 0 else {
                notice = Notice(.info, "Nothing to route: the Unrouted view is empty.")
                return []
            }
            let message = data.unrouted[row]
            notice = Notice(.info, "Routing the text from \(message.from ?? "an unknown number")…")
            return [.routeUnrouted(receiptId: message.id)]
        default: break
        }
        if overlay == .unrouted, let delta = Self.step(action, page: max(1, unroutedRows - 1)) {
            // The selection moves through every unrouted text; the page follows it.
            let total = max(data.webhooks.byVerdict[.unrouted] ?? 0, data.unrouted.count)
            let position = Self.clamp(unroutedScroll + webhookViews.unroutedCursor, by: delta, count: total)
            var scroll = unroutedScroll
            if position < scroll { scroll = position }
            if position >= scroll + unroutedRows { scroll = position - unroutedRows + 1 }
            webhookViews.unroutedCursor = position - scroll
            guard scroll != unroutedScroll else { return [] }
            unroutedScroll = scroll
            return [.reload]
        }
        guard overlay == .receipts else { return nil }
        switch action {
        case .cycleReceiptVerdict:
            webhookViews.verdict = WebhookViews.next(after: webhookViews.verdict)
            webhookViews.cursor = 0
            webhookViews.scroll = 0
            webhookViews.anchorByPosition = true
            webhookViews.openedId = nil
            return [.reload]
        case .open:
            guard webhookViews.openedId == nil, let receipt = selectedReceipt else { return [] }
            webhookViews.openedId = receipt.id
            return [.reload]
        case .cancel where webhookViews.openedId != nil:
            webhookViews.openedId = nil
            return [.reload]
        default: break
        }
        guard let delta = Self.step(action, page: receiptRows) else { return nil }
        // While one receipt is open, j/k and the rest do nothing: Esc goes back to the list.
        guard webhookViews.openedId == nil else { return [] }
        let cursor = Self.clamp(webhookViews.cursor, by: delta, count: data.receipts.total)
        guard cursor != webhookViews.cursor else { return [] }
        webhookViews.cursor = cursor
        webhookViews.anchorByPosition = true
        if cursor < webhookViews.scroll { webhookViews.scroll = cursor }
        if cursor >= webhookViews.scroll + receiptRows { webhookViews.scroll = cursor - receiptRows + 1 }
        return [.reload]
    }

    /// How far a moving action goes in a list of `page` visible rows; nil for other actions.
    private static func step(_ action: Action, page: Int) -> Int? {
        switch action {
        case .moveDown: 1
        case .moveUp: -1
        case .pageDown: page
        case .pageUp: -page
        case .moveToTop: Int.min / 2
        case .moveToBottom: Int.max / 2
        default: nil
        }
    }

    private static func clamp(_ position: Int, by delta: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(max(0, position + delta), count - 1)
    }
}
