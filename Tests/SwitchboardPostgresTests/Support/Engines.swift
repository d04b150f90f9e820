import Foundation
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore

/// The engines the conformance suite runs on: each test takes one as its argument and gets a
/// fresh, empty, migrated store of it, so the same test proves the same behaviour on both.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    var description: String { rawValue }
}

/// Runs `body` with a fresh store of `engine`. PostgreSQL runs on a database of its own
/// (dropped after) when `SWITCHBOARD_TEST_POSTGRES` names a server; without one, the
/// PostgreSQL case returns at once (the harness prints why, and fails it under `CI=true`).
func withFreshStore(
    _ engine: Engine, clock: WallClock = .system, tierSettings: TierSettings = TierSettings(),
    _ body: (any Store) async throws -> Void
) async throws {
    switch engine {
    case .sqlite:
        try await body(AppDatabase.makeEmpty(clock: clock, tierSettings: tierSettings))
    case .postgres:
        guard PostgresTestServer.isConfigured else { return }
        try await PostgresTestServer.withFreshDatabase { location in
            let store = try await PostgresStore.open(location, clock: clock, tierSettings: tierSettings)
            do {
                try await body(store)
                await store.database.close()
            } catch {
                await store.database.close()
                throw error
            }
        }
    }
}

/// `Data/demo.json`, found from this file's path.
let demoImportPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Data/demo.json").path
