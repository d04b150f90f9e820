import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardWebhook

/// `switchboard simulate`: one inbound SMS webhook, signed as Twilio signs it.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Send one inbound SMS webhook, signed with TWILIO_AUTH_TOKEN, to a running listener.",
        discussion: """
            Prints the HTTP status and the TwiML answer. The URL must be the one the listener \
            checks signatures against (its --public-url plus /api/twilio/inbound). Exits \
            non-zero when the listener refuses the request.
            """
    )

    @Option(help: ArgumentHelp("The webhook URL, e.g. http://127.0.0.1:8080/api/twilio/inbound.", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The sender's phone, in E.164 (+15551234567).", valueName: "e164"))
    var from: String

    @Option(help: ArgumentHelp("The Twilio number texted, in E.164.", valueName: "e164"))
    var to: String

    @Option(help: ArgumentHelp("The SMS text.", valueName: "text"))
    var body: String

    @Option(help: ArgumentHelp("The MessageSid; a new SM… id by default. Repeat one to test duplicates.", valueName: "sid"))
    var sid: String?

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("--url must be an http(s) URL such as http://127.0.0.1:8080/api/twilio/inbound; got \(url).")
        }
        for (flag, value) in [("--from", from), ("--to", to)] where !E164.isValid(value) {
            throw ValidationError("\(flag) must be an E.164 phone number such as +15551234567; got \(value).")
        }
    }

    func run() async throws {
        let token = try TwilioCredentials.load().requireAuthToken()
        let answer: (status: Int, body: String)
        do {
            answer = try await WebhookSimulator.sendSMS(url: url, authToken: token, from: from, to: to, body: body, sid: sid)
        } catch {
            throw CommandFailure("Could not reach \(url): \(error). Is `switchboard serve` running there?")
        }
        print("HTTP \(answer.status)")
        print(answer.body.hasSuffix("\n") ? String(answer.body.dropLast()) : answer.body)
        if !(200..<300).contains(answer.status) { throw ExitCode.failure }
    }
}
