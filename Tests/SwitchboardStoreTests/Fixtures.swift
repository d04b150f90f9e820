import Foundation
import GRDB
import SwitchboardCore
@testable import SwitchboardStore

/// The package root, found from this file's path, so tests read `Data/` wherever they run.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let demoFilePath = packageRoot.appendingPathComponent("Data/demo.json").path

/// A fresh empty database in a temporary folder, as a WAL pool (the production setup).
func makeTemporaryDatabase(clock: WallClock = .system) throws -> (AppDatabase, String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("test.sqlite").path
    return (try AppDatabase.open(path: path, clock: clock), path)
}

/// An org with one sitter (with a masked number) and one client, saved in `db`.
struct SmallWorld {
    var org: Org
    var sitter: Sitter
    var client: Client
    var frontDesk: MessageNumber
    var sitterNumber: MessageNumber

    static func make(_ db: Database) throws -> SmallWorld {
        var org = Org(name: "Test Org")
        try org.insert(db)
        var sitter = Sitter(orgId: org.id!, name: "Maya", phoneE164: "+15550000001")
        try sitter.insert(db)
        var client = Client(orgId: org.id!, name: "Zoë", phoneE164: "+15550000002")
        try client.insert(db)
        var frontDesk = MessageNumber(orgId: org.id!, e164: "+15550000100", numberClass: .frontDesk)
        try frontDesk.insert(db)
        var sitterNumber = MessageNumber(orgId: org.id!, e164: "+15550000101", numberClass: .sitter, assignedSitterId: sitter.id)
        try sitterNumber.insert(db)
        return SmallWorld(org: org, sitter: sitter, client: client, frontDesk: frontDesk, sitterNumber: sitterNumber)
    }
}

/// A second, small org to import next to `Data/demo.json`: one database, two businesses.
let secondOrgJSON = #"""
    {
      "org": {"name": "Harbor Hounds", "front_desk": "+15550100200"},
      "sitters": [
        {"key": "sam", "name": "Sam Lee", "phone": "+15550200201", "masked_number": "+15550300201"},
        {"key": "ana", "name": "Ana Ruiz", "phone": "+15550200202", "masked_number": "+15550300202"}
      ],
      "clients": [
        {"key": "olu", "name": "Olu Adeyemi", "phone": "+15550402001"}
      ],
      "threads": [
        {"scope": "client_general", "client": "olu", "sitter": "sam", "messages": [
          {"from": "client", "at": "2 hours ago", "body": "Is Friday's harbor walk still on?"},
          {"from": "sitter", "at": "1 hour ago", "body": "Yes, 8am."}
        ]}
      ]
    }
    """#

/// The demo org, then ``secondOrgJSON``, imported into `store`.
func importDemoAndSecondOrg(into store: AppDatabase) async throws {
    _ = try await store.importFile(atPath: demoFilePath)
    _ = try await store.importFile(try ImportFile.decode(Data(secondOrgJSON.utf8), file: "second-org.json"), name: "second-org.json")
}
