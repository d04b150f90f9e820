import PostgresNIO
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// `switchboard roles sync`: a role per active sitter, the roles of those who left dropped.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct SitterRolesTests {
    func roles(_ location: PostgresLocation) async throws -> [String] {
        try await PostgresTestServer.connect(location) { connection in
            var names: [String] = []
            let pattern = "^\(location.database)_sitter_"
            for try await name in try await connection.query(
                "SELECT rolname::text FROM pg_roles WHERE rolname ~ \(pattern) ORDER BY rolname", logger: PostgresTestServer.logger
            ).decode(String.self) {
                names.append(name)
            }
            return names
        }
    }

    @Test func syncAddsAndDropsRoles() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            defer { Task { await database.close() } }
            let fixture = try await PostgresTestServer.connect(location) { try await RowLevelSecurityFixture.make($0) }
            let maya = SitterRoles.roleName(database: location.database, sitterId: fixture.mayaId)
            let diego = SitterRoles.roleName(database: location.database, sitterId: fixture.diegoId)

            let first = try await SitterRoles.sync(database)
            #expect(first == .init(created: [maya, diego], dropped: [], kept: []))
            #expect(try await roles(location) == [maya, diego].sorted())

            // Again: nothing to do.
            let second = try await SitterRoles.sync(database)
            #expect(second == .init(created: [], dropped: [], kept: [maya, diego]))

            // Diego leaves, Ana joins.
            let anaId: Int64 = try await PostgresTestServer.connect(location) { connection in
                try await connection.query("UPDATE sitter SET active = false WHERE id = \(fixture.diegoId)", logger: PostgresTestServer.logger).consume()
                for try await id in try await connection.query(
                    "INSERT INTO sitter (org_id, name, phone_e164) VALUES (\(fixture.orgId), 'Ana Ruiz', '+15550200999') RETURNING id",
                    logger: PostgresTestServer.logger
                ).decode(Int64.self) { return id }
                throw HarnessError("no id")
            }
            let ana = SitterRoles.roleName(database: location.database, sitterId: anaId)
            let third = try await SitterRoles.sync(database)
            #expect(third == .init(created: [ana], dropped: [diego], kept: [maya]))
            #expect(try await roles(location) == [ana, maya].sorted())

            // A dropped role cannot log in any more.
            var asDiego = location
            asDiego.user = diego
            await #expect(throws: (any Error).self) {
                try await PostgresTestServer.connect(asDiego) { _ in }
            }
        }
    }

    @Test func aDatabaseNameThatCannotNameARoleIsRefused() async throws {
        let server = try PostgresTestServer.server()
        let name = "SB-Test-\(UInt32.random(in: 0...UInt32.max))"
        try await PostgresTestServer.admin(server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: PostgresTestServer.logger).consume()
        }
        defer {
            Task {
                try? await PostgresTestServer.admin(server) { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: PostgresTestServer.logger).consume()
                }
            }
        }
        let database = try await PostgresDatabase.open(server.with(database: name))
        do {
            _ = try await SitterRoles.sync(database)
            Issue.record("a role named after \(name) was attempted")
        } catch let error as StoreError {
            #expect(error.message.contains("use a database named with lowercase letters, digits and _"))
        }
        await database.close()
    }
}
