import Foundation
import Logging
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// Runs the console beside the shared services (``buildServices(store:configuration:)``):
/// quitting the console shuts the listener down; SIGINT and SIGTERM shut both down, the
/// console restoring the terminal on its way out.
enum ConsoleLauncher {
    struct Settings {
        var store: any Store
        /// Nil runs the console alone (`--no-listen`).
        var listener: ListenerConfiguration?
        /// Shown in the status bar in demo mode.
        var demoToken: String?
        var logPath: String
        /// How replies and offers leave (simulated in the demo); unused when attached, since
        /// the listener that serves the database delivers the outbox.
        var sender: any OutboundSender
        /// Set when a listener another process runs (`serve`) serves the database: the
        /// console attaches to it instead of running the shared services itself.
        var attached: Attached? = nil
        /// The owner's console, or one sitter's (`--sitter`).
        var viewer: Viewer = .owner
        /// The mouse, the bell, the operator's keys and colours.
        var terminal = TerminalSettings()
    }

    struct Attached {
        /// Signs the console's simulated YES/NO, posted to the URL that listener published;
        /// nil: those keys say why they cannot run.
        var authToken: String?
    }

    static func run(_ settings: Settings) async throws {
        let sink = try FileLogHandler.Sink(path: settings.logPath)
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
        let logger = Logger(label: "switchboard.console")
        let store = settings.store

        // The listener's line per webhook goes to the console's log file, never the screen.
        var listener = settings.listener
        let webhookLogger = Logger(label: "switchboard.webhook")
        listener?.webhookLog = WebhookLog(format: .text, timestamped: false) { line in webhookLogger.info("\(line)") }
        var services =
            settings.attached != nil
            ? Services(configurations: [], listenerAddress: nil)  // serve runs the rest
            : buildServices(
                store: store,
                configuration: ServicesConfiguration(
                    listener: listener, onListening: { url in logger.info("listening on \(url)") }, sender: settings.sender))
        var actions: any OperatorActions
        let waitForListener: (@Sendable () async -> String?)?
        if let configuration = settings.listener, let address = services.listenerAddress {
            actions = LiveOperatorActions(store: store, authToken: configuration.authToken, listenerURL: { address.current })
            waitForListener = { await address.waitUntilBound() }
        } else if let attached = settings.attached {
            if let token = attached.authToken {
                actions = LiveOperatorActions(
                    store: store, authToken: token,
                    listenerURL: {
                        guard case .up(_, let publicURL, _, _) = try? store.listenerState() else { return nil }
                        return publicURL
                    })
            } else {
                actions = ListenerlessActions(
                    store: store,
                    reason: "Simulating a sitter's answer signs a webhook: set TWILIO_AUTH_TOKEN to the listener's token and reopen the console.")
            }
            waitForListener = nil
        } else {
            actions = ListenerlessActions(store: store)
            waitForListener = nil
        }
        services.append(
            ConsoleService(
                store: store,
                actions: settings.viewer.sitterId.map { SitterActions(base: actions, sitterId: $0) } ?? RecordingActions(base: actions),
                listener: ListenerInfo(address: nil, demoToken: settings.demoToken), viewer: settings.viewer, terminal: settings.terminal,
                waitForListener: waitForListener, logger: logger))
        do {
            try await services.run(logger: logger)
        } catch {
            throw settings.listener.flatMap { ListenerError.explaining(error, port: $0.port) } ?? error
        }
    }
}
