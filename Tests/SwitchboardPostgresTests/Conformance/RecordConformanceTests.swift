import Foundation
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// The record commands on either engine: the same script of additions, edits, refusals,
/// deactivation and cancellation gives the same answers (or the same sentences) as SQLite.
@Suite struct RecordConformanceTests {
    static let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))

    /// One step's answer, as text: a record's description, or the refusal's sentence.
    static func outcome(_ step: () async throws -> Any) async -> String {
        do { return "\(try await step())" } catch let error as StoreError { return "refused: \(error.message)" } catch { return "error: \(error)" }
    }

    static func script(_ store: any Store, org: RowID) async throws -> [String] {
        let start = clock.now.addingTimeInterval(86_400)
        let steps: [() async throws -> Any] = [
            { try await store.addSitter(NewSitter(name: "Ana Ruiz", phone: "+15550200999"), orgId: org) },
            { try await store.addSitter(NewSitter(name: "Ana Again", phone: "+15550200999"), orgId: org) },
            { try await store.addSitter(NewSitter(name: "Desk", phone: "+15550100100"), orgId: org) },
            { try await store.editSitter(.name("ana"), orgId: org, changes: ContactEdit(name: "Ana María Ruiz", phone: nil)) },
            { try await store.editSitter(.name("zzz"), orgId: org, changes: ContactEdit(name: "X", phone: nil)) },
            { try await store.addNumber("+15550300999", role: .sitter(.name("ana")), orgId: org) },
            { try await store.addNumber("+15550300999", role: .pool, orgId: org) },
            { try await store.addNumber("+15550300998", role: .frontDesk, orgId: org) },
            { try await store.addNumber("+15550300997", role: .pool, orgId: org) },
            { try await store.assignNumber("+15550300997", to: .name("ana"), orgId: org) },
            { try await store.assignNumber("+15550300999", to: .name("maya"), orgId: org) },
            { try await store.releaseNumber("+15550300999", orgId: org) },
            { try await store.releaseNumber("+15550100100", orgId: org) },
            { try await store.addClient(NewClient(name: "Kim Park", phone: "+15550409999"), orgId: org) },
            { try await store.addClient(NewClient(name: "Kim Again", phone: "+15550409999"), orgId: org) },
            { try await store.editClient(.name("kim"), orgId: org, changes: ContactEdit(name: nil, phone: "+15550409998")) },
            { try await store.addBooking(NewBooking(code: "B2001", client: .name("kim"), service: "Walk", startsAt: start, endsAt: start.addingTimeInterval(1800)), orgId: org) },
            { try await store.addBooking(NewBooking(code: "b2001", client: .name("kim"), service: "Walk", startsAt: start, endsAt: start.addingTimeInterval(1800)), orgId: org) },
            { try await store.cancelBooking(code: "B2001", orgId: org) },
            { try await store.cancelBooking(code: "B2001", orgId: org) },
            { try await store.withdrawOffers(code: "B2001", sitter: nil, orgId: org) },
            { try await store.deactivateSitter(.name("maya"), orgId: org) },
            { try await store.deactivateSitter(.name("maya"), orgId: org) },
            { try await store.activateSitter(.name("maya"), orgId: org) },
            { try await store.read { try $0.threadCount(in: .owner, of: org) } },
            { try await store.read { try $0.sitters(of: org).map(\.name) } },
        ]
        var answers: [String] = []
        for step in steps { answers.append(await outcome(step)) }
        return answers
    }

    @Test(arguments: Engine.allCases) func theScriptAnswersAsOnSQLite(engine: Engine) async throws {
        let oracle = try AppDatabase.makeEmpty(clock: Self.clock)
        let org = try await oracle.importFile(atPath: demoImportPath).orgId
        let expected = try await Self.script(oracle, org: org)
        #expect(expected.contains { $0.hasPrefix("refused:") } && expected.contains { !$0.hasPrefix("refused:") })
        try await withFreshStore(engine, clock: Self.clock) { store in
            _ = try await store.importFile(atPath: demoImportPath)
            let answers = try await Self.script(store, org: org)
            for (index, (got, wanted)) in zip(answers, expected).enumerated() {
                #expect(got == wanted, "step \(index)")
            }
        }
    }
}

/// A text to a number that was not ours, routed once the number is added, on either engine.
@Suite struct RouteLaterConformanceTests {
    static func script(_ store: any Store, org: RowID) async throws -> [String] {
        let form = FormParameters(["MessageSid": "SMlater1", "From": "+15550401011", "To": "+15550300888", "Body": "Is this Maya?"])
        let received = ReceivedWebhook(
            path: "/api/twilio/inbound", rawBody: form.encoded(), headers: ReceiptHeaders(signature: nil, contentType: nil, userAgent: nil))
        let answer = try await store.ingest(try InboundSMS(form: form), received: received) { outcome in
            WebhookAnswer(statusCode: 200, body: "<Response/>", verdict: outcome.verdict)
        }
        let receipt = try #require(try store.read { try $0.unroutedMessages(limit: 1) }.first)
        var answers = ["\(answer.verdict)", "\(receipt.to ?? "")"]
        for step: () async throws -> Any in [
            { try await store.routeUnrouted(receiptId: receipt.id) },
            { try await store.addNumber("+15550300888", role: .sitter(.name("maya")), orgId: org) },
            { try await store.routeUnrouted(receiptId: receipt.id) },
            { try await store.routeUnrouted(receiptId: receipt.id) },
            { try await store.routeUnrouted(receiptId: 999_999) },
            { try store.read { try $0.unroutedMessages(limit: 5).count } },
        ] {
            answers.append(await RecordConformanceTests.outcome(step))
        }
        return answers
    }

    @Test(arguments: Engine.allCases) func routingLaterAnswersAsOnSQLite(engine: Engine) async throws {
        let oracle = try AppDatabase.makeEmpty(clock: RecordConformanceTests.clock)
        let org = try await oracle.importFile(atPath: demoImportPath).orgId
        let expected = try await Self.script(oracle, org: org)
        #expect(expected[0] == "unrouted" && expected[4].contains("receiptId"), "\(expected)")
        try await withFreshStore(engine, clock: RecordConformanceTests.clock) { store in
            _ = try await store.importFile(atPath: demoImportPath)
            let answers = try await Self.script(store, org: org)
            for (index, (got, wanted)) in zip(answers, expected).enumerated() { #expect(got == wanted, "step \(index)") }
        }
    }
}
