import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Notices commits made by other processes on the same database file (SPEC §9: a console
/// attached to the store that `serve` writes to), without polling.
///
/// A commit in WAL mode appends frames to `<db>-wal`, so the kernel reports a modification
/// of that file (inotify). The report can come a moment before the commit is visible (the
/// frames are written, then synced, then published in the shared index), so each report is
/// confirmed by `PRAGMA data_version` on a connection of the watcher's own, which changes
/// when another connection has committed: checked at once and again a few times in the next
/// quarter second, each change announced, until new events come (they start the checks
/// again). Checks go on after a change because one drain can hold several commits, the
/// last of them still being synced when the first is seen. (A checkpoint that resets the
/// WAL moves it too; checkpoints follow commits, so that is at most one more re-read.) When
/// nothing is written, the watcher's thread sleeps in `poll` and costs nothing.
///
/// The folder's events include this process's own commits (in `serve`, every webhook's
/// group commit, several hundred a second), which `data_version` cannot tell from another
/// process's. So checks are coalesced: one at most every ``minimumInterval``; events that
/// arrive meanwhile wait in the kernel's queue and are answered by one check at the end of
/// the interval. Nothing is lost (every event is followed by a check at most that late), and
/// under load the watcher costs a bounded number of reads a second, not one per commit.
final class CommitWatcher: Sendable {
    /// The least time between two checks of `data_version` (and so between two announcements).
    static let minimumInterval: Duration = .milliseconds(5)

    /// The pipe's write end: a byte (or its closing) wakes the thread to stop.
    private let stopWrite: Int32

    /// Starts watching the database at `path`; `onCommit` runs on the watcher's thread after
    /// each commit by another connection. Nil where the platform has no inotify.
    init?(path: String, onCommit: @escaping @Sendable () -> Void) {
        #if canImport(Glibc)
        let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { return nil }
        let folder = (path as NSString).deletingLastPathComponent
        // The folder, not the file: the WAL is created and removed as processes come and go.
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO)
        guard inotify_add_watch(inotify, folder.isEmpty ? "." : folder, mask) >= 0 else {
            close(inotify)
            return nil
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            close(inotify)
            return nil
        }
        stopWrite = fds[1]
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(1)
        let versions = try? DatabaseQueue(path: path, configuration: config)
        // The version the first check compares with, read before this returns: a commit made
        // after the watcher is created is announced even if it lands before the thread runs.
        let initialVersion = Self.dataVersion(versions)
        let name = (path as NSString).lastPathComponent
        let watched = [Array(name.utf8), Array((name + "-wal").utf8)]
        let stopFD = fds[0]
        let thread = Thread {
            Self.run(
                inotify: inotify, stop: stopFD, watched: watched, versions: versions, lastVersion: initialVersion, onCommit: onCommit)
            close(inotify)
            close(stopFD)
        }
        thread.name = "switchboard.commit-watcher"
        thread.start()
        #else
        return nil
        #endif
    }

    /// Stops the watcher's thread.
    func cancel() {
        close(stopWrite)
    }

    /// `PRAGMA data_version` on the watcher's connection. No transaction around it (the
    /// statement's own read is enough) and a cached statement: under load this runs a few
    /// hundred times a second.
    private static func dataVersion(_ versions: DatabaseQueue?) -> Int? {
        try? versions?.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) }
    }

    #if canImport(Glibc)
    private static func run(
        inotify: Int32, stop: Int32, watched: [[UInt8]], versions: DatabaseQueue?, lastVersion: Int?, onCommit: @Sendable () -> Void
    ) {
        let clock = ContinuousClock()
        var lastCheck = clock.now - minimumInterval
        var lastVersion = lastVersion
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 { return }  // the write end closed: cancelled
            guard fds[0].revents != 0 else { continue }
            // Coalesce: the events of the commits made meanwhile are drained and checked together.
            let wait = lastCheck + minimumInterval - clock.now
            if wait > .zero { usleep(UInt32(wait / .microseconds(1))) }
            // Drain every pending event; only writes to the database or its WAL matter.
            var touched = false
            while true {
                let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= count {
                    // The name compared in place: no String for each of the many events a commit makes.
                    let (length, isWatched) = buffer.withUnsafeBytes { raw -> (Int, Bool) in
                        let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        let nameStart = offset + MemoryLayout<inotify_event>.size
                        let nameBytes = raw[nameStart..<min(nameStart + Int(event.len), count)].prefix { $0 != 0 }
                        // A full queue (IN_Q_OVERFLOW) lost events: check anyway.
                        let overflowed = event.mask & UInt32(IN_Q_OVERFLOW) != 0
                        return (Int(event.len), overflowed || watched.contains { $0.elementsEqual(nameBytes) })
                    }
                    if isWatched { touched = true }
                    offset += MemoryLayout<inotify_event>.size + length
                }
            }
            guard touched else { continue }
            lastCheck = clock.now
            // Confirm the commits: at once, then while the writer syncs and publishes the last
            // of them, announcing each change; new events (or the stop) end the waits early.
            for delay in [0, 2, 5, 10, 20, 60, 150] as [Int32] {
                if delay > 0 {
                    fds[0].revents = 0
                    fds[1].revents = 0
                    if poll(&fds, 2, delay) > 0 { break }
                }
                let version = dataVersion(versions)
                if version != lastVersion {
                    lastVersion = version
                    onCommit()
                }
            }
        }
    }
    #endif
}
