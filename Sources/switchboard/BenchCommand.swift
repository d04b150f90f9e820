import ArgumentParser
import Foundation
import SwitchboardBench
import SwitchboardStore

/// `switchboard bench …`: the benchmarks of issue 7. Build with `-c release` to measure.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: generate a large database, load the listener, time console frames.",
        discussion: "Measure with a release build: swift build -c release, then .build/release/switchboard bench …",
        subcommands: [BenchGenCommand.self, BenchIngestCommand.self, BenchConsoleCommand.self, BenchLiveCommand.self, BenchTortureCommand.self]
    )
}

struct BenchGenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate a realistic large database: sitters, clients, threads in every scope, history, links, offers."
    )

    @Option(help: "How many threads.") var threads: Int = 100_000
    @Option(help: "How many messages in all.") var messages: Int = 1_000_000
    @Option(help: "How many sitters (default: one per thousand threads, 6 to 200).") var sitters: Int?
    @Option(help: ArgumentHelp("The new database file to write.", valueName: "path")) var db: String

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be 1 or more.") }
        if let sitters, sitters < 1 { throw ValidationError("--sitters must be 1 or more.") }
        guard messages >= threads else { throw ValidationError("--messages must be at least --threads (every thread has a message).") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let summary = try DatabaseGenerator(plan: .init(threads: threads, messages: messages, sitters: sitters)).generate(at: db)
        let elapsed = ContinuousClock.now - started
        print("wrote \(db): \(summary) in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
    }
}
