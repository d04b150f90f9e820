import Foundation
import Hummingbird
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// The console's operator actions with a listener to post to: "simulate YES/NO" sends a
/// signed webhook to the listener serving the database (this console's own, or `serve`'s),
/// so the answer on screen is the TwiML a phone would get. Replies and offers go into the
/// outbox, as in every console.
struct LiveOperatorActions: OperatorActions {
    let store: any Store
    let authToken: String
    /// Where the listener is reached, known once it is bound (`--port 0`).
    let listenerURL: @Sendable () -> String?

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
