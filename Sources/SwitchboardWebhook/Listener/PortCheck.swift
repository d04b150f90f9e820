import Foundation
import NIOCore

/// Errors of the listener that the person running it can fix, in one sentence.
public struct ListenerError: Error, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable {
        let name: String
        public static let portInUse = Code(name: "portInUse")
        public static let cannotBind = Code(name: "cannotBind")
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func portInUse(_ port: Int) -> ListenerError {
        ListenerError(code: .portInUse, message: "port \(port) is in use; pass --port 0 for a free one")
    }

    /// The sentence for a failure to bind, or nil when `error` is not one.
    public static func explaining(_ error: any Error, port: Int) -> ListenerError? {
        if let error = error as? ListenerError { return error }
        if let error = error as? IOError, error.errnoCode == EADDRINUSE { return .portInUse(port) }
        return nil
    }
}

extension ListenerConfiguration {
    /// Binds `host:port` for a moment and lets it go, so a command can refuse before it
    /// creates anything (a database, a log) when the listener could not start. Port 0 is
    /// always free.
    public func checkPortIsFree() throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw ListenerError(code: .cannotBind, message: "cannot listen on \(host): not an address of this machine; pass --host 127.0.0.1")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // As NIO binds: SO_REUSEADDR, so a port in TIME_WAIT is not mistaken for one in use.
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            if errno == EADDRINUSE { throw ListenerError.portInUse(port) }
            throw ListenerError(code: .cannotBind, message: "cannot listen on \(host):\(port): \(String(cString: strerror(errno)))")
        }
    }
}
