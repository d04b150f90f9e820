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
    private let terminal: TerminalSettings
    private var bellRule = ConsoleState.BellRule()
    private var lastTitle = ""
    /// Ages on screen ("3m") are refreshed this often even when nothing happens.
    private let idleRefreshMilliseconds: Int32 = 15_000
    /// Commits arriving faster than this make one frame, not one each: about 30 frames a
    /// second is all a person reads, and a burst of webhooks must not take a core. Keys are
    /// drawn at once.
    static let frameIntervalMilliseconds = 33

    /// Colour and whether the terminal can run the console at all (`NO_COLOR`, `TERM=dumb`).
    private let profile: TerminalProfile

    init(
        queue: EventQueue, store: any Store, actions: any OperatorActions, listener: ListenerInfo, viewer: Viewer,
        terminal: TerminalSettings, profile: TerminalProfile, logger: Logger
    ) {
        self.queue = queue
        self.terminal = terminal
        self.profile = profile
        self.logger = logger
        driver = ConsoleDriver(
            state: ConsoleState(
                size: Size(width: 0, height: 0), listener: listener, viewer: viewer, keys: terminal.keys, startedAt: store.clock.now), store: store,
            perform: { effect in Self.run(effect, actions: actions, queue: queue, logger: logger) })
    }

    func run() {
        backend.start(wakeDescriptor: queue.writeDescriptor, mouse: terminal.mouse, colors: profile.usesColor ? terminal.colors : nil)
        defer { backend.stop() }
        driver.send(.resized(backend.size))
        reload()
        backend.draw(driver.frame())
        alert()
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: queue.wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        var timeout = idleRefreshMilliseconds
        var frameDeferred = false
        var lastFrame = Self.milliseconds()
        while driver.state.isRunning {
            let ready = poll(&descriptors, 2, timeout)
            timeout = idleRefreshMilliseconds
            if ready == 0, !frameDeferred, !driver.state.paused { driver.setNeedsReload() }
            // Also after EINTR: SIGWINCH interrupts poll and curses then reports KEY_RESIZE.
            var typed = false
            for input in backend.readInput() {
                typed = true
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
            let sinceLastFrame = Self.milliseconds() - lastFrame
            if !typed, sinceLastFrame < Self.frameIntervalMilliseconds {
                // Too soon after the last frame: wait out the interval (or a key), then draw once.
                frameDeferred = true
                timeout = Int32(Self.frameIntervalMilliseconds - sinceLastFrame)
                continue
            }
            frameDeferred = false
            reload(onlyIfNeeded: true)
            backend.draw(driver.frame())
            alert()
            lastFrame = Self.milliseconds()
        }
        logger.info("console closed")
    }

    /// The terminal's title counts the unread threads; the bell rings when there are more
    /// than at the last frame (a text arrived while the operator looked elsewhere).
    private func alert() {
        if bellRule.shouldRing(unread: driver.state.unreadForTitle), terminal.bell { backend.ringBell() }
        let title = driver.state.terminalTitle
        if title != lastTitle {
            backend.setTitle(title)
            lastTitle = title
        }
    }

    /// The monotonic clock, in milliseconds.
    static func milliseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1000 + spec.tv_nsec / 1_000_000
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
        case .routeUnrouted: "route unrouted"
        case .recordCommand: "record command"
        }
    }
}
