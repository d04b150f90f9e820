import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore
import SwitchboardWebhook

/// What a long-running command runs beside its store.
struct ServicesConfiguration {
    /// The webhook listener and its offer-expiry sweep; nil runs without them (`--no-listen`).
    var listener: ListenerConfiguration?
    /// Called with `http://HOST:PORT` once the listener accepts connections.
    var onListening: @Sendable (String) async -> Void = { _ in }
    /// Delivers the outbox (replies and offers typed in any console); nil leaves the outbox
    /// to another process.
    var sender: (any OutboundSender)? = nil
    /// How long accepted receipts keep their raw body; swept daily beside the listener.
    var receiptBodyRetention: TimeInterval = AppDatabase.defaultReceiptBodyRetention
}

/// The services every long-running command shares, wired once.
struct Services {
    /// In start order; a graceful shutdown stops them in reverse.
    var configurations: [ServiceGroupConfiguration.ServiceConfiguration]
    /// Where the listener is once bound; nil without a listener.
    var listenerAddress: ListenerAddress?

    /// Adds a service after the shared ones (the console): it starts last and stops first,
    /// and its end (the operator quits) shuts the whole group down.
    mutating func append(_ service: some Service) {
        configurations.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
    }

    /// Runs every service in one group until one ends or SIGINT/SIGTERM arrives; each
    /// service stops by `cancelWhenGracefulShutdown`, the one shutdown idiom of this project.
    func run(logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The one composition root: the listener (with its offer-expiry sweep), the outbox's
/// delivery, the tier engine and the WAL checkpoints, as `serve`, `console` and `demo` all
/// run them.
func buildServices(store: any Store, configuration: ServicesConfiguration) -> Services {
    var services = Services(configurations: [], listenerAddress: nil)
    if let listener = configuration.listener {
        let address = ListenerAddress(listener.publicURL)
        let logger = Logger(label: "switchboard.webhook")
        let (bound, announceBound) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let onListening = configuration.onListening
        let application = buildListener(
            store: store, configuration: listener, address: address, logger: logger,
            onListening: { boundAddress in
                announceBound.yield(boundAddress)
                await onListening(boundAddress)
            })
        services.append(application)
        services.configurations.append(.init(service: PresenceService(store: store, address: address, bound: bound, logger: logger)))
        if let interval = listener.offerSweepInterval {
            services.configurations.append(.init(service: OfferExpiryService(store: store, interval: interval, logger: logger)))
        }
        services.configurations.append(
            .init(service: ReceiptRetentionService(store: store, age: configuration.receiptBodyRetention, logger: logger)))
        services.listenerAddress = address
    }
    if let sender = configuration.sender {
        services.configurations.append(
            .init(service: OutboxDelivery(store: store, sender: sender, logger: Logger(label: "switchboard.outbox"))))
    }
    services.configurations.append(.init(service: TierEngineService(store: store, logger: Logger(label: "switchboard.tiers"))))
    for upkeep in store.upkeepServices() {
        services.configurations.append(.init(service: upkeep))
    }
    return services
}

/// A failure while a command runs (not a mistake in its arguments): printed as one sentence,
/// without the usage text, and the command exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
