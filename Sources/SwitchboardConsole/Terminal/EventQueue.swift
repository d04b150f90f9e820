import Foundation
import Synchronization

/// What other tasks tell the console's thread.
public enum ConsoleEvent: Equatable, Sendable {
    case databaseChanged
    case operatorFinished(Notice)
    case shutdown
}

/// Events posted from any task to the console's one curses thread, which sleeps in `poll`
/// on stdin and on this queue's self-pipe: posting writes a byte to the pipe, so the
/// thread wakes at once without ever blocking on Swift concurrency.
public final class EventQueue: Sendable {
    private let pending = Mutex<[ConsoleEvent]>([])
    /// The end `poll` watches.
    public let wakeDescriptor: Int32
    /// The end a signal handler may write to (SIGWINCH), to wake the console.
    public let writeDescriptor: Int32

    public init() throws {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw ConsoleError("cannot create the console's wake-up pipe: errno \(errno)") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(wakeDescriptor)
        close(writeDescriptor)
    }

    /// Queues an event and wakes the console. Change notifications coalesce: one waiting
    /// is as good as many, since the console re-reads what is visible.
    public func post(_ event: ConsoleEvent) {
        let queued = pending.withLock { events in
            if event == .databaseChanged, events.contains(.databaseChanged) { return false }
            events.append(event)
            return true
        }
        guard queued else { return }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)  // a full pipe already means "wake up"
    }

    /// Takes every queued event and empties the pipe.
    public func drain() -> [ConsoleEvent] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeDescriptor, &buffer, buffer.count) > 0 {}
        return pending.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }
}

/// A console failure with a sentence saying what went wrong.
public struct ConsoleError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
