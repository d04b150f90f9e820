import SwitchboardCore
import SwitchboardStore

/// Turns the store's outcomes into what Twilio is answered: `200` and TwiML.
///
/// Every `<Message>` that stands for a stored outbound message carries
/// `action="<public-url>/api/twilio/status?event=<id>"`, so Twilio reports the new message's
/// delivery status and the status route links the SID it learns to that message.
public struct TwiMLAnswers: Sendable {
    /// The public URL Twilio calls, without a trailing slash.
    public var publicURL: String
    public var statusPath: String

    public init(publicURL: String, statusPath: String = "/api/twilio/status") {
        self.publicURL = publicURL
        self.statusPath = statusPath
    }

    @Sendable public func inbound(_ outcome: InboundOutcome) -> WebhookAnswer {
        let messages = outcome.replies.map { reply in
            TwiML.Message(
                reply.text, to: reply.to, from: reply.from, media: reply.media.map(\.url),
                action: reply.statusEventId.map { "\(publicURL)\(statusPath)?event=\($0)" })
        }
        return WebhookAnswer(statusCode: 200, body: TwiML.response(messages), verdict: outcome.verdict)
    }

    /// A status callback is answered with an empty response, whatever it changed.
    @Sendable public static func status(_ verdict: WebhookVerdict) -> WebhookAnswer {
        WebhookAnswer(statusCode: 200, body: TwiML.empty, verdict: verdict)
    }
}
