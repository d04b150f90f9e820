import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// The console as a service: run it in a `ServiceGroup` beside the webhook listener.
/// It returns when the operator quits, or after a graceful shutdown (SIGINT, SIGTERM),
/// always with the terminal restored.
public struct ConsoleService: Service {
    let store: any Store
    let actions: any OperatorActions
    let listener: ListenerInfo
    let viewer: Viewer
    let terminal: TerminalSettings
    let waitForListener: (@Sendable () async -> String?)?
    let logger: Logger

    /// - Parameter waitForListener: when the console runs with a listener, returns its
    ///   address once it is bound; the console starts then, showing the real port.
    public init(
        store: any Store, actions: any OperatorActions, listener: ListenerInfo, viewer: Viewer = .owner, terminal: TerminalSettings = TerminalSettings(),
        waitForListener: (@Sendable () async -> String?)? = nil, logger: Logger
    ) {
        self.store = store
        self.actions = actions
        self.listener = listener
        self.viewer = viewer
        self.terminal = terminal
        self.waitForListener = waitForListener
        self.logger = logger
    }

    public func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ConsoleError("The console needs a terminal; run it in one (or use `switchboard serve` for the listener alone).")
        }
        let profile = TerminalProfile(environment: ProcessInfo.processInfo.environment)
        if let reason = profile.unusableReason { throw ConsoleError(reason) }
        let queue = try EventQueue()
        let (store, actions, logger, waitForListener, initialListener, viewer, terminal) =
            (self.store, self.actions, self.logger, self.waitForListener, self.listener, self.viewer, self.terminal)
        // Stopped like every service: a graceful shutdown cancels this task, and the
        // cancellation wakes the console's thread, which restores the terminal and returns.
        await cancelWhenGracefulShutdown {
            await withTaskCancellationHandler {
                var listener = initialListener
                if let waitForListener {
                    // Nil when the listener failed to start (or a shutdown came first): leave
                    // the terminal alone.
                    guard let address = await waitForListener(), !Task.isCancelled else { return }
                    listener.address = address
                }
                // Change notifications become wake-ups; the console thread never waits on the stream.
                let changes = Task { for await _ in store.changes() { queue.post(.databaseChanged) } }
                defer { changes.cancel() }
                // A listener killed without a word commits nothing: look again at each
                // heartbeat's interval, so the status bar says it is down.
                let heartbeats = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(AppDatabase.heartbeatInterval))
                        queue.post(.databaseChanged)
                    }
                }
                defer { heartbeats.cancel() }
                let info = listener
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let thread = Thread {
                        EventLoop(queue: queue, store: store, actions: actions, listener: info, viewer: viewer, terminal: terminal, profile: profile, logger: logger).run()
                        done.resume()
                    }
                    thread.name = "switchboard-console"
                    thread.start()
                }
            } onCancel: {
                queue.post(.shutdown)
            }
        }
    }
}
