import Foundation
import GRDB
import Testing

/// Issue 15 in a real terminal: the console's receipts view (`w`) follows webhooks live and
/// opens one; `r` in the Unrouted view routes a text once its number is ours.
@Suite(.serialized, .enabled(if: TmuxSession.isInstalled, "tmux is not installed: the console's end-to-end tests need it"))
struct ReceiptsConsoleTests {
    @Test("w lists a webhook that just arrived, Enter shows its parameters, u then r routes it once its number is added")
    func receiptsViewAndRouteInTheConsole() throws {
        let demo = try ConsoleEndToEndTests.RunningDemo()
        let (url, token) = try demo.waitUntilLive()
        try demo.tmux.sendKeys("w")
        _ = try #require(demo.tmux.waitForScreen { $0.contains("Webhooks · every verdict") }, "\(demo.tmux.capture())")
        _ = try ConsoleEndToEndTests.simulate(url: url, token: token, from: "+15557650001", to: "+15550155555", body: "Hello, Paws?")
        let listed = try #require(
            demo.tmux.waitForScreen { $0.contains("+15557650001 → +15550155555") }, "the webhook never showed: \(demo.tmux.capture())")
        #expect(listed.contains("unrouted"))
        try demo.tmux.sendKeys("Enter")
        let opened = try #require(demo.tmux.waitForScreen { $0.contains("Parameters") }, "\(demo.tmux.capture())")
        #expect(opened.contains("Body") && opened.contains("Hello, Paws?"))
        #expect(opened.contains("X-Twilio-Signature: "))
        try demo.tmux.sendKeys("Escape")
        try demo.tmux.sendKeys("w")

        let queue = try DatabaseQueue(path: demo.database)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO message_number (org_id, e164, number_class) SELECT id, '+15550155555', 'pool' FROM org ORDER BY id LIMIT 1")
        }
        try queue.close()
        try demo.tmux.sendKeys("u")
        _ = try #require(demo.tmux.waitForScreen { $0.contains("Unrouted") && $0.contains("Hello, Paws?") }, "\(demo.tmux.capture())")
        try demo.tmux.sendKeys("r")
        let routed = try #require(
            demo.tmux.waitForScreen { $0.contains("Routed the text from +15557650001") }, "\(demo.tmux.capture())")
        #expect(routed.contains("in the owner inbox"))
        try demo.tmux.sendKeys("q")
        #expect(try demo.waitForExit().status == "0")
    }
}
