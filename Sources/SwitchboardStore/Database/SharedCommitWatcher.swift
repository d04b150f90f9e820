import Synchronization

/// One ``CommitWatcher`` for every subscriber of one store: `serve` follows other
/// processes' commits for the tier engine and for the outbox, and each watcher is a thread,
/// an inotify queue fed by every commit (its own included) and a connection checking
/// `data_version`. Shared, those costs are paid once. The watcher starts with the first
/// subscriber and stops when the last one leaves.
final class SharedCommitWatcher: Sendable {
    private struct State {
        var watcher: CommitWatcher?
        var subscribers: [Int: @Sendable () -> Void] = [:]
        var nextToken = 0
    }

    private let path: String
    private let state = Mutex(State())

    init(path: String) {
        self.path = path
    }

    /// Calls `onCommit` (on the watcher's thread) after each commit another connection makes.
    /// Returns nil where the platform cannot watch files; otherwise a token for ``unsubscribe(_:)``.
    func subscribe(_ onCommit: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { state -> Int? in
            if state.watcher == nil {
                state.watcher = CommitWatcher(path: path) { [weak self] in self?.announce() }
                if state.watcher == nil { return nil }
            }
            let token = state.nextToken
            state.nextToken += 1
            state.subscribers[token] = onCommit
            return token
        }
    }

    /// Stops calling the subscriber of `token`; the last one to leave stops the watcher.
    func unsubscribe(_ token: Int) {
        let stopped = state.withLock { state -> CommitWatcher? in
            state.subscribers[token] = nil
            guard state.subscribers.isEmpty else { return nil }
            defer { state.watcher = nil }
            return state.watcher
        }
        stopped?.cancel()
    }

    /// How many subscribers are listening, and whether a watcher runs (for tests).
    var status: (subscribers: Int, watching: Bool) {
        state.withLock { ($0.subscribers.count, $0.watcher != nil) }
    }

    private func announce() {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber() }
    }
}
