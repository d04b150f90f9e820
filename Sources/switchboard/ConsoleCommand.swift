import ArgumentParser
import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardPostgres
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

    /// Where Twilio reports the delivery of what the outbox sends; nil without a public URL
    /// (Twilio cannot reach a loopback address).
    var statusCallbackURL: String? { publicURL.map(TwilioSetup.statusCallbackURL) }
}

/// How the console uses the terminal: `--no-mouse`, `--bell`.
struct TerminalOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-mouse"),
        help: "Leave the mouse to the terminal (select and copy text as usual) instead of clicking panes and rows.")
    var noMouse = false

    @Flag(help: "Ring the terminal's bell when a text arrives in your inbox (the title counts them either way).")
    var bell = false

    /// These flags with the config file's `keys` and `colors` (`NO_COLOR` is the console's
    /// own to read, with the rest of the terminal's profile).
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TerminalSettings {
        let file = try ConfigFile.load(environment: environment)
        let path = ConfigFile.path(environment: environment)
        do {
            return TerminalSettings(
                mouse: !noMouse, bell: bell, keys: try KeyRemap(file.keys ?? [:]), colors: try ColorScheme(file.colors ?? [:]))
        } catch let error as KeyRemapError {
            throw CommandFailure("The config file \(path): \(error.description)")
        }
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

    @OptionGroup var terminal: TerminalOptions

    @Option(help: ArgumentHelp("The log file.", discussion: "Defaults to the database's path with .log added.", valueName: "path"))
    var log: String?

    @Option(help: ArgumentHelp(
        "Open one sitter's console: her mailbox, her offers and her tier, nothing else.",
        discussion: "A name (or a part that names only her) or an id. On SQLite this is a view, not a security boundary: whoever can read the database file can read every mailbox.",
        valueName: "name|id"))
    var sitter: String?

    func run() async throws {
        // A wrong config file stops the console before anything is opened or created.
        let terminalSettings = try terminal.settings()
        var store = try await database.open(tierSettings: try TierOptions.defaultSettings())
        var viewer = Viewer.owner
        if let postgres = store as? PostgresStore, let own = postgres.sitterRoleId {
            // Connected as a sitter's own role: her console, whatever --sitter says.
            guard let found = try store.read({ try $0.sitter(own) }) else {
                throw CommandFailure("this role's sitter (\(own)) is not active; ask the owner to run `switchboard roles sync`.")
            }
            viewer = .sitter(id: own, name: found.name)
        } else if let sitter {
            let found: Sitter
            do {
                found = try store.read { try $0.sitter(named: sitter) }
            } catch let error as StoreError {
                throw CommandFailure("--sitter: \(error.message).")
            }
            viewer = .sitter(id: found.id ?? 0, name: found.name)
            if let postgres = store as? PostgresStore {
                // On PostgreSQL her console runs as her own role, which row-level security
                // limits to her mailbox: the database, not this process, keeps her out of
                // the others'.
                store = try await postgres.asSitter(found.id ?? 0)
            }
        }
        let credentials = try TwilioCredentials.load()
        var configuration: ListenerConfiguration?
        // A listener already serves this database (`serve`): attach to it rather than start
        // a second one that would fight it for the port.
        // A sitter's console on PostgreSQL runs as her role, which may not store webhooks or
        // deliver texts: it only attaches to a listener.
        let sitterOnServer = store is PostgresStore && viewer != .owner
        let listen = listening.listen && !sitterOnServer
        let attached = try listen && store.listenerState().isUp
        if listen && !attached {
            try listener.configuration(authToken: "").checkPortIsFree()
            guard let token = credentials.authToken else {
                throw CommandFailure(
                    "Set TWILIO_AUTH_TOKEN (or twilio_auth_token in the config file) so webhooks can be verified, or pass --no-listen.")
            }
            configuration = listener.configuration(authToken: token)
        }
        let outbound = try sender.makeSender(store: store, statusCallback: listener.statusCallbackURL, credentials: credentials)
        let logPath =
            log
            ?? DatabaseLocation.consoleLog(
                for: database.resolvedPath(), serverDatabase: (store as? PostgresStore)?.database.location.database,
                environment: ProcessInfo.processInfo.environment)
        try await ConsoleLauncher.run(
            .init(
                store: store, listener: configuration, demoToken: nil, logPath: logPath, sender: outbound,
                attached: attached || sitterOnServer ? .init(authToken: credentials.authToken) : nil, viewer: viewer, terminal: terminalSettings))
        print("Console closed. Log: \(logPath)")
    }
}

extension TierOptions {
    /// The shipped thresholds and default window, as the console and demo use them.
    static func defaultSettings() throws -> TierSettings {
        try TierOptions.parse([]).settings()
    }
}
