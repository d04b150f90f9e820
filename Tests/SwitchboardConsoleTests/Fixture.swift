import Foundation
import GRDB
import Testing
import SwitchboardConsole
import SwitchboardCore
@testable import SwitchboardStore

/// A small org whose texts carry what a console must survive: CJK and emoji names, an SMS
/// full of escape sequences, bidi overrides and zero-width characters. Times are relative
/// to a fixed clock, so every render is the same.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let json = #"""
        {
          "org": {"name": "Pawsitive Test Co.", "front_desk": "+15550100100", "time_zone": "America/Chicago"},
          "sitters": [
            {"key": "maya", "name": "Maya Okafor", "phone": "+15550200101", "masked_number": "+15550300101"},
            {"key": "yuki", "name": "田中 ゆき (Yuki)", "phone": "+15550200105", "masked_number": "+15550300105"},
            {"key": "diego", "name": "Diego Ramírez", "phone": "+15550200102", "masked_number": "+15550300102"}
          ],
          "clients": [
            {"key": "fang", "name": "王芳 (Fang Wang)", "phone": "+15550401005"},
            {"key": "zoe", "name": "Zoë Whitfield", "phone": "+15550401001"},
            {"key": "evil", "name": "Mallory \u001b[31mRED\u001b[0m \u202egnp.exe", "phone": "+15550401099"}
          ],
          "bookings": [
            {"code": "B1042", "client": "zoe", "service": "Dog walk", "starts": "in 1 day", "ends": "in 1 day 1 hour", "status": "assigned", "sitter": "maya"},
            {"code": "B1050", "client": "fang", "service": "Cat visit", "starts": "in 2 days", "ends": "in 2 days 1 hour"}
          ],
          "offers": [
            {"booking": "B1050", "sitter": "yuki", "offered": "10 minutes ago", "expires": "in 2 hours"}
          ],
          "threads": [
            {"scope": "client_general", "client": "fang", "unread": 1, "messages": [
              {"from": "client", "at": "5 minutes ago", "body": "Hi 🐶 can you walk Mochi on Tuesday? 你好，谢谢！"}
            ]},
            {"scope": "client_general", "client": "evil", "unread": 1, "messages": [
              {"from": "client", "at": "20 minutes ago", "body": "\u001b]0;pwned\u0007\u001b[2J\u001b[31mALERT\u001b[0m\r\nclick\u200b here \u202etxt.exe\u0007\u009b31m!"}
            ]},
            {"scope": "owner_sitter", "sitter": "diego", "messages": [
              {"from": "sitter", "at": "2 hours ago", "body": "Running 10 min late, traffic on 5th."}
            ]},
            {"scope": "client_booking", "client": "zoe", "sitter": "maya", "booking": "B1042", "messages": [
              {"from": "client", "at": "1 day ago", "body": "Can you come at 9 instead of 10?"},
              {"from": "sitter", "at": "23 hours ago", "body": "Yes, 9 works — see you then ☀️"}
            ]},
            {"scope": "internal", "messages": [
              {"from": "owner", "at": "3 days ago", "body": "Weekly summary: 42 visits, 0 incidents."}
            ]}
          ]
        }
        """#

    /// A second, small org for the same database: one database can serve several businesses.
    static let secondOrgJSON = #"""
        {
          "org": {"name": "Harbor Hounds", "front_desk": "+15550100200"},
          "sitters": [
            {"key": "sam", "name": "Sam Lee", "phone": "+15550200201", "masked_number": "+15550300201"}
          ],
          "clients": [
            {"key": "olu", "name": "Olu Adeyemi", "phone": "+15550402001"}
          ],
          "threads": [
            {"scope": "client_general", "client": "olu", "unread": 1, "messages": [
              {"from": "client", "at": "3 minutes ago", "body": "Is Friday's harbor walk still on?"}
            ]}
          ]
        }
        """#

    /// The fixture in a fresh in-memory database; with `secondOrg`, ``secondOrgJSON`` too.
    static func makeStore(secondOrg: Bool = false) async throws -> AppDatabase {
        let store = try AppDatabase.makeEmpty(clock: .fixed(now))
        let file = try ImportFile.decode(Data(json.utf8), file: "fixture.json")
        _ = try await store.importFile(file, name: "fixture.json")
        if secondOrg {
            let second = try ImportFile.decode(Data(secondOrgJSON.utf8), file: "second-org.json")
            _ = try await store.importFile(second, name: "second-org.json")
        }
        return store
    }

    /// A console state of `size` showing what `store` holds, as the event loop would build it:
    /// apply the action, then read the screen the state asks for.
    static func state(
        _ store: AppDatabase, size: Size = Size(width: 120, height: 40), listener: ListenerInfo = demoListener,
        viewer: Viewer = .owner
    ) throws -> ConsoleState {
        var state = ConsoleState(size: size, listener: listener, viewer: viewer, startedAt: now)
        try reload(&state, store)
        return state
    }

    static let demoListener = ListenerInfo(address: "http://127.0.0.1:8080", demoToken: "demo-0123456789abcdef")

    /// Reads the screen `state` asks for, through the console's driver.
    static func reload(_ state: inout ConsoleState, _ store: AppDatabase) throws {
        var driver = ConsoleDriver(state: state, store: store)
        try driver.reload(now: now)
        state = driver.state
    }

    /// Applies an action the way the event loop does, through the same driver: reduce, then
    /// read again when the action asked for it. Operator actions are returned, not run.
    @discardableResult
    static func send(_ action: Action, to state: inout ConsoleState, _ store: AppDatabase) throws -> [Effect] {
        var driver = ConsoleDriver(state: state, store: store)
        let effects = driver.send(action)
        try driver.reloadIfNeeded(now: now)
        state = driver.state
        return effects
    }

    /// Presses a key: the key map, then ``send(_:to:_:)``.
    @discardableResult
    static func press(_ key: Key, _ state: inout ConsoleState, _ store: AppDatabase) throws -> [Effect] {
        guard let action = KeyMap.action(for: key, in: state) else { return [] }
        return try send(action, to: &state, store)
    }

    /// Offers a new open booking (for Zoë, a dog walk of an hour) to the sitter named, pending
    /// for two hours. Returns the sitter's id.
    @discardableResult
    static func addPendingOffer(_ store: AppDatabase, code: String, sitter name: String, startsIn: TimeInterval) async throws -> RowID {
        let (bookingId, sitterId) = try await store.writer.write { db -> (RowID, RowID) in
            let sitter = try #require(try Sitter.filter(sql: "name = ?", arguments: [name]).fetchOne(db))
            let client = try #require(try Client.filter(sql: "name = ?", arguments: ["Zoë Whitfield"]).fetchOne(db))
            var booking = Booking(
                orgId: sitter.orgId, code: code, clientId: client.id!, service: "Dog walk", startsAt: now.addingTimeInterval(startsIn),
                endsAt: now.addingTimeInterval(startsIn + 3600))
            try booking.insert(db)
            return (booking.id!, sitter.id!)
        }
        _ = try await store.createOffer(bookingId: bookingId, sitterId: sitterId, expiresAt: now.addingTimeInterval(7200))
        return sitterId
    }

    /// Stores an unrouted text (to a number that is not ours), as the listener would.
    static func addUnrouted(_ store: AppDatabase, from: String, to: String, body: String) async throws {
        let form = FormParameters(["From": from, "To": to, "Body": body, "MessageSid": "SM\(from.suffix(4))"])
        try await store.writer.write { db in
            var receipt = WebhookReceipt(
                path: "/api/twilio/inbound", messageSid: "SM\(from.suffix(4))", dedupeKey: "SM\(from.suffix(4))",
                rawBody: form.encoded(), headers: "{}", verdict: .unrouted, statusCode: 200, responseBody: "<Response/>",
                createdAt: now.addingTimeInterval(-120))
            try receipt.insert(db)
            try AppDatabase.tally(db, .unrouted, at: now.addingTimeInterval(-120))
        }
    }
}

/// Compares a render with a stored snapshot in `Snapshots/NAME.txt`. With
/// `SNAPSHOT_RECORD=1` the snapshot is written instead (review the diff before committing).
func snapshotMismatch(_ grid: Grid, named name: String, file: StaticString = #filePath) throws -> String? {
    let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        .appendingPathComponent("Snapshots").appendingPathComponent("\(name).txt")
    let actual = grid.text + "\n"
    if ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return nil
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        return "no snapshot at \(url.path); run with SNAPSHOT_RECORD=1 to write it"
    }
    if expected == actual { return nil }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var report = ["snapshot \(name) differs:"]
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let e = index < expectedLines.count ? String(expectedLines[index]) : "<none>"
        let a = index < actualLines.count ? String(actualLines[index]) : "<none>"
        if e != a { report += ["line \(index + 1):", "  expected: \(e)", "  actual:   \(a)"] }
    }
    return report.joined(separator: "\n")
}
