import Foundation
@testable import SwitchboardConsole
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Issue 15: the receipts view (`w`) and routing from the Unrouted view (`r`).
@Suite struct ReceiptsViewTests {
    /// Three webhooks as the listener keeps them: accepted, refused (a forger's escape
    /// sequences in its From), unrouted; oldest first.
    static func addReceipts(_ store: AppDatabase) async throws {
        let rows: [(FormParameters, WebhookVerdict, Int, String, TimeInterval, Double?)] = [
            (FormParameters(["MessageSid": "SMA1", "From": "+15550401005", "To": "+15550100100", "Body": "Is Saturday free?"]),
             .accepted, 200, #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#, 600, 0.0042),
            (FormParameters(["MessageSid": "SMF1", "From": "+1555\u{1b}[31mEVIL", "To": "+15550100100", "Body": "forged \u{202e}txt"]),
             .rejectedSignature, 403, "X-Twilio-Signature does not match", 300, 0.0004),
            (FormParameters(["MessageSid": "SMU1", "From": "+15559990001", "To": "+15550177777", "Body": "wrong number?"]),
             .unrouted, 200, #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#, 120, 0.0011),
        ]
        try await store.writer.write { db in
            for (form, verdict, status, answer, age, latency) in rows {
                var receipt = WebhookReceipt(
                    path: "/api/twilio/inbound", messageSid: form["MessageSid"], dedupeKey: verdict == .rejectedSignature ? nil : form["MessageSid"],
                    rawBody: form.encoded(),
                    headers: ReceiptHeaders(signature: "c2lnbmF0dXJl", contentType: "application/x-www-form-urlencoded", userAgent: "TwilioProxy/1.1").json,
                    verdict: verdict, statusCode: status, responseBody: answer, createdAt: Fixture.now.addingTimeInterval(-age),
                    latencySeconds: latency)
                try receipt.insert(db)
            }
        }
    }

    @Test("w opens the receipts view newest first; v cycles the verdict; j/k move; Enter opens one, Esc goes back, w closes")
    func keysOfTheReceiptsView() async throws {
        let store = try await Fixture.makeStore()
        try await Self.addReceipts(store)
        var state = try Fixture.state(store)
        #expect(try Fixture.press(.character("w"), &state, store) == [.reload])
        #expect(state.overlay == .receipts)
        #expect(state.data.receipts.rows.map(\.messageSid) == ["SMU1", "SMF1", "SMA1"])
        #expect(state.data.receipts.total == 3)

        try Fixture.press(.character("j"), &state, store)
        try Fixture.press(.character("j"), &state, store)
        try Fixture.press(.character("j"), &state, store)  // stays on the last
        #expect(state.webhookViews.cursor == 2)
        try Fixture.press(.character("g"), &state, store)
        #expect(state.webhookViews.cursor == 0)
        try Fixture.press(.down, &state, store)
        try Fixture.press(.enter, &state, store)
        #expect(state.webhookViews.openedId == state.data.receipts.rows[1].id)
        #expect(state.data.receipts.opened?.summary.messageSid == "SMF1")
        try Fixture.press(.escape, &state, store)
        #expect(state.overlay == .receipts && state.webhookViews.openedId == nil, "Esc first goes back to the list")

        try Fixture.press(.character("v"), &state, store)
        #expect(state.webhookViews.verdict == .accepted)
        #expect(state.webhookViews.cursor == 0)
        #expect(state.data.receipts.rows.map(\.messageSid) == ["SMA1"])
        for _ in 0..<3 { try Fixture.press(.character("v"), &state, store) }
        #expect(state.webhookViews.verdict == .rejectedSignature)
        #expect(state.data.receipts.rows.map(\.messageSid) == ["SMF1"])
        for _ in WebhookVerdict.allCases.indices.dropFirst(3) { try Fixture.press(.character("v"), &state, store) }
        #expect(state.webhookViews.verdict == nil, "after the last verdict, every verdict again")

        try Fixture.press(.character("w"), &state, store)
        #expect(state.overlay == nil)
        #expect(KeyMap.action(for: .character("v"), in: state) == nil, "v means something only in the receipts view")
    }

    @Test("a webhook arriving while the view is open goes on top; the selection stays on its receipt")
    func selectionStaysOnItsReceiptWhenOthersArrive() async throws {
        let store = try await Fixture.makeStore()
        try await Self.addReceipts(store)
        var state = try Fixture.state(store)
        try Fixture.press(.character("w"), &state, store)
        try Fixture.press(.character("j"), &state, store)
        #expect(state.selectedReceipt?.messageSid == "SMF1")
        try await Fixture.addUnrouted(store, from: "+15559990003", to: "+15550177777", body: "another")
        try Fixture.send(.databaseChanged, to: &state, store)
        #expect(state.data.receipts.rows.first?.messageSid == "SM0003", "the newest on top")
        #expect(state.webhookViews.cursor == 2)
        #expect(state.selectedReceipt?.messageSid == "SMF1", "the selection stayed on its receipt")
    }

    @Test("the receipts list and one receipt in full, sanitised: no escape or bidi character reaches the grid")
    func receiptsRenderSnapshots() async throws {
        let store = try await Fixture.makeStore()
        try await Self.addReceipts(store)
        var state = try Fixture.state(store)
        try Fixture.press(.character("w"), &state, store)
        var grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "receipts-120x40") { Issue.record("\(mismatch)") }
        for part in ["Webhooks · every verdict · newest first", "1 of 3", "AGE", "VERDICT", "rejected_signature", "403",
                     "+15559990001 → +15550177777", "4.2 ms", "/api/twilio/inbound", "w close webhooks"] {
            #expect(grid.text.contains(part), "missing \(part)")
        }

        try Fixture.press(.character("j"), &state, store)
        try Fixture.press(.enter, &state, store)
        grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "receipt-detail-120x40") { Issue.record("\(mismatch)") }
        for part in ["Webhook 2 · rejected_signature · 403", "X-Twilio-Signature: c2lnbmF0dXJl", "User-Agent: TwilioProxy/1.1",
                     "Parameters", "Raw body", "Answer", "X-Twilio-Signature does not match", "Esc back to the list"] {
            #expect(grid.text.contains(part), "missing \(part)")
        }
        #expect(!grid.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    @Test("in the Unrouted view j/k select a text and r routes it: the effect names its receipt, the action routes it")
    func routeFromTheUnroutedView() async throws {
        let store = try await Fixture.makeStore()
        try await Self.addReceipts(store)
        try await Fixture.addUnrouted(store, from: "+15559990002", to: "+15550300101", body: "for Maya's number")
        var state = try Fixture.state(store)
        try Fixture.press(.character("u"), &state, store)
        #expect(state.data.unrouted.map(\.from) == ["+15559990002", "+15559990001"])
        try Fixture.press(.character("j"), &state, store)
        #expect(state.webhookViews.unroutedCursor == 1)
        let stranger = state.data.unrouted[1].id
        #expect(try Fixture.press(.character("r"), &state, store) == [.routeUnrouted(receiptId: stranger)])

        // Its number is not ours: the action says so.
        let actions = ListenerlessActions(store: store)
        await #expect(throws: ConsoleError.self) { try await actions.perform(.routeUnrouted(receiptId: stranger)) }

        // The one sent to Maya's masked number is routed into her mailbox.
        try Fixture.press(.character("k"), &state, store)
        let effects = try Fixture.press(.character("r"), &state, store)
        guard case .routeUnrouted(let id)? = effects.first else { Issue.record("no route effect"); return }
        let line = try await actions.perform(.routeUnrouted(receiptId: id))
        #expect(line?.hasPrefix("Routed the text from +15559990002 to thread ") == true, "\(line ?? "")")
        #expect(line?.hasSuffix("in Maya Okafor's mailbox.") == true, "\(line ?? "")")
        try Fixture.send(.databaseChanged, to: &state, store)
        #expect(state.data.unrouted.map(\.from) == ["+15559990001"], "a routed text leaves the Unrouted view")
    }
}
