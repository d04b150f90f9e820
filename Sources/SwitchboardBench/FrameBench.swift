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
        try screens().map { screen in
            Self.timing(screen.name, try Self.time(frames: frames, warmup: warmup, [{ try frame(screen.state) }])[0])
        }
    }

    /// Times each screen of this database and the same screen of `other` frame by frame in
    /// turn (one of this, one of that), so that a slow moment of a shared machine falls on
    /// both alike and their ratio stays a ratio. Screens `other` lacks are left out.
    public func measure(frames: Int = 300, warmup: Int = 30, beside other: FrameBench) throws -> (
        mine: [Timing], other: [Timing]
    ) {
        let otherScreens = try other.screens()
        var (mine, theirs): ([Timing], [Timing]) = ([], [])
        for screen in try screens() {
            guard let match = otherScreens.first(where: { $0.name == screen.name }) else { continue }
            let samples = try Self.time(
                frames: frames, warmup: warmup, [{ try frame(screen.state) }, { try other.frame(match.state) }])
            mine.append(Self.timing(screen.name, samples[0]))
            theirs.append(Self.timing(screen.name, samples[1]))
        }
        return (mine, theirs)
    }

    /// Runs `bodies` in turn, a block of `block` timed frames each, until each has `frames`
    /// (after `warmup` untimed frames of each); the milliseconds of each body's frames. With
    /// several bodies, a block starts with an untimed frame, so a timed frame finds the caches
    /// a console's previous frame would have left, while the turns spread a shared machine's
    /// slow moments over every body.
    static func time(frames: Int, warmup: Int, block: Int = 50, _ bodies: [() throws -> Void]) throws -> [[Double]] {
        let clock = ContinuousClock()
        for body in bodies { for _ in 0..<warmup { try body() } }
        var samples = bodies.map { _ in [Double]() }
        for index in samples.indices { samples[index].reserveCapacity(frames) }
        while samples[0].count < frames {
            for (index, body) in bodies.enumerated() {
                if bodies.count > 1 { try body() }
                for _ in 0..<min(block, frames - samples[index].count) {
                    let start = clock.now
                    try body()
                    samples[index].append(milliseconds(clock.now - start))
                }
            }
        }
        return samples
    }

    static func timing(_ screen: String, _ samples: [Double]) -> Timing {
        let sorted = samples.sorted()
        return Timing(screen: screen, p50Ms: Statistics.percentile(sorted, 50), p99Ms: Statistics.percentile(sorted, 99))
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
