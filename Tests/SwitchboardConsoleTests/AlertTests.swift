import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import Testing

/// What the terminal's title and bell count: the unread threads of the mailbox the console
/// is for.
@Suite struct AlertTests {
    @Test func theTitleCountsTheOwnerInboxOrHerOwnMailbox() async throws {
        let store = try await Fixture.makeStore()
        let owner = try Fixture.state(store)
        #expect(owner.unreadForTitle == owner.data.ownerUnread && owner.unreadForTitle == 2)
        #expect(owner.terminalTitle == "Switchboard (2)")

        let yuki = try store.read { try $0.sitter(named: "yuki") }
        let hers = try Fixture.state(store, viewer: .sitter(id: yuki.id!, name: yuki.name))
        #expect(hers.unreadForTitle == 0)
        #expect(hers.terminalTitle == "Switchboard · 田中 ゆき (Yuki)", "nothing waits for her: no count")
    }

    @Test func theBellRingsOnlyWhenMoreThreadsAreUnreadThanAtTheLastFrame() {
        var rule = ConsoleState.BellRule()
        let rings = [5, 5, 6, 4, 5].map { rule.shouldRing(unread: $0) }
        // Never for what waited before the console opened; reading is not arriving.
        #expect(rings == [false, false, true, false, true])
    }
}
