import Foundation
import Testing

/// SPEC §9 (issue 12): `serve` is the always-on process; a console started beside it on the
/// same database, in its own process and terminal, follows every commit and shows whether
/// the listener is up.
@Suite(.serialized) struct AttachedConsoleTests {
    /// A fresh copy of the demo business in a folder of its own.
    static func demoDatabase(_ name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("shop.sqlite").path
        let load = ServeAndSimulateTests.process(["import", "Data/demo.json", "--db", db])
        try load.run()
        load.waitUntilExit()
        return db
    }

    /// `serve` on `db` at a free port, and the address it printed once it listened.
    static func startServe(_ db: String) throws -> (Process, String) {
        let serve = ServeAndSimulateTests.process(["serve", "--db", db, "--port", "0"])
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        let line = try #require(ServeAndSimulateTests.waitForLine(output.fileHandleForReading, prefix: "listening on "))
        return (serve, String(line.dropFirst("listening on ".count)))
    }

    /// A console on `db` in a 120×40 tmux terminal of its own.
    static func console(_ db: String, _ arguments: String = "") throws -> TmuxSession {
        try TmuxSession(
            width: 120, height: 40,
            command: "cd '\(ConsoleEndToEndTests.root.path)'; exec '\(ConsoleEndToEndTests.binary)' console --db '\(db)' \(arguments)",
            environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TWILIO_AUTH_TOKEN": ServeAndSimulateTests.token])
    }

    @Test("serve in the background, a console in tmux attaches by itself: a webhook appears without a key; y reaches serve; status says up; serve killed → down; restarted → up")
    func consoleFollowsServe() throws {
        guard TmuxSession.isInstalled else {
            Issue.record("tmux is not installed: `apt-get install -y tmux` (README)")
            return
        }
        let db = try Self.demoDatabase("sb-attached")
        var (serve, base) = try Self.startServe(db)
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let tmux = try Self.console(db)
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

        (serve, base) = try Self.startServe(db)
        _ = try #require(tmux.waitForScreen(timeout: 15) { $0.contains("listener up · \(base)") }, "and up again after a restart")
        serve.terminate()
        serve.waitUntilExit()
    }

    @Test("an owner console and Maya's console beside serve: each shows its own texts, Maya's never another mailbox's; her reply is delivered by serve and reaches delivered on her screen")
    func ownerAndSitterConsolesAtOnce() throws {
        guard TmuxSession.isInstalled else {
            Issue.record("tmux is not installed: `apt-get install -y tmux` (README)")
            return
        }
        let db = try Self.demoDatabase("sb-two-consoles")
        let (serve, base) = try Self.startServe(db)
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let owner = try Self.console(db)
        let maya = try Self.console(db, "--sitter maya")
        _ = try #require(owner.waitForScreen { $0.contains("listener up · \(base)") })
        _ = try #require(maya.waitForScreen { $0.contains(" Maya Okafor │") && $0.contains("Your offers") })

        // To Diego's client thread, to the front desk from a stranger, and last to Maya's.
        for (from, to, body) in [
            ("+15550401003", "+15550300102", "For Diego only: gate code 4471"),
            ("+15557650077", "+15550100100", "A stranger asks the front desk"),
            ("+15550401028", "+15550300101", "Léa asks Maya about treats"),
        ] {
            let answer = try ConsoleEndToEndTests.simulate(url: base, token: ServeAndSimulateTests.token, from: from, to: to, body: body)
            #expect(answer.contains("HTTP 200"), "\(answer)")
        }
        _ = try #require(owner.waitForScreen(timeout: 5) { $0.contains("A stranger asks the front desk") }, "the owner sees the front desk")
        let mayaScreen = try #require(maya.waitForScreen(timeout: 5) { $0.contains("Léa asks Maya about treats") }, "Maya sees her client")
        for foreign in ["gate code 4471", "A stranger asks", "Owner inbox", "Diego", "received "] {
            #expect(!mayaScreen.contains(foreign), "Maya's console shows \(foreign)")
        }

        // Her reply is queued by her console and delivered by serve (the simulated sender).
        try maya.sendKeys("r")
        _ = try #require(maya.waitForScreen(timeout: 5) { $0.contains("Reply to Léa Fontaine") })
        try maya.sendKeys("-l", "One small treat is fine")
        try maya.sendKeys("Enter")
        let delivered = try #require(
            maya.waitForScreen(timeout: 10) { screen in
                screen.split(separator: "\n").contains { $0.contains("▶ Maya Okafor") && $0.contains("delivered") }
                    && screen.contains("One small treat is fine")
            }, "the reply reaches delivered on her screen")
        #expect(!delivered.contains("gate code 4471"))
        serve.terminate()
        serve.waitUntilExit()
    }
}
