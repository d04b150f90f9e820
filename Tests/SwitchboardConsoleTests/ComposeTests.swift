import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Testing

/// Issue 14: line editing in prompts (←/→, Ctrl-A/E/U/W, history), the live SMS segment
/// counter, and a reply's draft kept on Esc.
@Suite struct ComposeTests {
    static func type(_ text: String, _ state: inout ConsoleState, _ store: AppDatabase) throws {
        for character in text { try Fixture.press(.character(character), &state, store) }
    }

    @Test func arrowsAndControlKeysEditTheLine() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("r"), &state, store)
        try Self.type("on my way", &state, store)
        try Fixture.press(.control("a"), &state, store)
        try Self.type("I'm ", &state, store)
        #expect(state.prompt?.textForTests == "I'm on my way")
        try Fixture.press(.control("e"), &state, store)
        try Self.type(" now", &state, store)
        try Fixture.press(.control("w"), &state, store)
        #expect(state.prompt?.textForTests == "I'm on my way ")
        for _ in 0..<4 { try Fixture.press(.left, &state, store) }
        try Fixture.press(.backspace, &state, store)
        #expect(state.prompt?.textForTests == "I'm on myway ", "the space before the cursor")
        try Fixture.press(.right, &state, store)
        try Fixture.press(.control("u"), &state, store)
        #expect(state.prompt?.textForTests == "ay ", "up to the cursor, one after the w")
        let line = render(state, size: state.size).lines[38]
        #expect(line.hasPrefix("Reply to 王芳 (Fang Wang): ▏ay"), "the cursor is drawn where it is")
    }

    @Test func theSegmentCounterFollowsTheText() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("r"), &state, store)
        try Self.type(String(repeating: "a", count: 161), &state, store)
        #expect(render(state, size: state.size).lines[39].contains("161/306 · 2 SMS · GSM-7"))
        try Self.type("🐾", &state, store)
        #expect(render(state, size: state.size).lines[39].contains("163/201 · 3 SMS · UCS-2"))
    }

    @Test func escKeepsTheReplyAsADraftAndHistoryRecallsLines() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        try Fixture.press(.character("r"), &state, store)
        try Self.type("half a tho", &state, store)
        try Fixture.press(.escape, &state, store)
        #expect(state.prompt == nil && state.notice?.text == "Draft kept: r on this thread brings it back.")
        try Fixture.press(.character("r"), &state, store)
        #expect(state.prompt?.textForTests == "half a tho")
        try Self.type("ught", &state, store)
        #expect(try Fixture.press(.enter, &state, store) == [.reply(threadId: fang.id, body: "half a thought")])
        #expect(state.drafts.isEmpty, "a sent reply leaves no draft")
        try Fixture.press(.character("r"), &state, store)
        try Fixture.press(.up, &state, store)
        #expect(state.prompt?.textForTests == "half a thought", "↑ recalls the last reply")
        try Fixture.press(.down, &state, store)
        #expect(state.prompt?.textForTests == "")
    }
}

extension Prompt {
    var textForTests: String {
        switch self {
        case .search(let text), .reply(_, _, let text), .command(let text), .sitterSearch(let text): text
        }
    }
}

/// Issue 14: search as you type, ↑/↓ for the previous / next match, and `/` in the sitters
/// pane moving the cursor to the sitter matching.
@Suite struct SearchAsYouTypeTests {
    @Test func theThreadListFiltersAsYouTypeAndEscPutsItBack() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.character("/"), &state, store)
        try ComposeTests.type("wa", &state, store)
        #expect(state.search == "wa", "applied before Enter")
        #expect(state.data.threads.map(\.counterpartName).contains("王芳 (Fang Wang)"))
        let matches = state.data.threadCount
        #expect(matches >= 1 && matches < 5)
        try Fixture.press(.escape, &state, store)
        #expect(state.search == nil && state.data.threadCount == 4, "Esc puts the list back")
        try Fixture.press(.character("/"), &state, store)
        try ComposeTests.type("e", &state, store)
        let first = state.selectedThread?.id
        try Fixture.press(.down, &state, store)
        #expect(state.selectedThread?.id != first, "↓: the next match")
        let chosen = state.selectedThread?.id
        try Fixture.press(.enter, &state, store)
        #expect(state.search == "e" && state.focus == .threads && state.selectedThread?.id == chosen, "Enter keeps the match chosen")
    }

    @Test func slashInTheSittersPaneMovesTheCursorAsYouType() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        try Fixture.press(.tab, &state, store)
        try Fixture.press(.character("/"), &state, store)
        #expect(state.prompt == .sitterSearch(""))
        try ComposeTests.type("yu", &state, store)
        #expect(state.cursorSitter?.name == "田中 ゆき (Yuki)" && state.data.mailboxSitterName == "田中 ゆき (Yuki)")
        #expect(render(state, size: state.size).lines[38].hasPrefix("Sitter /yu▏"))
        try Fixture.press(.escape, &state, store)
        #expect(state.cursorSitter?.name == "Diego Ramírez", "Esc goes back to where the cursor was")
        try Fixture.press(.character("/"), &state, store)
        try ComposeTests.type("zz", &state, store)
        #expect(state.notice?.text == "No sitter matches “zz”." && state.cursorSitter?.name == "Diego Ramírez")
        for _ in 0..<2 { try Fixture.press(.backspace, &state, store) }
        try ComposeTests.type("oka", &state, store)  // a word of the name is enough
        #expect(state.cursorSitter?.name == "Maya Okafor")
        try Fixture.press(.enter, &state, store)
        #expect(state.prompt == nil && state.focus == .sitters && state.cursorSitter?.name == "Maya Okafor", "Enter keeps it")
    }
}

/// Issue 14: `R` composes a reply in `$EDITOR`; what was saved is sent after a question.
@Suite struct EditorComposeTests {
    @Test func rAsksTheRunnerForTheEditorAndTheSavedTextIsSentAfterAQuestion() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        let fang = try #require(state.selectedThread)
        try Fixture.press(.character("r"), &state, store)
        try ComposeTests.type("draft", &state, store)
        try Fixture.press(.escape, &state, store)
        var driver = ConsoleDriver(state: state, store: store)
        #expect(driver.send(.composeInEditor) == [.editInEditor(threadId: fang.id, draft: "draft")], "the draft goes to the editor")
        let request = driver.takeEditorRequest()
        #expect(request?.threadId == fang.id && request?.draft == "draft")
        #expect(driver.takeEditorRequest() == nil, "taken once")
        state = driver.state
        try Fixture.send(.editorFinished(threadId: fang.id, text: "Line one\nline two 🐾\u{1b}[2J\n"), to: &state, store)
        #expect(state.confirmation?.question == "Send this reply (20 characters, 1 SMS) to 王芳 (Fang Wang)?")
        #expect(try Fixture.press(.character("y"), &state, store) == [.reply(threadId: fang.id, body: "Line one\nline two 🐾")])
        try Fixture.send(.editorFinished(threadId: fang.id, text: nil), to: &state, store)
        #expect(state.notice?.text.hasPrefix("The editor did not run") == true)
        try Fixture.send(.editorFinished(threadId: fang.id, text: "  \n"), to: &state, store)
        #expect(state.notice?.text == "Nothing sent: the reply was empty.")
    }
}

/// Issue 14: whole screens of the new prompts and marks, as text.
@Suite struct SecondGenerationSnapshotTests {
    @Test func questionTagsAndReplyCounterScreens() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        // Tags on two threads, and the question y asks about Diego's chat.
        try Fixture.press(.character(" "), &state, store)
        try Fixture.press(.character(" "), &state, store)
        try Fixture.press(.character("y"), &state, store)
        #expect(state.confirmation?.question == "YES as Diego Ramírez, who has no pending offer?")
        var grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "question-and-tags") { Issue.record("\(mismatch)") }
        try Fixture.press(.escape, &state, store)
        try Fixture.press(.escape, &state, store)
        // A reply being typed, its cursor moved back, the segment counter in the hints.
        try Fixture.press(.character("g"), &state, store)
        try Fixture.press(.character("r"), &state, store)
        try ComposeTests.type("On my way, see you at 9 🐾", &state, store)
        for _ in 0..<3 { try Fixture.press(.left, &state, store) }
        grid = render(state, size: state.size)
        if let mismatch = try snapshotMismatch(grid, named: "reply-with-counter") { Issue.record("\(mismatch)") }
        #expect(grid.lines[39].contains("26/70 · 1 SMS · UCS-2"))
    }
}
