import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// SPEC §9: `serve` publishes itself in the database; attached consoles read whether it is up.
@Suite struct PresenceTests {
    @Test("Given a published listener, it is up while its heartbeat is fresh, down since its stop or its last heartbeat")
    func upThenDown() async throws {
        let clock = ManualClock()
        let store = try AppDatabase.makeEmpty(clock: clock.wallClock)
        #expect(try store.listenerState() == .down(since: nil), "no listener ever ran")

        let started = clock.now.storedPrecision
        let id = try await store.publishListener(address: "http://127.0.0.1:8080", publicURL: "https://sb.example.com", pid: 42)
        #expect(try store.listenerState() == .up(address: "http://127.0.0.1:8080", publicURL: "https://sb.example.com", pid: 42, since: started))

        clock.advance(by: AppDatabase.heartbeatInterval)
        try await store.heartbeat(listenerId: id)
        let lastBeat = clock.now.storedPrecision
        clock.advance(by: AppDatabase.heartbeatTimeout)
        #expect(try store.listenerState().isUp, "a heartbeat within the timeout keeps it up")
        clock.advance(by: 1)
        #expect(try store.listenerState() == .down(since: lastBeat), "killed without a word: down since its last heartbeat")

        let restarted = try await store.publishListener(address: "http://127.0.0.1:8081", publicURL: "http://127.0.0.1:8081", pid: 43)
        #expect(try store.listenerState().isUp)
        clock.advance(by: 2)
        try await store.retireListener(id: restarted)
        #expect(try store.listenerState() == .down(since: clock.now.storedPrecision), "a graceful stop is recorded")
    }
}
