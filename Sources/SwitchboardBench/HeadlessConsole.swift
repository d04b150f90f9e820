import Foundation
import Synchronization
import SwitchboardConsole
import SwitchboardStore

/// The console's live path without a terminal: the store's change stream wakes one frame
/// thread (as the console's self-pipe wakes its curses thread), which reads the visible
/// rows, reduces them into the state and renders the grid. After each frame it calls
/// `onFrame` with when the read began, when the frame was done and the state drawn.
final class HeadlessConsole: Sendable {
    private let running = Mutex(true)
    private let wake = DispatchSemaphore(value: 0)
    private let changes: Task<Void, Never>

    init(store: any Store, onFrame: @escaping @Sendable (_ start: Double, _ done: Double, _ state: ConsoleState) -> Void) {
        let wake = self.wake
        changes = Task { for await _ in store.changes() { wake.signal() } }
        let thread = Thread { [self] in
            var driver = ConsoleDriver(state: ConsoleState(size: FrameBench.size, startedAt: store.clock.now), store: store)
            while running.withLock({ $0 }) {
                guard wake.wait(timeout: .now() + .milliseconds(100)) == .success else { continue }
                let start = LiveLatency.now()
                guard (try? driver.reload()) != nil else { continue }
                _ = driver.frame()
                onFrame(start, LiveLatency.now(), driver.state)
            }
        }
        thread.start()
    }

    /// Ends the frame thread after its current frame.
    func stop() {
        changes.cancel()
        running.withLock { $0 = false }
        wake.signal()
    }
}
