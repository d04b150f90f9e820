import Foundation
import SwitchboardStore

/// Where a PostgreSQL database is, parsed from `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`
/// or libpq's Unix-socket form `postgres://USER@/DB?host=/socket/dir[&port=5432]`.
///
/// The password (from the URL, else `PGPASSWORD`) is kept for connecting only: ``description``
/// and every error leave it out, so a URL can be logged and printed safely.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file itself: `<dir>/.s.PGSQL.<port>`, as libpq names it.
        case unixSocket(directory: String, port: Int)

        public var socketPath: String? {
            if case .unixSocket(let directory, let port) = self { return "\(directory)/.s.PGSQL.\(port)" }
            return nil
        }
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String

    public static let defaultPort = 5432

    public init(endpoint: Endpoint, user: String, password: String?, database: String) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; `environment` supplies `PGPASSWORD` when the URL has no password.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let usage = "write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DB, or postgres://USER@/DB?host=/socket/dir for a Unix socket"
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw StoreError(.cannotOpen, "\(Self.redacted(text)) is not a PostgreSQL URL; \(usage)")
        }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw StoreError(.cannotOpen, "\(Self.redacted(text)) names no user; \(usage)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard let database = path.removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            throw StoreError(.cannotOpen, "\(Self.redacted(text)) names no database; \(usage)")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        var port = components.port ?? Self.defaultPort
        if let portText = query["port"] {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw StoreError(.cannotOpen, "the port \(portText) in \(Self.redacted(text)) is not a port number (1 to 65535)")
            }
            port = value
        }
        let socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        if let socketDirectory {
            endpoint = .unixSocket(directory: socketDirectory, port: port)
        } else if let host = query["host"].flatMap({ $0.isEmpty ? nil : $0 }) ?? host {
            endpoint = .tcp(host: host, port: port)
        } else {
            throw StoreError(.cannotOpen, "\(Self.redacted(text)) names no host; \(usage)")
        }
        self.user = user
        self.password = components.password.flatMap { $0.removingPercentEncoding }
            ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        self.database = database
    }

    /// The same server, another database (the test harness makes one per test).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without its password: safe to print and log.
    public var description: String {
        let user = self.user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? self.user
        let database = self.database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? self.database
        switch endpoint {
        case .tcp(let host, let port):
            return "postgres://\(user)@\(host):\(port)/\(database)"
        case .unixSocket(let directory, let port):
            let portPart = port == Self.defaultPort ? "" : "&port=\(port)"
            return "postgres://\(user)@/\(database)?host=\(directory)\(portPart)"
        }
    }

    /// `text` with any password replaced by `***`, for errors about a URL we could not parse.
    static func redacted(_ text: String) -> String {
        guard let components = URLComponents(string: text), components.password != nil else {
            // Unparseable: cut anything between "://" and "@" that holds a colon.
            guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex)
            else { return text }
            let userInfo = text[scheme.upperBound..<at.lowerBound]
            guard let colon = userInfo.firstIndex(of: ":") else { return text }
            return String(text[..<colon]) + ":***" + String(text[at.lowerBound...])
        }
        var copy = components
        copy.password = "***"
        return copy.string ?? "postgres://***"
    }
}
