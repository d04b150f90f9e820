import PostgresNIO

/// One org on a migrated PostgreSQL database, written with raw SQL as the owner: two
/// sitters with a client thread each, an unassigned client thread in the owner inbox, and
/// Maya's chat with the front desk (owner_sitter: the owner's mailbox, though it names her).
struct RowLevelSecurityFixture {
    var orgId: Int64 = 0
    var otherOrgId: Int64 = 0
    var mayaId: Int64 = 0
    var diegoId: Int64 = 0
    var bookingId: Int64 = 0
    var mayaThreadId: Int64 = 0
    var diegoThreadId: Int64 = 0
    var ownerThreadId: Int64 = 0
    var mayaChatThreadId: Int64 = 0

    static func make(_ connection: PostgresConnection) async throws -> RowLevelSecurityFixture {
        var fixture = RowLevelSecurityFixture()
        func id(_ query: PostgresQuery) async throws -> Int64 {
            for try await value in try await connection.query(query, logger: PostgresTestServer.logger).decode(Int64.self) {
                return value
            }
            throw HarnessError("no id returned")
        }
        fixture.orgId = try await id("INSERT INTO org (name) VALUES ('Harbor Hounds') RETURNING id")
        fixture.otherOrgId = try await id("INSERT INTO org (name) VALUES ('Other Paws') RETURNING id")
        let org = fixture.orgId
        fixture.mayaId = try await id("INSERT INTO sitter (org_id, name, phone_e164) VALUES (\(org), 'Maya Okafor', '+15550200101') RETURNING id")
        fixture.diegoId = try await id("INSERT INTO sitter (org_id, name, phone_e164) VALUES (\(org), 'Diego Ramírez', '+15550200102') RETURNING id")
        let zoe = try await id("INSERT INTO client (org_id, name, phone_e164) VALUES (\(org), 'Zoë Whitfield', '+15550401001') RETURNING id")
        let omar = try await id("INSERT INTO client (org_id, name, phone_e164) VALUES (\(org), 'Omar Haddad', '+15550401002') RETURNING id")
        _ = try await id("INSERT INTO message_number (org_id, e164, number_class) VALUES (\(org), '+15550100100', 'front_desk') RETURNING id")
        _ = try await id(
            "INSERT INTO message_number (org_id, e164, number_class, assigned_sitter_id) VALUES (\(org), '+15550300101', 'sitter', \(fixture.mayaId)) RETURNING id")
        fixture.bookingId = try await id(
            """
            INSERT INTO booking (org_id, code, client_id, service, starts_at, ends_at, status)
            VALUES (\(org), 'B1', \(omar), 'Dog walk', now() + interval '1 day', now() + interval '1 day 1 hour', 'open') RETURNING id
            """)
        func thread(_ sitter: Int64?, _ scope: String, client: Int64?, counterpart: String, masked: String, unread: Int64) async throws -> Int64 {
            try await id(
                """
                INSERT INTO message_thread (org_id, assigned_sitter_id, scope, client_id, counterpart_e164, masked_number_e164,
                    number_class, created_at, last_message_at, unread)
                VALUES (\(org), \(sitter), \(scope), \(client), \(counterpart), \(masked), 'sitter', now(), now(), \(unread)) RETURNING id
                """)
        }
        fixture.mayaThreadId = try await thread(fixture.mayaId, "client_general", client: zoe, counterpart: "+15550401001", masked: "+15550300101", unread: 1)
        fixture.diegoThreadId = try await thread(fixture.diegoId, "client_booking", client: omar, counterpart: "+15550401002", masked: "+15550300102", unread: 1)
        fixture.ownerThreadId = try await thread(nil, "client_general", client: omar, counterpart: "+15550401002", masked: "+15550100100", unread: 0)
        fixture.mayaChatThreadId = try await thread(fixture.mayaId, "owner_sitter", client: nil, counterpart: "+15550200101", masked: "+15550100100", unread: 0)
        for (thread, body) in [
            (fixture.mayaThreadId, "Hi Maya, can you walk Gus?"), (fixture.diegoThreadId, "Diego, Rex needs a walk"),
            (fixture.ownerThreadId, "Who do I talk to?"), (fixture.mayaChatThreadId, "Maya to the front desk"),
        ] {
            _ = try await id(
                """
                INSERT INTO message_event (org_id, thread_id, direction, actor_type, body, created_at)
                VALUES (\(org), \(thread), 'inbound', 'client', \(body), now()) RETURNING id
                """)
        }
        return fixture
    }
}
