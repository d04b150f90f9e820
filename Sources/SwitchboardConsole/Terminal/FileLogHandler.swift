import Foundation
import Logging
import Synchronization
import SwitchboardCore

/// A swift-log handler that appends lines to a file: the console owns the screen, so
/// nothing may be logged to stdout or stderr while it runs.
public struct FileLogHandler: LogHandler {
    /// One open file shared by every logger, written under a lock.
    public final class Sink: Sendable {
        private let descriptor: Mutex<Int32>
        public let path: String

        public init(path: String) throws {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ConsoleError("cannot open the log file \(path): errno \(errno)") }
            self.path = path
            descriptor = Mutex(fd)
        }

        deinit { descriptor.withLock { _ = close($0) } }

        func write(_ line: String) {
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            descriptor.withLock { fd in _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) } }
        }
    }

    private let label: String
    private let sink: Sink
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        let time = LogTimestamp.text(Date())
        sink.write("\(time) \(event.level) \(label): \(event.message)\(details)")
    }
}
