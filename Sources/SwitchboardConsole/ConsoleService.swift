import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// The console as a service: run it in a `ServiceGroup` beside the webhook listener.
/// It returns when the operator quits, or after a graceful shutdown (SIGINT, SIGTERM),
/// always with the terminal restored.
public struct ConsoleService: Service {
    let store: AppDatabase
    let actions: any OperatorActions
    let listener: ListenerInfo
    let waitForListener: (@Sendable () async -> String?)?
    let logger: Logger

    /// - Parameter waitForListener: when the console runs with a listener, returns its
    ///   address once it is bound; the console starts then, showing the real port.
    public init(
        store: AppDatabase, actions: any OperatorActions, listener: ListenerInfo,
        waitForListener: (@Sendable () async -> String?)? = nil, logger: Logger
    ) {
        self.store = store
        self.actions = actions
        self.listener = listener
        self.waitForListener = waitForListener
        self.logger = logger
    }

    public func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ConsoleError("The console needs a terminal; run it in one (or use `switchboard serve` for the listener alone).")
        }
        var listener = self.listener
        if let waitForListener {
            // Cancelled (nil) when the listener failed to start: leave the terminal alone.
            guard let found = await cancelOnGracefulShutdown({ await waitForListener() }), let address = found else { return }
            listener.address = address
        }
        let queue = try EventQueue()
        // Change notifications become wake-ups; the console thread never waits on the stream.
        let changes = Task { [store] in
            for await _ in store.changes() { queue.post(.databaseChanged) }
        }
        defer { changes.cancel() }
        let (store, actions, logger, info) = (self.store, self.actions, self.logger, listener)
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    EventLoop(queue: queue, store: store, actions: actions, listener: info, logger: logger).run()
                    done.resume()
                }
                thread.name = "switchboard-console"
                thread.start()
            }
        } onGracefulShutdown: {
            queue.post(.shutdown)
        }
    }
}
