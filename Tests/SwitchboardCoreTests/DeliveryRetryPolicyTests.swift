import SwitchboardCore
import Testing

@Suite struct DeliveryRetryPolicyTests {
    @Test func theDelayDoublesUpToItsCapAndEndsAfterTheLastAttempt() {
        let policy = DeliveryRetryPolicy(firstDelay: 5, maximumDelay: 300, maximumAttempts: 8)
        let delays = (1...8).map { policy.delay(afterAttempt: $0) }
        #expect(delays == [5, 10, 20, 40, 80, 160, 300, nil])
    }
}
