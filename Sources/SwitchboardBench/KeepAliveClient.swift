import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over one keep-alive TCP connection: write a request,
/// read one response. Lean on purpose, so a load generator on the same 2-core machine
/// leaves the cores to the server it measures.
final class KeepAliveClient {
    struct Response {
        var status: Int
        var body: String
    }

    enum Failure: Error, CustomStringConvertible {
        case connect(String), io(String), malformed(String)
        var description: String {
            switch self {
            case .connect(let text): "cannot connect: \(text)"
            case .io(let text): "connection failed: \(text)"
            case .malformed(let text): "malformed response: \(text)"
            }
        }
    }

    private let socket: Int32
    private var buffer: [UInt8] = []

    /// `timeout` bounds every read and write, so a listener that stops answering fails the
    /// exchange instead of hanging the benchmark.
    init(host: String, port: Int, timeout: Duration? = nil) throws {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw Failure.connect("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0 else { throw Failure.connect(String(cString: strerror(errno))) }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let timeout {
            var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        guard connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw Failure.connect("\(host):\(port): \(reason)")
        }
    }

    deinit { close(socket) }

    /// Sends `request` (complete bytes) and reads one response.
    func exchange(_ request: [UInt8]) throws -> Response {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(socket, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure.io(String(cString: strerror(errno))) }
            sent += n
        }
        return try readResponse()
    }

    private func readResponse() throws -> Response {
        while true {
            if let headerEnd = find([13, 10, 13, 10]) {
                let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
                let lines = head.split(separator: "\r\n")
                guard let statusLine = lines.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
                    throw Failure.malformed(String(head.prefix(80)))
                }
                var length = 0
                for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                let total = headerEnd + 4 + length
                try fill(upTo: total)
                let body = String(decoding: buffer[(headerEnd + 4)..<total], as: UTF8.self)
                buffer.removeFirst(total)
                return Response(status: status, body: body)
            }
            try fill(upTo: buffer.count + 1)
        }
    }

    private func fill(upTo count: Int) throws {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while buffer.count < count {
            let n = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress!, $0.count) }
            guard n > 0 else { throw Failure.io(n == 0 ? "closed by the server" : String(cString: strerror(errno))) }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for start in 0...(buffer.count - pattern.count) where buffer[start] == pattern[0] {
            if Array(buffer[start..<(start + pattern.count)]) == pattern { return start }
        }
        return nil
    }
}
