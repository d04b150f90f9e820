import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// The console's one thread: sleeps in `poll` on stdin and the event queue's pipe, turns
/// keys and events into actions, reduces them, performs the effects, and draws.
final class EventLoop {
    private let backend = CursesBackend()
    private let queue: EventQueue
    private let store: AppDatabase
    private let actions: any OperatorActions
    private let logger: Logger
    private var state: ConsoleState
    private var needsReload = false
    /// Ages on screen ("3m") are refreshed this often even when nothing happens.
    private let idleRefreshMilliseconds: Int32 = 15_000

    init(queue: EventQueue, store: AppDatabase, actions: any OperatorActions, listener: ListenerInfo, logger: Logger) {
        self.queue = queue
        self.store = store
        self.actions = actions
        self.logger = logger
        state = ConsoleState(size: Size(width: 0, height: 0), listener: listener, startedAt: store.clock.now)
    }

    func run() {
        backend.start(wakeDescriptor: queue.writeDescriptor)
        defer { backend.stop() }
        handle(.resized(backend.size))
        performReload()
        draw()
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: queue.wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while state.isRunning {
            let ready = poll(&descriptors, 2, idleRefreshMilliseconds)
            if ready == 0, !state.paused { needsReload = true }
            // Also after EINTR: SIGWINCH interrupts poll and curses then reports KEY_RESIZE.
            for input in backend.readInput() {
                switch input {
                case .resize: handle(.resized(backend.size))
                case .key(let key):
                    if let action = KeyMap.action(for: key, in: state) { handle(action) }
                }
            }
            for event in queue.drain() {
                switch event {
                case .databaseChanged: handle(.databaseChanged)
                case .operatorFinished(let notice): handle(.operatorFinished(notice))
                case .shutdown: handle(.quit)
                }
            }
            if !state.isRunning { break }
            if needsReload { performReload() }
            draw()
        }
        logger.info("console closed")
    }

    private func handle(_ action: Action) {
        for effect in state.reduce(action) { perform(effect) }
    }

    private func draw() {
        backend.draw(render(state, size: state.size))
    }

    // MARK: - Effects

    private func perform(_ effect: Effect) {
        switch effect {
        case .reload:
            needsReload = true
        case .quit:
            break
        case .markRead(let threadId):
            let store = self.store
            let logger = self.logger
            Task.detached {
                do { try await store.markThreadRead(threadId) } catch { logger.error("mark read failed: \(error)") }
            }
        case .assign(let threadId, let sitterId):
            let name =
                sitterId.flatMap { id in state.data.assignableSitters.first { $0.id == id }?.name } ?? "the owner inbox"
            run("assign") { store, _ in
                _ = try await store.assignThread(threadId, to: sitterId)
                return "Assigned to \(name)."
            }
        case .reply(let threadId, let body):
            run("reply") { _, actions in try await actions.reply(threadId: threadId, body: body) }
        case .offer(let bookingId, let sitterId):
            run("offer") { _, actions in try await actions.offer(bookingId: bookingId, sitterId: sitterId) }
        case .simulateAnswer(let sitterId, let accept):
            run("simulate") { _, actions in try await actions.simulateAnswer(sitterId: sitterId, accept: accept) }
        }
    }

    /// Runs an operator action off the console's thread; its result comes back as an event.
    private func run(
        _ name: String, _ work: @escaping @Sendable (AppDatabase, any OperatorActions) async throws -> String
    ) {
        let (store, actions, queue, logger) = (self.store, self.actions, self.queue, self.logger)
        Task.detached {
            do {
                let result = try await work(store, actions)
                logger.info("\(name) done", metadata: ["result": "\(result)"])
                queue.post(.operatorFinished(Notice(.success, result)))
            } catch {
                logger.warning("\(name) failed", metadata: ["error": "\(error)"])
                queue.post(.operatorFinished(Notice(.error, "\(error)")))
            }
        }
    }

    /// Reads what the screen shows now: only the visible rows.
    private func performReload() {
        needsReload = false
        guard !state.isTooSmall else { return }
        let now = store.clock.now
        do {
            let data = try store.consoleView(state.viewQuery, now: now)
            handle(.loaded(data, at: now))
        } catch {
            logger.error("reading the console's data failed: \(error)")
            handle(.operatorFinished(Notice(.error, "Could not read the database: \(error)")))
        }
    }
}
