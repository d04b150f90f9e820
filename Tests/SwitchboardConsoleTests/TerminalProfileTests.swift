import SwitchboardConsole
import Testing

/// Issue 14, defect 8: `NO_COLOR` turns colour off; `TERM=dumb` says why it cannot run.
@Suite struct TerminalProfileTests {
    @Test func noColorTurnsColourOffWhenSetToAnything() {
        #expect(TerminalProfile(environment: ["TERM": "xterm-256color"]).usesColor)
        #expect(TerminalProfile(environment: ["TERM": "xterm-256color", "NO_COLOR": ""]).usesColor, "empty means unset")
        #expect(!TerminalProfile(environment: ["TERM": "xterm-256color", "NO_COLOR": "1"]).usesColor)
        #expect(!TerminalProfile(environment: ["TERM": "screen", "NO_COLOR": "yes"]).usesColor)
    }

    @Test(arguments: [["TERM": "dumb"], [:], ["TERM": ""]])
    func aTerminalThatCannotMoveTheCursorSaysWhy(environment: [String: String]) throws {
        let reason = try #require(TerminalProfile(environment: environment).unusableReason)
        #expect(reason.contains("needs a terminal that can move the cursor"))
        #expect(reason.contains("switchboard serve"))
    }

    @Test func anOrdinaryTerminalRuns() {
        #expect(TerminalProfile(environment: ["TERM": "tmux-256color"]).unusableReason == nil)
    }
}
