import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Synchronization
import Testing

/// The console's driver (the one read → loaded → render loop) and the operator actions it
/// hands on: assign and mark-read go through ``OperatorActions`` like every other action.
@Suite struct DriverTests {
    @Test("Given the driver, when Enter opens an unread thread and a picker assigns it, then both run through OperatorActions")
    func assignAndMarkReadGoThroughOperatorActions() async throws {
        let store = try await Fixture.makeStore()
        let handed = Mutex<[Effect]>([])
        var driver = ConsoleDriver(
            state: ConsoleState(size: Size(width: 120, height: 40), startedAt: Fixture.now), store: store,
            perform: { effect in handed.withLock { $0.append(effect) } })
        try driver.reload(now: Fixture.now)
        let thread = try #require(driver.state.selectedThread)
        #expect(thread.thread.unread > 0)

        driver.send(.open)  // the owner pane → its thread list
        driver.send(.open)  // the thread → the message view, marked read
        driver.send(.startAssign)
        try driver.reloadIfNeeded(now: Fixture.now)
        driver.send(.moveDown)
        driver.send(.moveDown)
        driver.send(.submit)
        let maya = try #require(driver.state.data.sitters.first { $0.name == "Maya Okafor" }?.id)
        let effects = handed.withLock { $0 }
        #expect(effects == [.markRead(threadId: thread.id), .assign(threadId: thread.id, sitterId: maya)])

        // When the actions run them, then the store changes and the answer names the sitter.
        let actions = ListenerlessActions(store: store)
        #expect(try await actions.perform(effects[0]) == nil)
        #expect(try await actions.perform(effects[1]) == "Assigned to Maya Okafor.")
        let stored = try #require(try store.read { try $0.thread(thread.id) })
        #expect(stored.unread == 0)
        #expect(stored.assignedSitterId == maya)
        // Without a listener, what needs Twilio's side says why it cannot run.
        await #expect(throws: ConsoleError.self) { try await actions.perform(.simulateAnswer(sitterId: maya, accept: true, code: nil)) }
    }

    @Test("Given a read holding escape sequences, when it is loaded, then the state holds clean text and bodies keep their line breaks")
    func loadedTextIsSanitisedOnce() async throws {
        let store = try await Fixture.makeStore()
        var state = try Fixture.state(store)
        // The owner inbox's second thread is Mallory's: select it.
        try Fixture.press(.enter, &state, store)
        try Fixture.press(.character("j"), &state, store)
        let evil = try #require(state.selectedThread)
        let texts = [evil.counterpartName, evil.lastBody ?? ""] + state.data.messages.map(\.body)
        for text in texts {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F..<0xA0).contains($0.value) }, "\(text)")
            #expect(!text.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x200B }, "\(text)")
        }
        #expect(evil.counterpartName.contains("Mallory RED"))
        #expect(state.data.messages.last?.body.contains("\n") == true, "the body's line break is kept for wrapping")
    }
}
