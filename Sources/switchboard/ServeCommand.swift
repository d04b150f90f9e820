import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `switchboard serve`: the always-on listener, logging to stdout. It delivers the outbox
/// that every console writes to, sweeps expired offers and keeps the tiers fresh.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the webhook listener and the outbox's delivery; logs go to stdout.",
        discussion: """
            Prints the two URLs to paste into Twilio, then "listening on http://HOST:PORT" once \
            it accepts connections (with the real port when --port is 0), then one line per \
            webhook. The auth token that checks signatures comes from TWILIO_AUTH_TOKEN or the \
            config file, never from a flag.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var listener: ConsoleListenerOptions

    @Option(name: .customLong("log-format"), help: "One line per webhook as text, or as JSON for log shippers (text|json).")
    var logFormat: WebhookLog.Format = .text

    @Flag(name: .customLong("metrics-public"), help: "Answer GET /metrics to any address, not only to this machine.")
    var metricsPublic = false

    @OptionGroup var sender: SenderOptions

    @Option(
        name: .customLong("receipt-body-retention"),
        help: ArgumentHelp(
            "How long accepted webhooks keep their raw body (90s, 15m, 2h, 7d); a daily sweep removes older ones.",
            valueName: "duration"))
    var receiptBodyRetention = "90d"

    func validate() throws {
        if DurationSpec(receiptBodyRetention) == nil {
            throw ValidationError(DurationSpec.problem(flag: "--receipt-body-retention", value: receiptBodyRetention))
        }
    }

    func run() async throws {
        let credentials = try TwilioCredentials.load()
        let token = try credentials.requireAuthToken()
        var configuration = listener.configuration(authToken: token)
        configuration.webhookLog = WebhookLog(format: logFormat) { line in Self.printLine(line) }
        configuration.metricsPublic = metricsPublic
        // Nothing is created (not even the database) when the listener could not start.
        try configuration.checkPortIsFree()
        let store = try await database.open(tierSettings: try TierOptions.defaultSettings())
        let outbound = try sender.makeSender(store: store, statusCallback: listener.statusCallbackURL, credentials: credentials)
        LoggingSystem.bootstrap(StreamLogHandler.standardOutput)
        let logger = Logger(label: "switchboard.serve")
        let publicURL = configuration.publicURL
        let services = buildServices(
            store: store,
            configuration: ServicesConfiguration(
                listener: configuration,
                onListening: { url in
                    for line in TwilioSetup.lines(publicURL: publicURL ?? url) { Self.printLine(line) }
                    Self.printLine("listening on \(url)")
                },
                sender: outbound,
                receiptBodyRetention: DurationSpec(receiptBodyRetention)?.seconds ?? AppDatabase.defaultReceiptBodyRetention))
        do {
            try await services.run(logger: logger)
        } catch {
            throw ListenerError.explaining(error, port: configuration.port) ?? error
        }
    }

    /// Written straight to the file descriptor: unbuffered, so a script waiting for a line
    /// sees it at once.
    static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

extension WebhookLog.Format: ExpressibleByArgument {}
