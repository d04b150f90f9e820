import Foundation
import Testing

/// Issue 13 as an operator meets it: a port in use, what `serve` prints, the per-webhook log,
/// a clean shutdown, private files, a config file others can read.
@Suite struct ListenerCommandTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-listener-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A socket listening on a free loopback port, held until `body` returns.
    static func withPortInUse<T>(_ body: (Int) throws -> T) throws -> T {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = listen(fd, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return try body(Int(UInt16(bigEndian: address.sin_port)))
    }

    static func run(_ process: Process) throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(arguments: ["demo", "serve"])
    func aPortInUseIsOneSentenceAndNothingIsCreated(_ command: String) throws {
        let db = try Self.folder().appendingPathComponent("new.sqlite").path
        let (status, output, port) = try Self.withPortInUse { port in
            let result = try Self.run(ServeAndSimulateTests.process([command, "--db", db, "--port", String(port)]))
            return (result.status, result.output, port)
        }
        #expect(status != 0)
        #expect(output.contains("port \(port) is in use; pass --port 0 for a free one"), "\(output)")
        #expect(!output.contains("USAGE") && !output.contains("errno"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was created")
    }

    @Test func serveShowsTwilioURLsLogsEachWebhookAsJSONKeepsFilesPrivateAndStopsCleanly() throws {
        let folder = try Self.folder()
        let db = folder.appendingPathComponent("serve.sqlite").path
        let load = ServeAndSimulateTests.process(["import", "Data/demo.json", "--db", db])
        try load.run()
        load.waitUntilExit()

        let serve = ServeAndSimulateTests.process([
            "serve", "--db", db, "--port", "0", "--public-url", "http://switchboard.example.com", "--log-format", "json",
        ])
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = output
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        var started = ""
        // stderr is here too, and Hummingbird's own line says "listening on" as well.
        while !started.contains("\nlistening on http"), case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
            started += String(decoding: chunk, as: UTF8.self)
        }
        while !started.hasSuffix("\n"), case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
            started += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(started.split(separator: "\n").first { $0.hasPrefix("listening on http") })
        let base = String(line.dropFirst("listening on ".count))

        // Signed for the local address, not the public URL the listener checks: refused,
        // and logged (the first refusal of the minute) as one JSON line.
        let simulate = ServeAndSimulateTests.process([
            "simulate", "--url", base + "/api/twilio/inbound", "--from", "+15550409999", "--to", "+15550100100",
            "--body", "door code 9876", "--sid", "SMjsonlog0000000000000000000000001",
        ])
        _ = try Self.run(simulate)
        serve.terminate()
        serve.waitUntilExit()
        let printed = started + String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let logLine = try #require(printed.split(separator: "\n").first { $0.hasPrefix("{") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(logLine.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "rejected_signature")
        #expect(object["status"] as? Int == 403)
        #expect(object["message_sid"] is NSNull)

        #expect(serve.terminationStatus == 0)
        #expect(!printed.contains("CancellationError"), "\(printed)")
        let all = printed
        #expect(all.contains("http://switchboard.example.com/api/twilio/inbound"))
        #expect(all.contains("http://switchboard.example.com/api/twilio/status"))
        #expect(all.contains("warning: http://switchboard.example.com is not https"))
        #expect(!all.contains("9876") && !all.contains(ServeAndSimulateTests.token))
        for file in [db, db + "-wal", db + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
    }

    @Test func aConfigFileOthersCanReadIsWarnedAbout() throws {
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("config.json").path
        try Data(#"{"twilio_auth_token": "from-the-config-file"}"#.utf8).write(to: URL(fileURLWithPath: config))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config)
        let (_, output) = try Self.withPortInUse { port in
            let serve = ServeAndSimulateTests.process(["serve", "--db", folder.appendingPathComponent("x.sqlite").path, "--port", String(port)])
            serve.environment?["TWILIO_AUTH_TOKEN"] = nil
            serve.environment?["SWITCHBOARD_CONFIG"] = config
            return try Self.run(serve)
        }
        #expect(output.contains("warning: \(config) holds the Twilio auth token and other users can read it (mode 644); run chmod 600 \(config)"), "\(output)")
        #expect(!output.contains("from-the-config-file"))
    }
}
