import Foundation
import SwitchboardCore
import Testing

/// Issue 14 in a real terminal (tmux): widths the terminal agrees with, the pager on a long
/// SMS, a terminal the console cannot use.
@Suite(.serialized, .enabled(if: TmuxSession.isInstalled, "tmux is not installed: the console's end-to-end tests need it"))
struct ConsoleSecondGenerationTests {
    typealias Demo = ConsoleEndToEndTests.RunningDemo

    /// Every row with the screen's right border is exactly as wide as the screen when
    /// measured with the console's widths: the terminal and the console agree on each cell.
    static func misalignedRows(_ screen: String, width: Int) -> [String] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { line in
            guard let last = line.last, "│┃┐┓┘┛".contains(last) else { return false }
            return TextWidth.of(line) != width
        }
    }

    /// Defect 4: text-presentation emoji (one column) and ZWJ sequences leave no stray cell,
    /// before and after the rows holding them are redrawn.
    @Test func theEmojiLineLeavesNoStrayCellAcrossARedraw() throws {
        let demo = try Demo()
        let (url, token) = try demo.waitUntilLive()
        let body = "🏳 🕊 🌡 🖐 🗺 🎙 🏳️‍🌈 👨‍👩‍👧 END"
        let printed = try ConsoleEndToEndTests.simulate(url: url, token: token, from: "+15559870002", to: "+15550100100", body: body)
        #expect(printed.contains("HTTP 200"))
        let arrived = try #require(demo.tmux.waitForScreen { $0.contains("END") }, "the text never appeared")
        #expect(arrived.contains("🏳 🕊 🌡 🖐 🗺 🎙"), "one column each")
        #expect(Self.misalignedRows(arrived, width: 120).isEmpty, "\(Self.misalignedRows(arrived, width: 120))")
        // The new thread selected: its row is redrawn in the selection's style, the message shows.
        try demo.tmux.sendKeys("Enter", "g")
        let first = try #require(demo.tmux.waitForScreen { $0.contains("Messages · +15559870002") })
        #expect(Self.misalignedRows(first, width: 120).isEmpty, "\(Self.misalignedRows(first, width: 120))")
        // Redraw the rows again: the selection moves off the thread and back.
        try demo.tmux.sendKeys("j")
        let moved = try #require(demo.tmux.waitForScreen { !$0.contains("Messages · +15559870002") })
        #expect(Self.misalignedRows(moved, width: 120).isEmpty, "\(Self.misalignedRows(moved, width: 120))")
        try demo.tmux.sendKeys("k")
        let back = try #require(demo.tmux.waitForScreen { $0.contains("Messages · +15559870002") })
        #expect(Self.misalignedRows(back, width: 120).isEmpty, "\(Self.misalignedRows(back, width: 120))")
        // Which pane has focus (its border ┃) may differ between the two captures when the
        // first was taken between the two keys' frames; the cells of the rows must not.
        let emojiRows = { (screen: String) in
            screen.split(separator: "\n").filter { $0.contains("🎙") }.map { $0.replacingOccurrences(of: "┃", with: "│") }
        }
        #expect(emojiRows(back) == emojiRows(first), "the same rows after the redraw")
        try demo.tmux.sendKeys("q")
        _ = try demo.waitForExit()
    }

    /// The focused message pane's part of the screen (right of the thread list's border).
    static func messagePane(_ screen: String) -> String {
        screen.split(separator: "\n").compactMap { line in line.range(of: "│┃").map { String(line[$0.upperBound...]) } }
            .joined(separator: "\n")
    }

    /// Defect 3: a 1,600-character SMS reads from its first line in the pager.
    @Test func aLongSMSReadsFromItsFirstLine() throws {
        let demo = try Demo()
        let (url, token) = try demo.waitUntilLive()
        let words = (1...400).map { "w\($0)" }.joined(separator: " ")
        let body = "FIRSTLINE " + String(words.prefix(1590))
        _ = try ConsoleEndToEndTests.simulate(url: url, token: token, from: "+15559870003", to: "+15550100100", body: body)
        _ = try #require(demo.tmux.waitForScreen { $0.contains("+15559870003") }, "the text never appeared")
        try demo.tmux.sendKeys("Enter", "g", "Tab")  // the owner inbox's newest thread, then the message view
        let bottom = Self.messagePane(try #require(demo.tmux.waitForScreen { $0.contains("┏━ Messages · +15559870003") }))
        #expect(!bottom.contains("FIRSTLINE"), "taller than the pane: the newest lines show first")
        #expect(bottom.contains("▲ ◀ +15559870003"), "the cut message's header is pinned above the view")
        try demo.tmux.sendKeys("g")
        let top = Self.messagePane(
            try #require(demo.tmux.waitForScreen { Self.messagePane($0).contains("FIRSTLINE") }, "g never showed the first line"))
        #expect(top.contains("◀ +15559870003"))
        #expect(!top.contains("▲"), "nothing above the first line")
        #expect(top.contains("▼ more below"))
        for _ in 0..<3 { try demo.tmux.sendKeys("j") }
        let scrolled = Self.messagePane(
            try #require(demo.tmux.waitForScreen { !Self.messagePane($0).contains("FIRSTLINE") }, "j never scrolled by line"))
        #expect(scrolled.contains("▲ ◀ +15559870003"))
        try demo.tmux.sendKeys("G")
        #expect(demo.tmux.waitForScreen { !$0.contains("▼") } != nil)
        try demo.tmux.sendKeys("q")
        _ = try demo.waitForExit()
    }

    /// The `:` command line in the real binary: completion, then a command that writes.
    @Test func colonCommandsCompleteAndRun() throws {
        let demo = try Demo()
        _ = try demo.waitUntilLive()
        try demo.tmux.sendKeys(":")
        _ = try #require(demo.tmux.waitForScreen { $0.contains(":assign SITTER") }, "the command line opened: \(demo.tmux.capture())")
        try demo.tmux.sendKeys("-l", "assign ma")
        try demo.tmux.sendKeys("Tab")
        _ = try #require(demo.tmux.waitForScreen { $0.contains(":assign Maya Okafor ▏") }, "Tab completed the name: \(demo.tmux.capture())")
        try demo.tmux.sendKeys("Enter")
        _ = try #require(demo.tmux.waitForScreen { $0.contains("Assigned to Maya Okafor.") }, "\(demo.tmux.capture())")
        try demo.tmux.sendKeys(":")
        try demo.tmux.sendKeys("-l", "tiers")
        try demo.tmux.sendKeys("Enter")
        _ = try #require(demo.tmux.waitForScreen { $0.contains("Tier metrics") })
        try demo.tmux.sendKeys(":")
        try demo.tmux.sendKeys("-l", "q")
        try demo.tmux.sendKeys("Enter")
        let exit = try demo.waitForExit()
        #expect(exit.status == "0" && exit.modesRestored)
    }

    /// `R` hands the terminal to `$EDITOR` and takes it back; what was saved is sent after
    /// the question.
    @Test func rComposesInTheEditor() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-editor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let editor = folder.appendingPathComponent("editor.sh")
        try "#!/bin/sh\nprintf 'Written in the editor\\n' >> \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o755)
        let demo = try Demo(environment: ["EDITOR": editor.path, "VISUAL": ""])
        _ = try demo.waitUntilLive()
        try demo.tmux.sendKeys("R")
        _ = try #require(
            demo.tmux.waitForScreen { $0.contains("Send this reply (21 characters, 1 SMS) to") && $0.contains("y/n") },
            "the saved text comes back as a question: \(demo.tmux.capture())")
        #expect(demo.tmux.capture().contains("Owner inbox"), "the screen is back")
        try demo.tmux.sendKeys("y")
        _ = try #require(demo.tmux.waitForScreen { $0.contains("Written in the editor") }, "sent and shown in the thread")
        try demo.tmux.sendKeys("q")
        _ = try demo.waitForExit()
    }

    /// Defect 8: `TERM=dumb` says why the console cannot run, instead of a blank screen.
    @Test func aDumbTerminalSaysWhyTheConsoleCannotRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sb-dumb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // TERM set inside the pane: tmux sets its own for the pane's command.
        let tmux = try TmuxSession(
            width: 120, height: 20,
            command: "TERM=dumb '\(ConsoleEndToEndTests.binary)' demo --db '\(folder.path)/demo.sqlite' --port 0; echo EXIT=$?; sleep 600",
            environment: ["LANG": "C.UTF-8", "TWILIO_AUTH_TOKEN": ""])
        let screen = try #require(tmux.waitForScreen { $0.contains("EXIT=") }, "\(tmux.capture())")
        #expect(!screen.contains("EXIT=0"))
        #expect(screen.contains("needs a terminal that can move the cursor"), "\(screen)")
        #expect(screen.contains("TERM is \"dumb\""))
    }
}
