import Foundation
import Testing

/// SPEC §9 (issue 12): `serve` is the always-on process; a console started beside it on the
/// same database, in its own process and terminal, follows every commit and shows whether
/// the listener is up.
@Suite(.serialized) struct AttachedConsoleTests {
    @Test("serve in the background, a console in tmux attaches by itself: a webhook appears without a key; y reaches serve; status says up; serve killed → down; restarted → up")
    func consoleFollowsServe() throws {
        guard TmuxSession.isInstalled else {
            Issue.record("tmux is not installed: `apt-get install -y tmux` (README)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-attached-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("shop.sqlite").path
        let load = ServeAndSimulateTests.process(["import", "Data/demo.json", "--db", db])
        try load.run()
        load.waitUntilExit()

        func startServe() throws -> (Process, String) {
            let serve = ServeAndSimulateTests.process(["serve", "--db", db, "--port", "0"])
            let output = Pipe()
            serve.standardOutput = output
            serve.standardError = FileHandle.nullDevice
            try serve.run()
            let line = try #require(ServeAndSimulateTests.waitForLine(output.fileHandleForReading, prefix: "listening on "))
            return (serve, String(line.dropFirst("listening on ".count)))
        }
        var (serve, base) = try startServe()
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }

        let tmux = try TmuxSession(
            width: 120, height: 40,
            command: "cd '\(ConsoleEndToEndTests.root.path)'; exec '\(ConsoleEndToEndTests.binary)' console --db '\(db)'",
            environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TWILIO_AUTH_TOKEN": ServeAndSimulateTests.token])
        _ = try #require(tmux.waitForScreen { $0.contains("listener up · \(base)") }, "the status bar names serve's address")

        let answer = try ConsoleEndToEndTests.simulate(
            url: base, token: ServeAndSimulateTests.token, from: "+15557650042", to: "+15550100100", body: "sent to serve, seen attached")
        #expect(answer.contains("HTTP 200"))
        _ = try #require(tmux.waitForScreen(timeout: 5) { $0.contains("sent to serve, seen attached") }, "the webhook appeared without a key press")

        // The console runs no listener of its own: its simulated YES goes to serve's.
        try tmux.sendKeys("Tab")
        try tmux.sendKeys("y")
        // The question names the sitter (and the offer) first; y again sends it.
        _ = try #require(tmux.waitForScreen(timeout: 5) { $0.contains("YES as ") && $0.contains("? y/n") }, "y asked first")
        try tmux.sendKeys("y")
        _ = try #require(tmux.waitForScreen(timeout: 5) { $0.contains("YES") && $0.contains("→ 200") }, "y was answered by serve")

        let status = ServeAndSimulateTests.process(["status", "--db", db, "--json"])
        let printed = Pipe()
        status.standardOutput = printed
        try status.run()
        let json = String(decoding: printed.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        status.waitUntilExit()
        #expect(json.contains(#""state" : "up""#) && json.contains(base), "\(json)")

        // Killed without a word: down once its heartbeat is stale.
        kill(serve.processIdentifier, SIGKILL)
        serve.waitUntilExit()
        _ = try #require(tmux.waitForScreen(timeout: 30) { $0.contains("listener down since") }, "the status bar says the listener is down")

        (serve, base) = try startServe()
        _ = try #require(tmux.waitForScreen(timeout: 15) { $0.contains("listener up · \(base)") }, "and up again after a restart")
        serve.terminate()
        serve.waitUntilExit()
    }
}
