import ArgumentParser
import AsyncHTTPClient
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
        guard WebURL.isAbsoluteHTTP(url) else {
            throw ValidationError("--url must be an http(s) URL such as http://127.0.0.1:8080/api/twilio/inbound; got \(url).")
        }
        for (flag, value) in [("--from", from), ("--to", to)] where !E164.isValid(value) {
            throw ValidationError("\(flag) must be an E.164 phone number such as +15551234567; got \(value).")
        }
    }

    func run() async throws {
        let token = try TwilioCredentials.load().requireAuthToken()
        // A client of its own that tries to connect once, for at most 2 s: the shared client
        // retries a refused connection until the request's deadline (30 s), so a closed port
        // looked like a hang.
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var answer: (status: Int, body: String)?
        var failure: (any Error)?
        do {
            answer = try await WebhookSimulator.sendSMS(url: url, authToken: token, from: from, to: to, body: body, sid: sid, httpClient: client)
        } catch {
            failure = error
        }
        try? await client.shutdown()
        guard let answer else {
            throw CommandFailure("Could not reach \(url) (\(failure.map(Self.reason) ?? "no answer")); is `switchboard serve` running there?")
        }
        print("HTTP \(answer.status)")
        print(answer.body.hasSuffix("\n") ? String(answer.body.dropLast()) : answer.body)
        if !(200..<300).contains(answer.status) { throw ExitCode.failure }
    }

    /// The cause in a few words: "connection refused", not NIO's type names.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timed out") { return "timed out" }
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
    }
}
