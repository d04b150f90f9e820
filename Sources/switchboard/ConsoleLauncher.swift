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
        var store: AppDatabase
        /// Nil runs the console alone (`--no-listen`).
        var listener: ListenerConfiguration?
        /// Shown in the status bar in demo mode.
        var demoToken: String?
        var logPath: String
        /// How replies and offers leave (simulated in the demo).
        var sender: any OutboundSender
    }

    static func run(_ settings: Settings) async throws {
        let sink = try FileLogHandler.Sink(path: settings.logPath)
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
        let logger = Logger(label: "switchboard.console")
        let store = settings.store

        var services = buildServices(
            store: store,
            configuration: ServicesConfiguration(listener: settings.listener, onListening: { url in logger.info("listening on \(url)") }))
        let actions: any OperatorActions
        let waitForListener: (@Sendable () async -> String?)?
        if let configuration = settings.listener, let address = services.listenerAddress {
            actions = LiveOperatorActions(
                store: store, outbox: Outbox(store: store, sender: settings.sender),
                authToken: configuration.authToken, listenerURL: { address.current })
            waitForListener = { await address.waitUntilBound() }
        } else {
            actions = ListenerlessActions(store: store)
            waitForListener = nil
        }
        services.append(
            ConsoleService(
                store: store, actions: actions, listener: ListenerInfo(address: nil, demoToken: settings.demoToken),
                waitForListener: waitForListener, logger: logger))
        try await services.run(logger: logger)
    }
}
