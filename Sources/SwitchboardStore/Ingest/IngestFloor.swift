import Foundation
import GRDB
import GRDBSQLite
import Synchronization

// The floor of ingest: what the statements a webhook executes cost through SQLite's C API
// alone (no GRDB, no Swift records, no HTTP), in the same transactions, with the same
// durability. The real path is measured against it (`switchboard bench ingest --floor`).
//
// "The same statements" is taken literally: the real path runs once with a trace that
// records every statement the writer executes, its template and its bound values, in commit
// order (BEGIN, a SAVEPOINT per webhook, RELEASE, COMMIT included); the capture is then
// replayed on a pristine copy of the database, each template prepared once and re-bound.

/// Every statement the store's writer executed while a capture was on, in order, with the
/// values bound to it.
public struct StatementCapture: Sendable {
    /// A value bound to a statement, as SQLite stores it.
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
    }

    /// One execution: which template, with which values.
    public struct Step: Sendable {
        public var template: Int
        public var values: [Value]
    }

    /// Each distinct statement text, in order of first use.
    public private(set) var templates: [String] = []
    public private(set) var steps: [Step] = []
    private var templateIndex: [String: Int] = [:]

    public init() {}

    /// Transactions committed during the capture.
    public var commits: Int { steps.count { templates[$0.template].uppercased().hasPrefix("COMMIT") } }

    /// Each template with how many times it ran, most frequent first.
    public var executionCounts: [(template: String, count: Int)] {
        var counts = [Int](repeating: 0, count: templates.count)
        for step in steps { counts[step.template] += 1 }
        return zip(templates, counts).sorted { $0.1 > $1.1 }.map { (template: $0.0, count: $0.1) }
    }

    /// Records one traced statement: its template (`?` for each parameter) and SQLite's
    /// expanded text of it (a literal in place of each `?`), from which the values are read
    /// back.
    mutating func append(template: String, expanded: String) throws {
        guard let values = Self.boundValues(template: template, expanded: expanded) else {
            throw StoreError(.replayFailed, "cannot read the bound values of a traced statement: \(template)")
        }
        let index: Int
        if let known = templateIndex[template] {
            index = known
        } else {
            index = templates.count
            templates.append(template)
            templateIndex[template] = index
        }
        steps.append(Step(template: index, values: values))
    }

    /// The values bound to `template`'s `?` parameters, read from `expanded`, SQLite's
    /// rendering of the statement with a literal in each parameter's place: NULL, an integer,
    /// a real (`%!.15g`), a quoted text with `''` for a quote, or a blob `x'…'`. Nil when the
    /// two texts do not line up.
    static func boundValues(template: String, expanded: String) -> [Value]? {
        let t = Array(template.utf8), e = Array(expanded.utf8)
        var i = 0, j = 0, inQuote = false
        var values: [Value] = []
        let quote = UInt8(ascii: "'")
        while i < t.count {
            let c = t[i]
            if c == UInt8(ascii: "?") && !inQuote {
                guard j < e.count else { return nil }
                if e[j...].starts(with: "NULL".utf8) {
                    values.append(.null)
                    j += 4
                } else if e[j] == quote {
                    var text: [UInt8] = []
                    j += 1
                    while true {
                        guard j < e.count else { return nil }
                        if e[j] == quote {
                            if j + 1 < e.count && e[j + 1] == quote {
                                text.append(quote)
                                j += 2
                                continue
                            }
                            j += 1
                            break
                        }
                        text.append(e[j])
                        j += 1
                    }
                    values.append(.text(String(decoding: text, as: UTF8.self)))
                } else if e[j] == UInt8(ascii: "x"), j + 1 < e.count, e[j + 1] == quote {
                    j += 2
                    var bytes: [UInt8] = []
                    while j + 1 < e.count, e[j] != quote {
                        guard let byte = UInt8(String(decoding: e[j...j + 1], as: UTF8.self), radix: 16) else { return nil }
                        bytes.append(byte)
                        j += 2
                    }
                    guard j < e.count else { return nil }
                    j += 1
                    values.append(.blob(bytes))
                } else {
                    let start = j
                    while j < e.count, Self.isNumberByte(e[j]) { j += 1 }
                    let literal = String(decoding: e[start..<j], as: UTF8.self)
                    if let integer = Int64(literal) {
                        values.append(.integer(integer))
                    } else if let real = Double(literal) {
                        values.append(.real(real))
                    } else {
                        return nil
                    }
                }
                i += 1
                continue
            }
            if c == quote { inQuote.toggle() }
            guard j < e.count, e[j] == c else { return nil }
            i += 1
            j += 1
        }
        return j == e.count ? values : nil
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "I"), UInt8(ascii: "n"), UInt8(ascii: "f"),
            UInt8(ascii: "N"), UInt8(ascii: "a"):
            return true
        default:
            return false
        }
    }
}

/// Where the trace writes, on the writer's queue.
private final class CaptureSink: Sendable {
    let state = Mutex<(capture: StatementCapture, error: (any Error)?)>((StatementCapture(), nil))
}

extension AppDatabase {
    /// Runs `body` while recording every statement the writer executes (trigger bodies aside:
    /// SQLite runs them again on a replay), and returns what it recorded. For benchmarks: the
    /// capture holds every value written, customer text included.
    public func capturingStatements<T: Sendable>(during body: () async throws -> T) async throws -> (T, StatementCapture) {
        let sink = CaptureSink()
        try await writer.writeWithoutTransaction { db in
            db.trace(options: .statement) { event in
                guard case .statement(let statement) = event else { return }
                let template = statement.sql
                if template.hasPrefix("--") { return }
                let expanded = statement.expandedSQL
                sink.state.withLock { state in
                    guard state.error == nil else { return }
                    do { try state.capture.append(template: template, expanded: expanded) } catch { state.error = error }
                }
            }
        }
        let result: T
        do {
            result = try await body()
        } catch {
            try? await writer.writeWithoutTransaction { db in db.trace(options: .statement, nil) }
            throw error
        }
        try await writer.writeWithoutTransaction { db in db.trace(options: .statement, nil) }
        return try sink.state.withLock { state in
            if let error = state.error { throw error }
            return (result, state.capture)
        }
    }
}

/// Replays a ``StatementCapture`` through SQLite's C API: the cost of the statements alone.
public enum IngestFloor {
    /// What a replay cost.
    public struct Run: Sendable {
        public var statements: Int
        public var commits: Int
        /// Statements that failed, as they may have in the real path (a savepoint rolled back).
        public var failures: Int
        public var cpuSeconds: Double
        public var wallSeconds: Double
    }

    /// Replays `capture` on the database at `path` (a copy of the one captured, as it was
    /// before the capture) on one connection configured as the store's writer: WAL,
    /// `synchronous=FULL`, the same cache, memory-mapping and temporary storage. Each template
    /// is prepared once, outside the timing, as the store's statement cache does.
    public static func replay(_ capture: StatementCapture, at path: String) throws -> Run {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db = handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StoreError(.cannotOpen, "cannot open \(path) for the floor replay: \(message)")
        }
        var statements: [OpaquePointer?] = []
        defer {
            for statement in statements { sqlite3_finalize(statement) }
            sqlite3_close_v2(db)
        }
        func fail(_ what: String) -> StoreError {
            StoreError(.replayFailed, "floor replay: \(what): \(String(cString: sqlite3_errmsg(db)))")
        }
        sqlite3_busy_timeout(db, 5000)
        for pragma in [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
            "PRAGMA mmap_size = 1073741824", "PRAGMA cache_size = -32768", "PRAGMA temp_store = MEMORY",
            "PRAGMA journal_size_limit = \(CheckpointService.walSizeLimit)",
        ] {
            guard sqlite3_exec(db, pragma, nil, nil, nil) == SQLITE_OK else { throw fail(pragma) }
        }
        for template in capture.templates {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(db, template, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
                throw fail("cannot prepare \(template)")
            }
            statements.append(statement)
        }
        var failures = 0
        let started = ProcessClock.now()
        for step in capture.steps {
            let statement = statements[step.template]
            for (offset, value) in step.values.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case .null: sqlite3_bind_null(statement, index)
                case .integer(let integer): sqlite3_bind_int64(statement, index, integer)
                case .real(let real): sqlite3_bind_double(statement, index, real)
                case .text(var text):
                    text.withUTF8 { bytes in
                        _ = sqlite3_bind_text(statement, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                    }
                case .blob(let bytes):
                    bytes.withUnsafeBytes { raw in
                        _ = sqlite3_bind_blob(statement, index, raw.baseAddress, Int32(raw.count), sqliteTransient)
                    }
                }
            }
            var code = sqlite3_step(statement)
            while code == SQLITE_ROW { code = sqlite3_step(statement) }
            if code != SQLITE_DONE { failures += 1 }
            sqlite3_reset(statement)
        }
        let finished = ProcessClock.now()
        return Run(
            statements: capture.steps.count, commits: capture.commits, failures: failures,
            cpuSeconds: finished.cpu - started.cpu, wallSeconds: finished.wall - started.wall)
    }

    /// SQLite copies the bytes before the bind returns.
    private static let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// This process's CPU time (every thread) and the monotonic wall clock, in seconds.
public enum ProcessClock {
    public static func now() -> (cpu: Double, wall: Double) {
        var cpu = timespec(), wall = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
        clock_gettime(CLOCK_MONOTONIC, &wall)
        return (Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9, Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9)
    }
}
