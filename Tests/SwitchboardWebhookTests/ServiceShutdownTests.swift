import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook
import Testing

/// One shutdown idiom: every long-running service stops by `cancelWhenGracefulShutdown`, so a
/// graceful shutdown (what SIGINT/SIGTERM trigger) ends the group cleanly, without an error.
@Suite struct ServiceShutdownTests {
    @Test(
        "Given the shared services in one group, on a queue and on a WAL pool, when a graceful shutdown comes, then the group returns without an error",
        arguments: [false, true])
    func gracefulShutdownEndsEveryServiceCleanly(onDisk: Bool) async throws {
        let fixture = try Fixture.make(onDisk: onDisk)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: OfferExpiryService(store: fixture.store, interval: .milliseconds(20), logger: logger)),
                    .init(service: TierEngineService(store: fixture.store, staleRefreshInterval: .milliseconds(10), logger: logger)),
                    .init(service: CheckpointService(store: fixture.store, interval: .milliseconds(10), logger: logger)),
                ],
                logger: logger))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(150))
        await group.triggerGracefulShutdown()
        try await running.value
    }
}

/// The one holder of the listener's address.
@Suite struct ListenerAddressTests {
    @Test("Without a public URL, signatures are checked against the bound address, once there is one")
    func boundAddressIsThePublicURLByDefault() async {
        let address = ListenerAddress(nil)
        #expect(address.current == nil)
        let waiter = Task { await address.waitUntilBound() }
        let listener = buildListener(
            store: try! AppDatabase.makeEmpty(), configuration: ListenerConfiguration(port: 0, authToken: "t"), address: address)
        let server = Task { try await listener.runService() }
        let bound = await waiter.value
        server.cancel()
        #expect(bound?.hasPrefix("http://127.0.0.1:") == true)
        #expect(address.current == bound)
        #expect(address.bound == bound)
    }

    @Test("A configured public URL is what signatures are checked against; the bound address is still known")
    func configuredPublicURLWins() async throws {
        let address = ListenerAddress("https://abc.ngrok.app/")
        #expect(address.current == "https://abc.ngrok.app")
        let listener = buildListener(
            store: try AppDatabase.makeEmpty(), configuration: ListenerConfiguration(port: 0, authToken: "t"), address: address)
        let server = Task { try await listener.runService() }
        let bound = await address.waitUntilBound()
        server.cancel()
        #expect(bound?.hasPrefix("http://127.0.0.1:") == true)
        #expect(address.current == "https://abc.ngrok.app")
    }
}
