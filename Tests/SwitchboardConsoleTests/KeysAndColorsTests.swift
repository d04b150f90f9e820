import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Testing

/// `"keys"` and `"colors"` in the config file.
@Suite struct KeysAndColorsTests {
    @Test func aKeyGivenToAnActionDoesItAndItsDefaultNoLonger() throws {
        let remap = try KeyRemap(["reply": "R", "down": "k", "up": "j"])
        #expect(remap.translate(.character("R")) == .character("r"))
        #expect(remap.translate(.character("r")) == nil, "the freed default does nothing")
        #expect(remap.translate(.character("k")) == .character("j"), "down and up swapped")
        #expect(remap.translate(.character("j")) == .character("k"))
        #expect(remap.translate(.character("q")) == .character("q"), "the rest keep theirs")
        #expect(remap.translate(.enter) == .enter)
        #expect(remap.shown("j/k") == "k/j" && remap.shown("r") == "R" && remap.shown("Enter") == "Enter")
    }

    @Test func aWrongKeysObjectIsOneSentenceNamingTheFix() {
        let unknown = #expect(throws: KeyRemapError.self) { try KeyRemap(["answer": "x"]) }
        #expect(unknown?.description.contains("\"answer\", which is not an action; the actions are down, up") == true)
        let twice = #expect(throws: KeyRemapError.self) { try KeyRemap(["reply": "x", "quit": "x"]) }
        #expect(twice?.description == "\"keys\" gives \"x\" to both quit and reply; give each its own key.")
        let long = #expect(throws: KeyRemapError.self) { try KeyRemap(["reply": "ctrl-r"]) }
        #expect(long?.description.contains("must be one visible character") == true)
    }

    @Test func theConsoleUsesHerKeysButPromptsTakeEveryKeyAsText() async throws {
        let store = try await Fixture.makeStore()
        var state = ConsoleState(size: Size(width: 120, height: 40), keys: try KeyRemap(["reply": "R"]), startedAt: Fixture.now)
        try Fixture.reload(&state, store)
        #expect(KeyMap.action(for: .character("r"), in: state) == nil)
        let footer = render(state, size: state.size).lines.last ?? ""
        #expect(footer.contains(" R reply") && !footer.contains(" r reply"), "the hints name her key: \(footer)")
        try Fixture.press(.character("R"), &state, store)
        guard case .reply = state.prompt else {
            Issue.record("R did not start a reply: \(String(describing: state.prompt))")
            return
        }
        try Fixture.press(.character("R"), &state, store)
        try Fixture.press(.character("r"), &state, store)
        guard case .reply(_, _, let text) = state.prompt else {
            Issue.record("the prompt closed")
            return
        }
        #expect(text == "Rr")
    }

    @Test func colorsAreNamedPerRoleAndWrongOnesRefused() throws {
        let scheme = try ColorScheme(["accent": "Blue", "muted": "default"])
        #expect(scheme.colors[.accent] == "blue" && scheme.colors[.muted] == "default" && scheme.colors[.alert] == "red")
        let role = #expect(throws: KeyRemapError.self) { try ColorScheme(["links": "red"]) }
        #expect(role?.description.contains("the roles are accent, muted, good, warning, alert") == true)
        let color = #expect(throws: KeyRemapError.self) { try ColorScheme(["accent": "teal"]) }
        #expect(color?.description.contains("must be one of default, black, red") == true)
    }
}
