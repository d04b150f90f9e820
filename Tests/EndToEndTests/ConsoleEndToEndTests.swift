import Foundation
import GRDB
import Testing

/// The real `switchboard demo` in a real terminal (tmux): live webhooks, an offer accepted
/// with `y`, resizing, and the terminal given back intact on quit, signals and crashes.
@Suite(.serialized, .enabled(if: TmuxSession.isInstalled, "tmux is not installed: the console's end-to-end tests need it"))
struct ConsoleEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `switchboard`, beside the test bundle (`.build/debug/`).
    static var binary: String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("switchboard").path) {
            folder.deleteLastPathComponent()
        }
        let candidate = folder.appendingPathComponent("switchboard").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : root.appendingPathComponent(".build/debug/switchboard").path
    }

    /// A demo running in tmux; its wrapper records the terminal modes before and after,
    /// the console's pid, and its exit status.
    struct RunningDemo {
        let tmux: TmuxSession
        let folder: URL
        var database: String { folder.appendingPathComponent("demo.sqlite").path }

        init(width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-console-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let dir = folder.path
            let command = """
                cd '\(ConsoleEndToEndTests.root.path)'; stty -a > '\(dir)/before'; \
                sh -c 'echo $$ > "\(dir)/pid"; exec "\(ConsoleEndToEndTests.binary)" demo --db "\(dir)/demo.sqlite" --port 0'; \
                echo $? > '\(dir)/status'; stty -a > '\(dir)/after'; echo CONSOLE-EXITED; sleep 600
                """
            tmux = try TmuxSession(
                width: width, height: height, command: command,
                environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TWILIO_AUTH_TOKEN": "", "SWIFT_BACKTRACE": "enable=no", "NO_COLOR": ""]
                    .merging(environment) { _, given in given })
        }

        func read(_ name: String) -> String? {
            try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }

        var pid: pid_t? { read("pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }

        /// Waits for the console to be up; returns the listener's URL and the demo token.
        func waitUntilLive() throws -> (url: String, token: String) {
            // The footer is drawn last: a screen with it is a whole first frame, not one the
            // terminal has only begun to receive.
            let screen = try #require(
                tmux.waitForScreen { $0.contains("● LIVE") && $0.contains("demo token") && $0.contains(" quit") },
                "the console never came up")
            let status = try #require(screen.split(separator: "\n").first.map(String.init))
            let url = try #require(status.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+/).map { String($0.output) })
            let token = try #require(status.firstMatch(of: /demo-[0-9a-f]{16}/).map { String($0.output) })
            return (url, token)
        }

        /// After the console exits: its status, and whether the terminal modes are as before.
        func waitForExit() throws -> (status: String, modesRestored: Bool, after: String) {
            _ = try #require(tmux.waitForScreen { $0.contains("CONSOLE-EXITED") }, "the console did not exit")
            let before = try #require(read("before"))
            let after = try #require(read("after"))
            return ((read("status") ?? "").trimmingCharacters(in: .whitespacesAndNewlines), before == after, after)
        }
    }

    static func simulate(url: String, token: String, from: String, to: String, body: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["simulate", "--url", url + "/api/twilio/inbound", "--from", from, "--to", to, "--body", body]
        var environment = ProcessInfo.processInfo.environment
        environment["TWILIO_AUTH_TOKEN"] = token
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return printed
    }

    @Test("a signed webhook from outside appears live; y accepts the offer on screen and in the database; resize; q restores the terminal")
    func liveWebhookOfferResizeAndQuit() throws {
        let demo = try RunningDemo()
        let (url, token) = try demo.waitUntilLive()

        // A text from an unknown number to the front desk: a new unassigned thread, marked.
        let printed = try Self.simulate(
            url: url, token: token, from: "+15559870001", to: "+15550100100", body: "E2E hello 🐕 \u{1b}[2J\u{1b}[31mred")
        #expect(printed.contains("HTTP 200"))
        let sent = Date()
        let arrived = try #require(demo.tmux.waitForScreen { $0.contains("+15559870001") }, "the webhook never appeared")
        let latency = Date().timeIntervalSince(sent)
        print("webhook on screen \(Int(latency * 1000)) ms after simulate returned (includes tmux polling)")
        #expect(arrived.contains("NEW ⚑ unassigned"))
        #expect(arrived.contains("E2E hello 🐕 red"), "escape sequences stripped, emoji kept")
        #expect(latency < 2, "live update took \(latency) s")

        // The first sitter (by name) with exactly one pending offer.
        let queue = try DatabaseQueue(path: demo.database)
        let sitters = try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sitter.id, sitter.name,
                           (SELECT count(*) FROM offer_event WHERE sitter_id = sitter.id AND status = 'offered' AND expires_at > ?) AS pending
                    FROM sitter ORDER BY name COLLATE NOCASE, id
                    """,
                arguments: [Date()])
        }
        let index = try #require(sitters.firstIndex { $0["pending"] as Int == 1 }, "the demo has a sitter with one pending offer")
        let sitterId: Int64 = sitters[index]["id"]
        let sitterName: String = sitters[index]["name"]
        try demo.tmux.sendKeys("Tab")
        for _ in 0..<index { try demo.tmux.sendKeys("j") }
        _ = try #require(demo.tmux.waitForScreen { $0.contains("▸ \(sitterName)") }, "cursor on \(sitterName)")
        try demo.tmux.sendKeys("y")
        // Nothing is texted before the question naming the sitter is answered.
        _ = try #require(demo.tmux.waitForScreen { $0.contains("YES as \(sitterName) for B") && $0.contains("? y/n") }, "no question")
        try demo.tmux.sendKeys("y")
        let answered = try #require(demo.tmux.waitForScreen { $0.contains("YES B") && $0.contains("→ 200") }, "no TwiML answer on screen")
        #expect(answered.contains("<Response><Message>"))
        let accepted = try queue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT offer_event.status, booking.sitter_id, booking.status AS booking_status
                    FROM offer_event JOIN booking ON booking.id = offer_event.booking_id
                    WHERE offer_event.sitter_id = ? ORDER BY offer_event.accepted_at DESC LIMIT 1
                    """,
                arguments: [sitterId])
        }
        #expect(accepted?["status"] as String? == "accepted")
        #expect(accepted?["sitter_id"] as Int64? == sitterId)
        #expect(accepted?["booking_status"] as String? == "assigned")
        // The sitter's ◆ pending-offer badge is gone.
        let sitterLine = demo.tmux.waitForScreen { screen in
            screen.split(separator: "\n").contains { $0.contains(sitterName) && !$0.contains("◆") }
        }
        #expect(sitterLine != nil)

        // Too small: one line saying what is needed; back to full size: the panes again.
        try demo.tmux.resize(width: 40, height: 10)
        #expect(demo.tmux.waitForScreen { $0.contains("Need 80×24 (now 40×10)") } != nil)
        try demo.tmux.resize(width: 120, height: 40)
        #expect(demo.tmux.waitForScreen { $0.contains("Owner inbox") && $0.contains("Sitters (") } != nil)

        try demo.tmux.sendKeys("q")
        let exit = try demo.waitForExit()
        #expect(exit.status == "0")
        #expect(exit.modesRestored, "stty -a differs after quitting:\n\(exit.after)")
        #expect(exit.after.contains(" icanon") && exit.after.contains(" echo "))
    }

    /// Runs the binary to completion in the package root (an import before the console opens).
    static func runToEnd(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Issue 10, defect 7: a second org imported into the database never showed in the console.
    @Test("Two orgs in one database: the console opens the first; O shows the second's inbox and the status bar names it")
    func oSwitchesToTheSecondOrg() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-console-orgs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("two.sqlite").path
        let harbor = folder.appendingPathComponent("harbor.json")
        try Data(
            #"""
            {"org": {"name": "Harbor Hounds", "front_desk": "+15550100200"},
             "sitters": [{"key": "sam", "name": "Sam Lee", "phone": "+15550200201", "masked_number": "+15550300201"}],
             "clients": [{"key": "olu", "name": "Olu Adeyemi", "phone": "+15550402001"}],
             "threads": [{"scope": "client_general", "client": "olu", "unread": 1,
                          "messages": [{"from": "client", "at": "3 minutes ago", "body": "Is Friday still on?"}]}]}
            """#.utf8
        ).write(to: harbor)
        #expect(try Self.runToEnd(["import", "Data/demo.json", "--db", db]) == 0)
        #expect(try Self.runToEnd(["import", harbor.path, "--db", db]) == 0)
        let tmux = try TmuxSession(
            width: 120, height: 40,
            command: "'\(Self.binary)' console --db '\(db)' --no-listen; echo CONSOLE-EXITED; sleep 600",
            environment: [
                "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TWILIO_AUTH_TOKEN": "",
                "SWITCHBOARD_CONFIG": folder.appendingPathComponent("none.json").path,
            ])
        // Waits for the whole frame: a capture can catch curses halfway through drawing one.
        let first = try #require(
            tmux.waitForScreen { $0.hasPrefix(" Pawsitive Pet Sitting Co. 1/2 │") && $0.contains("Maya Okafor") }, "\(tmux.capture())")
        #expect(!first.contains("Olu Adeyemi"))
        try tmux.sendKeys("O")
        let second = try #require(tmux.waitForScreen { $0.hasPrefix(" Harbor Hounds 2/2 │") }, "\(tmux.capture())")
        #expect(second.contains("Olu Adeyemi") && second.contains("Is Friday still on?") && second.contains("Sam Lee"))
        #expect(!second.contains("Maya Okafor"))
        try tmux.sendKeys("q")
        #expect(tmux.waitForScreen { $0.contains("CONSOLE-EXITED") } != nil)
    }

    /// What a terminal sends for a mouse event when the application asked for the mouse
    /// (xterm's X10 encoding, the `kmous` of tmux's terminal): ESC [ M, then the button,
    /// column and row, each plus 32 (cells counted from 1).
    static func mouseBytes(button: Int, x: Int, y: Int) -> String {
        "\u{1b}[M" + String(UnicodeScalar(UInt8(32 + button))) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
    }

    @Test("a click on a thread selects it and shows its messages; the wheel over the list moves the selection")
    func clicksAndTheWheel() throws {
        let demo = try RunningDemo()
        _ = try demo.waitUntilLive()
        // The owner inbox's third thread: its name is on the first line of its two rows.
        let layout = (threads: (x: 27, y: 2), rowsPerThread: 2)
        let threadRow = /│ ● ([^⚑]+?)  +(⚑|sitter chat)/
        func rows(_ screen: String) -> [String] { screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        // A screen whose third and fourth threads are drawn whole.
        let screen = try #require(
            demo.tmux.waitForScreen { screen in
                let lines = rows(screen)
                return [2, 3].allSatisfy { lines.count > layout.threads.y + $0 * layout.rowsPerThread
                    && lines[layout.threads.y + $0 * layout.rowsPerThread].firstMatch(of: threadRow) != nil }
            }, "\(demo.tmux.capture())")
        let lines = rows(screen)
        let third = try #require(lines[layout.threads.y + 2 * layout.rowsPerThread].firstMatch(of: /│ ● ([^⚑]+?)  +(⚑|sitter chat)/)).output.1
        try demo.tmux.sendKeys("-l", Self.mouseBytes(button: 0, x: layout.threads.x + 5, y: layout.threads.y + 2 * layout.rowsPerThread))
        try demo.tmux.sendKeys("-l", Self.mouseBytes(button: 3, x: layout.threads.x + 5, y: layout.threads.y + 2 * layout.rowsPerThread))
        _ = try #require(
            demo.tmux.waitForScreen(timeout: 5) { $0.contains("Messages · \(third)") }, "the clicked thread (\(third)) is shown")
        // A notch down on the wheel (button 5 is 64 + 1): the next thread.
        let fourth = try #require(lines[layout.threads.y + 3 * layout.rowsPerThread].firstMatch(of: /│ ● ([^⚑]+?)  +(⚑|sitter chat)/)).output.1
        try demo.tmux.sendKeys("-l", Self.mouseBytes(button: 65, x: layout.threads.x + 5, y: layout.threads.y + 4))
        _ = try #require(demo.tmux.waitForScreen(timeout: 5) { $0.contains("Messages · \(fourth)") }, "the wheel moved to \(fourth)")
        try demo.tmux.sendKeys("q")
        _ = try demo.waitForExit()
    }

    @Test("the terminal's title counts the owner inbox's unread threads and follows a new text")
    func theTitleCountsUnreadThreads() throws {
        let demo = try RunningDemo()
        let (url, token) = try demo.waitUntilLive()
        let before = demo.tmux.title()
        let count = try #require(before.firstMatch(of: /^Switchboard \((\d+)\)$/).flatMap { Int($0.output.1) }, "title: \(before)")
        _ = try Self.simulate(url: url, token: token, from: "+15559870077", to: "+15550100100", body: "a new client")
        let deadline = Date().addingTimeInterval(5)
        while demo.tmux.title() == before, Date() < deadline { usleep(20_000) }
        #expect(demo.tmux.title() == "Switchboard (\(count + 1))")
        try demo.tmux.sendKeys("q")
        _ = try demo.waitForExit()
    }

    @Test("the config file's keys and colours: x quits instead of q, the accent is magenta; NO_COLOR draws without colour")
    func keysAndColorsFromTheConfigFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("config.json").path
        try #"{"keys": {"quit": "x"}, "colors": {"accent": "magenta"}}"#.write(toFile: config, atomically: true, encoding: .utf8)

        let demo = try RunningDemo(environment: ["SWITCHBOARD_CONFIG": config])
        _ = try demo.waitUntilLive()
        let colored = demo.tmux.capture(attributes: true)
        #expect(colored.contains("\u{1b}[35m"), "the accent (focused pane's border) is magenta")
        #expect(demo.tmux.capture().contains(" x quit"), "the hints name her key")
        try demo.tmux.sendKeys("q")
        usleep(300_000)
        #expect(!demo.tmux.capture().contains("CONSOLE-EXITED"), "q no longer quits")
        try demo.tmux.sendKeys("x")
        #expect(try demo.waitForExit().status == "0")

        let plain = try RunningDemo(environment: ["NO_COLOR": "1"])
        _ = try plain.waitUntilLive()
        let screen = plain.tmux.capture(attributes: true)
        #expect(screen.firstMatch(of: /\x1b\[(?:[0-9;]*;)?3[0-7]m/) == nil, "no foreground colour with NO_COLOR")
        #expect(screen.contains("\u{1b}[1"), "bold still marks what matters")
        try plain.tmux.sendKeys("q")
        _ = try plain.waitForExit()
    }

    @Test("a record command on the : line adds a sitter through the command line's own command, answered on the notice line")
    func recordCommandsFromTheCommandLine() throws {
        let demo = try RunningDemo()
        _ = try demo.waitUntilLive()
        try demo.tmux.sendKeys(":")
        try demo.tmux.sendKeys("-l", #"sitter add "Ana Ruiz" --phone +15550200999"#)
        try demo.tmux.sendKeys("Enter")
        let added = try #require(
            demo.tmux.waitForScreen(timeout: 5) { $0.contains("Added sitter #8 Ana Ruiz (+15550200999).") }, "the answer is on the notice line")
        #expect(added.contains("Sitters (8)"))
        try demo.tmux.sendKeys(":")
        try demo.tmux.sendKeys("-l", "sitter add Bo --phone 5550100")
        try demo.tmux.sendKeys("Enter")
        _ = try #require(
            demo.tmux.waitForScreen(timeout: 5) { $0.contains("The phone must be an E.164 phone number") }, "a mistake is one sentence")
        try demo.tmux.sendKeys("q")
        _ = try demo.waitForExit()
    }

    @Test func qQuitsEvenWhenTheTerminalIsTooSmall() throws {
        let demo = try RunningDemo(width: 40, height: 10)
        #expect(demo.tmux.waitForScreen { $0.contains("Need 80×24 (now 40×10)") } != nil)
        try demo.tmux.sendKeys("q")
        let exit = try demo.waitForExit()
        #expect(exit.status == "0")
        #expect(exit.modesRestored)
    }

    /// SIGINT and SIGTERM shut the service group down gracefully; a crash (a fatal signal)
    /// runs the handler that restores the terminal before the process dies.
    @Test(arguments: [SIGINT, SIGTERM, SIGSEGV, SIGABRT])
    func theTerminalIsRestoredOnSignals(signal: Int32) throws {
        let demo = try RunningDemo()
        _ = try demo.waitUntilLive()
        let pid = try #require(demo.pid)
        #expect(kill(pid, signal) == 0)
        let exit = try demo.waitForExit()
        #expect(exit.modesRestored, "stty -a differs after signal \(signal):\n\(exit.after)")
        if signal == SIGINT || signal == SIGTERM { #expect(exit.status == "0") }
    }
}
