import Logging
import ServiceLifecycle
import SwitchboardStore

/// Marks pending offers past their expiry as `expired` every `interval`, so metrics and the
/// console see them expire even when no sitter texts. (Reads never count an expired offer as
/// pending anyway.)
public struct OfferExpiryService: Service {
    let store: any Store
    let interval: Duration
    let logger: Logger

    public init(store: any Store, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let expired = try await store.expireOffers()
                    if expired > 0 { logger.info("expired \(expired) offers") }
                } catch is CancellationError {
                    return  // shutting down: the sweep was interrupted, nothing failed
                } catch {
                    logger.error("offer expiry sweep failed: \(error)")
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
