import Foundation
import Synchronization

/// Where "now" comes from. Injected everywhere a time is written, so tests control it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public var now: Date { read() }

    public static let system = WallClock { Date() }

    /// A clock that always answers `date`.
    public static func fixed(_ date: Date) -> WallClock { WallClock { date } }
}

/// A clock a test can move by hand.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public var wallClock: WallClock { WallClock { [self] in self.now } }
}

extension Date {
    /// This date as SQLite stores it (GRDB keeps milliseconds), so durations computed in
    /// memory equal durations computed from stored rows.
    public var storedPrecision: Date {
        Date(timeIntervalSinceReferenceDate: (timeIntervalSinceReferenceDate * 1000).rounded(.down) / 1000)
    }
}
