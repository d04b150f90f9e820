import Foundation
import Hummingbird
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// The console's operator actions, for real: replies and offers go out through the outbox
/// (its sender), and "simulate YES/NO" posts a signed webhook to the console's own
/// listener, so the answer on screen is the TwiML a phone would get.
struct LiveOperatorActions: OperatorActions {
    let store: AppDatabase
    let outbox: Outbox
    let authToken: String
    /// Where the listener is reached, known once it is bound (`--port 0`).
    let listenerURL: @Sendable () -> String?
    /// How long an offer made from the console stays open.
    var offerLifetime: TimeInterval = 2 * 3600

    func reply(threadId: RowID, body: String) async throws -> String {
        let sent = try await outbox.send(threadId: threadId, body: body)
        return "Reply sent to \(sent.to) from \(sent.from)."
    }

    func offer(bookingId: RowID, sitterId: RowID) async throws -> String {
        let creation = try await outbox.offer(
            bookingId: bookingId, sitterId: sitterId, expiresAt: store.clock.now.addingTimeInterval(offerLifetime))
        return creation.created
            ? "Offer texted; it expires in \(Int(offerLifetime / 3600)) hours. Press y or n to answer as the sitter."
            : "That sitter already has this offer pending; nothing new was sent."
    }

    func simulateAnswer(sitterId: RowID, accept: Bool, code: String?) async throws -> String {
        guard let base = listenerURL() else { throw ConsoleError("The listener is not running, so there is nowhere to send the text.") }
        let route = try store.sitterTextRoute(sitterId: sitterId)
        let word = (accept ? "YES" : "NO") + (code.map { " \($0)" } ?? "")
        let answer = try await WebhookSimulator.sendSMS(
            url: base + WebhookController<BasicRequestContext>.inboundPath, authToken: authToken,
            from: route.from, to: route.to, body: word)
        return "\(word) → \(answer.status) \(Self.compact(answer.body))"
    }

    /// The TwiML on one line, without the XML declaration and the status `action`s (plumbing
    /// that would push the answer's text off the notice line).
    static func compact(_ twiml: String) -> String {
        var text = twiml.replacing(#/ action="[^"]*" method="POST"/#, with: "")
        if let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined()
    }
}
