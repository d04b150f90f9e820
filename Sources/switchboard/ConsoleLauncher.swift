import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// Runs the console and, unless told not to, the webhook listener beside it in one
/// service group: quitting the console shuts the listener down; SIGINT and SIGTERM shut
/// both down, the console restoring the terminal on its way out.
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

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let actions: any OperatorActions
        let waitForListener: (@Sendable () async -> String?)?
        if var configuration = settings.listener {
            let webhookLogger = Logger(label: "switchboard.webhook")
            configuration.webhookLog = WebhookLog(format: .text, timestamped: false) { line in webhookLogger.info("\(line)") }
            let address = ListenerAddress()
            let listener = buildListener(
                store: store, configuration: configuration, logger: Logger(label: "switchboard.webhook"),
                onListening: { url in
                    logger.info("listening on \(url)")
                    address.set(url)
                })
            services.append(.init(service: listener, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
            let publicURL = configuration.publicURL
            actions = LiveOperatorActions(
                store: store, outbox: Outbox(store: store, sender: settings.sender),
                authToken: configuration.authToken, listenerURL: { publicURL ?? address.current })
            waitForListener = { await address.wait() }
        } else {
            actions = ListenerlessActions()
            waitForListener = nil
        }
        services.append(.init(service: TierEngineService(store: store, logger: Logger(label: "switchboard.tiers"))))
        services.append(.init(service: CheckpointService(store: store)))
        let console = ConsoleService(
            store: store, actions: actions, listener: ListenerInfo(address: nil, demoToken: settings.demoToken),
            waitForListener: waitForListener, logger: logger)
        services.append(.init(service: console, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))

        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw settings.listener.flatMap { ListenerError.explaining(error, port: $0.port) } ?? error
        }
    }
}

/// The listener's address, which is known only once its socket is bound.
final class ListenerAddress: Sendable {
    private let url = Mutex<String?>(nil)
    private let announcements: AsyncStream<String>
    private let announce: AsyncStream<String>.Continuation

    init() {
        (announcements, announce) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var current: String? { url.withLock { $0 } }

    func set(_ address: String) {
        url.withLock { $0 = address }
        announce.yield(address)
    }

    /// The address once bound; nil when the waiting task is cancelled. One waiter only.
    func wait() async -> String? {
        for await address in announcements { return address }
        return nil
    }
}
