import Foundation
import PostgresNIO
import Synchronization
import SwitchboardPostgres
import SwitchboardStore
import Testing

/// The console reads synchronously from a thread of its own: the bridge waits there, and
/// refuses to wait on an event loop, where it would deadlock.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "SWITCHBOARD_TEST_POSTGRES is not set"))
struct BlockingBridgeTests {
    @Test func aPlainThreadWaitsForTheAnswer() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let answer = Mutex<Result<Int, any Error>?>(nil)
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    let result = Result { try database.blocking { 6 * 7 } }
                    answer.withLock { $0 = result }
                    done.resume()
                }
                thread.start()
            }
            #expect(try answer.withLock { $0! }.get() == 42)
            await database.close()
        }
    }

    @Test func anEventLoopIsRefused() async throws {
        try await PostgresTestServer.withFreshDatabase { location in
            let database = try await PostgresDatabase.open(location)
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let refusal = try await loop.submit { () -> String? in
                do {
                    _ = try database.blocking { 1 }
                    return nil
                } catch {
                    return "\(error)"
                }
            }.get()
            #expect(refusal?.contains("on an event loop") == true)
            await database.close()
        }
    }
}
