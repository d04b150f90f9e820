import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore

/// Publishes the listener in the database once its socket is bound, says it is alive every
/// ``Store/heartbeatInterval``, and records its stop on a graceful shutdown, so every
/// console attached to the store shows `listener up · http://…` or `listener down since 14:02`.
public struct PresenceService: Service {
    let store: any Store
    let address: ListenerAddress
    let bound: AsyncStream<String>
    let logger: Logger

    /// - Parameter bound: yields the listener's address once its socket accepts connections.
    public init(store: any Store, address: ListenerAddress, bound: AsyncStream<String>, logger: Logger) {
        self.store = store
        self.address = address
        self.bound = bound
        self.logger = logger
    }

    public func run() async throws {
        let published: RowID? = await cancelWhenGracefulShutdown {
            var announcements = bound.makeAsyncIterator()
            guard let boundAddress = await announcements.next() else { return nil }
            do {
                return try await store.publishListener(
                    address: boundAddress, publicURL: address.current ?? boundAddress,
                    pid: Int(ProcessInfo.processInfo.processIdentifier))
            } catch {
                logger.error("could not publish the listener in the database: \(error)")
                return nil
            }
        }
        guard let id = published else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(AppDatabase.heartbeatInterval))
                guard !Task.isCancelled else { break }
                do { try await store.heartbeat(listenerId: id) } catch { logger.warning("heartbeat not stored: \(error)") }
            }
        }
        // Stopping is a cancellation: record the stop from a task of its own, which is not.
        do { try await Task { [store] in try await store.retireListener(id: id) }.value } catch {
            logger.warning("could not record the listener's stop: \(error)")
        }
    }
}
