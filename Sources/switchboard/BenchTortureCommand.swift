import ArgumentParser
import Foundation
import SwitchboardBench

struct BenchTortureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torture",
        abstract: "The listener's reliability figures: idle connections, a malformed corpus, a forged flood, redeliveries, memory.",
        discussion: """
            Runs against a listener on this machine (loopback only), started with `switchboard serve` \
            and the same TWILIO_AUTH_TOKEN; to see the connection cap under the common descriptor \
            limit, start it under `ulimit -n 1024`. Pass the listener's database (read only) and \
            its process id for the WAL, receipt and memory figures.
            """
    )

    @Option(help: "The listener's port on 127.0.0.1.") var port: Int
    @Option(help: ArgumentHelp("The listener's database, read for WAL size and receipt rows.", valueName: "path")) var db: String
    @Option(help: "The listener's process id, for its resident memory.") var pid: Int32?
    @Option(help: "Idle connections to hold.") var idle: Int = 1_100
    @Option(help: "Rounds of the malformed corpus.") var rounds: Int = 4
    @Option(help: "Malformed requests per round.") var perRound: Int = 2_500
    @Option(help: "Forged webhooks in the flood.") var flood: Int = 20_000
    @Option(help: "Redeliveries of one signed webhook.") var redeliveries: Int = 10_000

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be the listener's port, 1 to 65535.") }
        guard (0...5_000).contains(idle), (1...20).contains(rounds), (1...50_000).contains(perRound),
            (0...200_000).contains(flood), (0...100_000).contains(redeliveries)
        else {
            throw ValidationError("Keep the load bounded: --idle ≤ 5000, --rounds ≤ 20, --per-round ≤ 50000, --flood ≤ 200000, --redeliveries ≤ 100000.")
        }
    }

    func run() async throws {
        guard let token = ProcessInfo.processInfo.environment["TWILIO_AUTH_TOKEN"], !token.isEmpty else {
            throw ValidationError("Set TWILIO_AUTH_TOKEN to the listener's auth token; the real webhooks are signed with it.")
        }
        // This process holds the idle connections: it needs more descriptors than they are.
        var limits = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0, limits.rlim_cur < limits.rlim_max {
            limits.rlim_cur = limits.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
        }
        let torture = Torture(options: .init(
            host: "127.0.0.1", port: port, authToken: token, databasePath: db, pid: pid, idleConnections: idle,
            malformedRounds: rounds, malformedPerRound: perRound, floodRequests: flood, redeliveries: redeliveries))
        _ = await Task.detached { torture.run { print($0) } }.value
    }
}
