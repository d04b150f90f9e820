import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `--host`, `--port`, `--public-url`: where the console's listener binds and what URL
/// Twilio signs.
struct ConsoleListenerOptions: ParsableArguments {
    @Option(help: "The address the webhook listener binds.")
    var host = "127.0.0.1"

    /// Parsed unconditionally, so `--port -1` reaches ``validate()`` and is told the range
    /// rather than read as an unknown flag `-1`.
    @Option(parsing: .unconditional, help: "The listener's port; 0 picks a free one.")
    var port = 8080

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp("The URL Twilio calls, without the path; signatures are checked against it.", valueName: "url"))
    var publicURL: String?

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535 (0 picks a free port); got \(port).")
        }
        if let publicURL, !WebURL.isAbsoluteHTTP(publicURL) {
            throw ValidationError(
                "--public-url must be an absolute http(s) URL with a host, such as https://example.ngrok.app; got \(publicURL).")
        }
    }

    func configuration(authToken: String) -> ListenerConfiguration {
        ListenerConfiguration(host: host, port: port, publicURL: publicURL, authToken: authToken)
    }
}

/// `--no-listen`: the console without its webhook listener.
struct ListeningOptions: ParsableArguments {
    @Flag(name: .customLong("no-listen"), help: "Run the console without the webhook listener.")
    var noListen = false

    var listen: Bool { !noListen }
}

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The operator console on your database, with its webhook listener.",
        discussion: """
            The auth token that checks webhook signatures comes from TWILIO_AUTH_TOKEN. \
            Logs go to a file (--log), never to the screen. Press ? in the console for help.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var listener: ConsoleListenerOptions

    @OptionGroup var sender: SenderOptions

    @OptionGroup var listening: ListeningOptions

    @Option(help: ArgumentHelp("The log file.", discussion: "Defaults to the database's path with .log added.", valueName: "path"))
    var log: String?

    func run() async throws {
        let store = try database.open(tierSettings: try TierOptions.defaultSettings())
        let credentials = try TwilioCredentials.load()
        var configuration: ListenerConfiguration?
        // A listener already serves this database (`serve`): attach to it rather than start
        // a second one that would fight it for the port.
        let attached = try listening.listen && store.listenerState().isUp
        if listening.listen && !attached {
            try listener.configuration(authToken: "").checkPortIsFree()
            guard let token = credentials.authToken else {
                throw CommandFailure(
                    "Set TWILIO_AUTH_TOKEN (or twilio_auth_token in the config file) so webhooks can be verified, or pass --no-listen.")
            }
            configuration = listener.configuration(authToken: token)
        }
        let statusCallback = listener.publicURL.map { url in (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/twilio/status" }
        let outbound = try sender.makeSender(store: store, statusCallback: statusCallback, credentials: credentials)
        let logPath = log ?? database.resolvedPath() + ".log"
        try await ConsoleLauncher.run(
            .init(
                store: store, listener: configuration, demoToken: nil, logPath: logPath, sender: outbound,
                attached: attached ? .init(authToken: credentials.authToken) : nil))
        print("Console closed. Log: \(logPath)")
    }
}

extension TierOptions {
    /// The shipped thresholds and default window, as the console and demo use them.
    static func defaultSettings() throws -> TierSettings {
        try TierOptions.parse([]).settings()
    }
}
