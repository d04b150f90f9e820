import ArgumentParser
import Foundation
import Logging
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
        let services = buildServices(
            store: store,
            configuration: ServicesConfiguration(
                listener: listener.configuration(authToken: token),
                onListening: { url in
                    // Written straight to the file descriptor: unbuffered, so a script waiting
                    // for this line sees it at once.
                    FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
                }))
        try await services.run(logger: Logger(label: "switchboard.serve"))
    }
}
