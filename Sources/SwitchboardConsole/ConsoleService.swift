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
    let logger: Logger

    public init(store: AppDatabase, actions: any OperatorActions, listener: ListenerInfo, logger: Logger) {
        self.store = store
        self.actions = actions
        self.listener = listener
        self.logger = logger
    }

    public func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ConsoleError("The console needs a terminal; run it in one (or use `switchboard serve` for the listener alone).")
        }
        let queue = try EventQueue()
        // Change notifications become wake-ups; the console thread never waits on the stream.
        let changes = Task { [store] in
            for await _ in store.changes() { queue.post(.databaseChanged) }
        }
        defer { changes.cancel() }
        let (store, actions, listener, logger) = (self.store, self.actions, self.listener, self.logger)
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    EventLoop(queue: queue, store: store, actions: actions, listener: listener, logger: logger).run()
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
