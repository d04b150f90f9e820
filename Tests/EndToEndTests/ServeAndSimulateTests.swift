import Foundation
import GRDB
import Testing

/// `switchboard serve` and `switchboard simulate`, as two processes talking over loopback.
struct ServeAndSimulateTests {
    static let token = "e2e-test-token-0123456789abcdef"

    static var binary: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("switchboard").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("switchboard")
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["TWILIO_AUTH_TOKEN"] = token
        process.environment = environment
        return process
    }

    /// Reads lines from `handle` until one starts with `prefix` (bounded by `limit` lines).
    static func waitForLine(_ handle: FileHandle, prefix: String, limit: Int = 200) -> String? {
        var pending = ""
        for _ in 0..<limit {
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            pending += String(decoding: chunk, as: UTF8.self)
            if let line = pending.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
        }
        return nil
    }

    @Test("serve prints its real address for --port 0; simulate's signed webhook is stored; SIGTERM stops it cleanly")
    func serveThenSimulate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("serve.sqlite").path
        let load = Self.process(["import", "Data/demo.json", "--db", db])
        try load.run()
        load.waitUntilExit()
        #expect(load.terminationStatus == 0)

        let serve = Self.process(["serve", "--db", db, "--port", "0"])
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        let line = try #require(Self.waitForLine(output.fileHandleForReading, prefix: "listening on "))
        let base = String(line.dropFirst("listening on ".count))
        #expect(base.hasPrefix("http://127.0.0.1:"))
        #expect(!base.hasSuffix(":0"))

        let simulate = Self.process([
            "simulate", "--url", base + "/api/twilio/inbound", "--from", "+15550409999", "--to", "+15550100100",
            "--body", "Hello from the end-to-end test 🐾", "--sid", "SMe2e00000000000000000000000000001",
        ])
        let answer = Pipe()
        simulate.standardOutput = answer
        try simulate.run()
        let printed = String(decoding: answer.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        simulate.waitUntilExit()
        #expect(simulate.terminationStatus == 0)
        #expect(printed.contains("200"))
        #expect(printed.contains("<Response"))

        let queue = try DatabaseQueue(path: db)
        let stored = try queue.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM message_event WHERE provider_message_sid = 'SMe2e00000000000000000000000000001'")
        }
        #expect(stored == "Hello from the end-to-end test 🐾")
        try queue.close()

        serve.terminate()  // SIGTERM: a graceful shutdown
        serve.waitUntilExit()
        #expect(serve.terminationReason == .exit)
        #expect(serve.terminationStatus == 0)
    }

    @Test("simulate with a wrong token is refused with 403 and exits non-zero")
    func wrongTokenIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let serve = Self.process(["serve", "--db", folder.appendingPathComponent("x.sqlite").path, "--port", "0"])
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        let line = try #require(Self.waitForLine(output.fileHandleForReading, prefix: "listening on "))
        let simulate = Self.process([
            "simulate", "--url", String(line.dropFirst("listening on ".count)) + "/api/twilio/inbound",
            "--from", "+15550409999", "--to", "+15550100100", "--body", "hi",
        ])
        simulate.environment?["TWILIO_AUTH_TOKEN"] = "not-the-token"
        let answer = Pipe()
        simulate.standardOutput = answer
        simulate.standardError = answer
        try simulate.run()
        let printed = String(decoding: answer.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        simulate.waitUntilExit()
        #expect(simulate.terminationStatus != 0)
        #expect(printed.contains("403"))
    }
}
