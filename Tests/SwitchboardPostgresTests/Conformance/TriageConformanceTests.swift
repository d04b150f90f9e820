import Foundation
import SwitchboardCore
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// The owner's triage on either engine: a thread assigned moves mailbox, and its counters
/// with it; unassigned, it comes back.
@Suite struct TriageConformanceTests {
    @Test(arguments: Engine.allCases) func assigningMovesTheThreadAndItsCounts(engine: Engine) async throws {
        try await withFreshStore(engine) { store in
            let summary = try await store.importFile(atPath: demoImportPath)
            let org = summary.orgId
            let thread = try #require(try store.read { reads in
                try reads.threads(in: .owner, of: org, page: Page(offset: 0, limit: 50)).first(where: \.isUnassigned)
            })
            let sitter = try #require(try store.read { try $0.sitters(of: org) }.first?.id)
            let (ownerBefore, sitterBefore, unassignedBefore) = try store.read { reads in
                (try reads.threadCount(in: .owner, of: org), try reads.threadCount(in: .sitter(sitter), of: org),
                 try reads.unassignedThreadCount(of: org))
            }
            let assigned = try await store.assignThread(thread.id, to: sitter)
            #expect(assigned.assignedSitterId == sitter && assigned.mailbox == .sitter(sitter))
            let after = try store.read { reads in
                (try reads.threadCount(in: .owner, of: org), try reads.threadCount(in: .sitter(sitter), of: org),
                 try reads.unassignedThreadCount(of: org), try reads.isThread(thread.id, in: .sitter(sitter)))
            }
            #expect(after.0 == ownerBefore - 1 && after.1 == sitterBefore + 1 && after.2 == unassignedBefore - 1 && after.3)
            _ = try await store.assignThread(thread.id, to: nil)
            #expect(try store.read { try $0.threadCount(in: .owner, of: org) } == ownerBefore)
            await #expect(throws: StoreError.self) { try await store.assignThread(thread.id, to: 999_999) }
            await #expect(throws: StoreError.self) { try await store.assignThread(999_999, to: sitter) }
        }
    }

    @Test(arguments: Engine.allCases) func theMetricsReportMatchesSQLites(engine: Engine) async throws {
        let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))
        let oracle = try AppDatabase.makeEmpty(clock: clock)
        try await oracle.importFile(atPath: demoImportPath)
        func lines(_ report: [OrgMetrics]) -> [String] {
            report.flatMap { org in org.rows.map { "\(org.org.name) \($0.sitter.name) \($0.window.tier) \($0.window.metrics)" } }
        }
        let expected = lines(try await oracle.metricsReport(storing: false))
        try await withFreshStore(engine, clock: clock) { store in
            try await store.importFile(atPath: demoImportPath)
            #expect(lines(try await store.metricsReport(storing: false)) == expected)
            #expect(lines(try await store.metricsReport(orgName: "Pawsitive Pet Sitting Co.", storing: true)) == expected)
            let error = await #expect(throws: StoreError.self) { try await store.metricsReport(orgName: "Nope", storing: false) }
            #expect(error?.message == "No org is named \"Nope\": the orgs are \"Pawsitive Pet Sitting Co.\".")
        }
    }

    @Test(arguments: Engine.allCases) func namedRecordsAreFoundTheSameWay(engine: Engine) async throws {
        let clock = WallClock.fixed(Date(timeIntervalSince1970: 1_790_000_000))
        let oracle = try AppDatabase.makeEmpty(clock: clock)
        let org = try await oracle.importFile(atPath: demoImportPath).orgId
        try await withFreshStore(engine, clock: clock) { store in
            _ = try await store.importFile(atPath: demoImportPath)
            for reference in [RecordReference.name("maya"), .name("diego"), .id(2), .phone("+15550200102")] {
                #expect(try store.findSitter(reference, orgId: org) == oracle.findSitter(reference, orgId: org))
            }
            for reference in [RecordReference.name("Nobody"), .id(999), .name("a")] {
                let wanted = #expect(throws: StoreError.self) { try oracle.findSitter(reference, orgId: org) }
                let got = #expect(throws: StoreError.self) { try store.findSitter(reference, orgId: org) }
                #expect(got?.message == wanted?.message)
            }
            let target = try store.offerTarget(code: "b1040", sitter: .name("maya"), orgId: org)
            #expect(target == (try oracle.offerTarget(code: "b1040", sitter: .name("maya"), orgId: org)))
            #expect(try store.replyThread(id: 3, orgId: org) == oracle.replyThread(id: 3, orgId: org))
            #expect(throws: StoreError.self) { try store.replyThread(id: 9_999, orgId: org) }
            #expect(throws: StoreError.self) { try store.offerTarget(code: "B9999", sitter: .name("maya"), orgId: org) }
        }
    }
}
