import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore
import SwitchboardWebhook

/// `switchboard serve`: the webhook listener alone, logging to stdout.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the webhook listener alone; logs go to stdout.",
        discussion: """
            Prints "listening on http://HOST:PORT" once it accepts connections (with the real \
            port when --port is 0). The auth token that checks signatures comes from \
            TWILIO_AUTH_TOKEN or the config file, never from a flag.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var listener: ConsoleListenerOptions

    func run() async throws {
        let token = try TwilioCredentials.load().requireAuthToken()
        let store = try database.open(tierSettings: try TierOptions.defaultSettings())
        LoggingSystem.bootstrap(StreamLogHandler.standardOutput)
        let logger = Logger(label: "switchboard.serve")
        let app = buildListener(
            store: store, configuration: listener.configuration(authToken: token), logger: Logger(label: "switchboard.webhook"),
            onListening: { url in
                // Written straight to the file descriptor: unbuffered, so a script waiting
                // for this line sees it at once.
                FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            })
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: TierEngineService(store: store, logger: Logger(label: "switchboard.tiers"))),
                    .init(service: CheckpointService(store: store)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
