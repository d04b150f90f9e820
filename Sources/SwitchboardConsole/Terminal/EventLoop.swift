import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// The console's one thread: sleeps in `poll` on stdin and the event queue's pipe, turns
/// keys and events into actions for the ``ConsoleDriver``, and draws its frames. Operator
/// actions run off this thread through ``OperatorActions``; their answers come back as
/// events.
final class EventLoop {
    private let backend = CursesBackend()
    private let queue: EventQueue
    private var driver: ConsoleDriver
    private let logger: Logger
    /// Ages on screen ("3m") are refreshed this often even when nothing happens.
    private let idleRefreshMilliseconds: Int32 = 15_000

    private let profile: TerminalProfile

    init(
        queue: EventQueue, store: AppDatabase, actions: any OperatorActions, listener: ListenerInfo, profile: TerminalProfile,
        logger: Logger
    ) {
        self.queue = queue
        self.profile = profile
        self.logger = logger
        driver = ConsoleDriver(
            state: ConsoleState(size: Size(width: 0, height: 0), listener: listener, startedAt: store.clock.now), store: store,
            perform: { effect in Self.run(effect, actions: actions, queue: queue, logger: logger) })
    }

    func run() {
        backend.start(wakeDescriptor: queue.writeDescriptor, color: profile.usesColor)
        defer { backend.stop() }
        driver.send(.resized(backend.size))
        reload()
        backend.draw(driver.frame())
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: queue.wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while driver.state.isRunning {
            let ready = poll(&descriptors, 2, idleRefreshMilliseconds)
            if ready == 0, !driver.state.paused { driver.setNeedsReload() }
            // Also after EINTR: SIGWINCH interrupts poll and curses then reports KEY_RESIZE.
            for input in backend.readInput() {
                switch input {
                case .resize: driver.send(.resized(backend.size))
                case .key(let key):
                    if let action = KeyMap.action(for: key, in: driver.state) { driver.send(action) }
                }
            }
            for event in queue.drain() {
                switch event {
                case .databaseChanged: driver.send(.databaseChanged)
                case .operatorFinished(let notice): driver.send(.operatorFinished(notice))
                case .shutdown: driver.send(.quit)
                }
            }
            if !driver.state.isRunning { break }
            if let request = driver.takeEditorRequest() {
                let text = backend.suspended { ExternalEditor.edit(request.draft, logger: logger) }
                driver.send(.editorFinished(threadId: request.threadId, text: text))
            }
            reload(onlyIfNeeded: true)
            backend.draw(driver.frame())
        }
        logger.info("console closed")
    }

    /// Reads what the screen shows; a failed read becomes a notice, not a crash.
    private func reload(onlyIfNeeded: Bool = false) {
        do {
            if onlyIfNeeded { try driver.reloadIfNeeded() } else { try driver.reload() }
        } catch {
            logger.error("reading the console's data failed: \(error)")
            driver.send(.operatorFinished(Notice(.error, "Could not read the database: \(error)")))
        }
    }

    /// Runs an operator action off the console's thread; its answer comes back as an event.
    private static func run(_ effect: Effect, actions: any OperatorActions, queue: EventQueue, logger: Logger) {
        Task.detached {
            do {
                guard let result = try await actions.perform(effect) else { return }
                logger.info("\(effect.name) done", metadata: ["result": "\(result)"])
                queue.post(.operatorFinished(Notice(.success, result)))
            } catch {
                logger.warning("\(effect.name) failed", metadata: ["error": "\(error)"])
                // Marking read is quiet: a failure is logged, the operator carries on.
                if case .markRead = effect { return }
                queue.post(.operatorFinished(Notice(.error, "\(error)")))
            }
        }
    }
}

extension Effect {
    /// The name of the effect in the log.
    var name: String {
        switch self {
        case .reload: "reload"
        case .quit: "quit"
        case .markRead: "mark read"
        case .markUnread: "mark unread"
        case .editInEditor: "editor"
        case .reply: "reply"
        case .assign: "assign"
        case .offer: "offer"
        case .simulateAnswer: "simulate"
        }
    }
}
