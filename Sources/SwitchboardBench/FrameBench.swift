import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore

/// `bench console`: the cost of one console frame, exactly as the event loop builds it
/// (through the same ``ConsoleDriver``): the read of the visible rows, the reducer applying
/// it, and the pure render into a grid. The curses blit is left out: it copies only the cells that changed.
public struct FrameBench {
    public struct Screen: Sendable {
        public var name: String
        public var state: ConsoleState
    }

    public struct Timing: Sendable {
        public var screen: String
        public var p50Ms: Double
        public var p99Ms: Double
    }

    public static let size = Size(width: 120, height: 40)

    let store: any Store
    let path: String

    public init(store: any Store, path: String) {
        self.store = store
        self.path = path
    }

    /// The owner inbox as a console opens on it: the first screen.
    public func ownerInbox() -> ConsoleState {
        ConsoleState(size: Self.size, startedAt: store.clock.now)
    }

    /// The busiest screens: the owner inbox, the sitter mailbox with the most threads, the
    /// longest thread open in the message view, and the tier table.
    public func screens() throws -> [Screen] {
        // Finding them scans the whole file: on a connection of its own, closed before timing.
        let (busiestSitter, longestThread) = try store.busiestScreens()
        var driver = ConsoleDriver(state: ConsoleState(size: Self.size, startedAt: store.clock.now), store: store)
        try driver.reload()
        let base = driver.state

        var screens = [Screen(name: "owner inbox", state: base)]
        if let busiestSitter {
            var state = base
            state.mailbox = .sitter(busiestSitter)
            state.selectedThreadId = nil
            state.selectedIndex = 0
            screens.append(Screen(name: "busiest sitter mailbox", state: state))
        }
        if let longestThread {
            let thread = try store.read { try $0.thread(longestThread) }
            var state = base
            state.mailbox = thread?.mailbox ?? .owner
            state.selectedThreadId = longestThread
            screens.append(Screen(name: "longest thread", state: state))
        }
        var tiers = base
        tiers.overlay = .tiers
        screens.append(Screen(name: "tier table", state: tiers))
        return screens
    }

    /// One frame: read what is visible, apply it, render.
    @discardableResult
    public func frame(_ state: ConsoleState) throws -> Grid {
        var driver = ConsoleDriver(state: state, store: store)
        try driver.reload()
        return driver.frame()
    }

    /// Times `frames` frames of each screen after `warmup` untimed ones.
    public func measure(frames: Int = 300, warmup: Int = 30) throws -> [Timing] {
        let clock = ContinuousClock()
        return try screens().map { screen in
            for _ in 0..<warmup { try frame(screen.state) }
            var samples: [Double] = []
            samples.reserveCapacity(frames)
            for _ in 0..<frames {
                let start = clock.now
                try frame(screen.state)
                samples.append(Self.milliseconds(clock.now - start))
            }
            samples.sort()
            return Timing(
                screen: screen.name, p50Ms: Statistics.percentile(samples, 50), p99Ms: Statistics.percentile(samples, 99))
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

/// Process-level figures: time since exec and peak resident memory.
public enum ProcessFigures {
    /// Milliseconds since this process was started (from /proc's start time, in 10 ms ticks).
    public static func millisecondsSinceStart() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let closing = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        // Field 22 of /proc/self/stat (starttime); fields here start at field 3.
        guard fields.count > 19, let startTicks = Double(fields[19])
        else { return nil }
        // The start time counts from boot (CLOCK_BOOTTIME) in ticks; now is read to the
        // nanosecond rather than from /proc/uptime's hundredths.
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - startTicks / ticksPerSecond) * 1000
    }

    /// Peak resident set size in MiB.
    public static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
