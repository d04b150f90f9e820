import ArgumentParser
import Foundation
import SwitchboardBench
import SwitchboardPostgres
import SwitchboardStore

struct BenchConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Time console frames of the busiest screens, the first frame from a cold start, and peak memory.",
        discussion: """
            A frame is what the console does for every screen update: read the visible rows, \
            apply them, render the 120×40 grid. With --compare, the same screens of a second \
            database are timed in the same run, a frame of one then a frame of the other, and \
            the ratios printed (e.g. a 1,000,000-message database against a 10,000-message one).
            """
    )

    @Option(help: ArgumentHelp("The database to read (made by `bench gen`).", valueName: "path")) var db: String
    @Option(help: ArgumentHelp("A second database to time in the same run, for a ratio.", valueName: "path"))
    var compare: String?
    @Option(help: "Timed frames per screen (with the default, ten frames are slower than p99).") var frames: Int = 1000
    @Option(help: "How many runs (each times every screen, of --db and --compare in turn); the medians are printed last.")
    var runs: Int = 1

    @Flag(help: "Only the cold start: print the time from exec to the first frame, and exit (run it several times).")
    var cold = false

    func validate() throws {
        guard frames >= 10 else { throw ValidationError("--frames must be 10 or more, so percentiles mean something.") }
        guard (1...50).contains(runs) else { throw ValidationError("--runs must be between 1 and 50.") }
        for path in [db] + (compare.map { [$0] } ?? [])
        where !PostgresLocation.isPostgresURL(path) && !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path) does not exist; make one with `switchboard bench gen --db \(path)`.")
        }
    }

    func run() async throws {
        // Cold start: from exec to the first frame of the owner inbox on --db.
        // (Finding the busiest screens scans the file: that comes after, as the console never does it.)
        let store = try await DatabaseOptions.open(db, mustExist: true)
        let bench = FrameBench(store: store, path: db)
        try bench.frame(bench.ownerInbox())
        let coldStart = ProcessFigures.millisecondsSinceStart()
        if cold {
            // /proc's start time counts in 10 ms ticks: the wall time of the first frame lets a
            // caller that noted when it started the process measure exactly.
            print(String(format: "cold start to first frame: %.0f ms", coldStart ?? .nan))
            print(String(format: "first frame at unix time %.6f", Date().timeIntervalSince1970))
            return
        }

        var compareBench: FrameBench?
        if let compare { compareBench = FrameBench(store: try await DatabaseOptions.open(compare, mustExist: true), path: compare) }
        print("frame times, 120×40 (read visible rows + reduce + render), \(frames) frames per screen, \(runs) run(s):")
        var measured: [(timings: [FrameBench.Timing], compared: [FrameBench.Timing]?)] = []
        for run in 1...runs {
            let (timings, compared): ([FrameBench.Timing], [FrameBench.Timing]?) =
                if let compareBench { try bench.measure(frames: frames, beside: compareBench) } else { (try bench.measure(frames: frames), nil) }
            measured.append((timings, compared))
            if runs > 1 { print("run \(run):") }
            print(lines(timings, compared).joined(separator: "\n"))
        }
        if runs > 1 {
            // Per screen, the median of each figure over the runs.
            func median(_ figure: (FrameBench.Timing) -> Double, _ side: (Int) -> [FrameBench.Timing]?) -> [Double] {
                guard let first = side(0) else { return [] }
                return first.indices.map { screen in Statistics.median(measured.indices.compactMap { side($0)?[safe: screen].map(figure) }) }
            }
            let main: (Int) -> [FrameBench.Timing]? = { measured[$0].timings }
            let other: (Int) -> [FrameBench.Timing]? = { measured[$0].compared }
            let (p50, p99) = (median(\.p50Ms, main), median(\.p99Ms, main))
            let (otherP50, otherP99) = (median(\.p50Ms, other), median(\.p99Ms, other))
            func ratios(_ figure: (FrameBench.Timing) -> Double) -> [Double] {
                measured[0].timings.indices.map { screen in
                    Statistics.median(measured.compactMap { run in
                        guard let other = run.compared?[safe: screen] else { return nil }
                        return figure(run.timings[screen]) / figure(other)
                    })
                }
            }
            let (ratiosP50, ratiosP99) = (ratios(\.p50Ms), ratios(\.p99Ms))
            print("median of \(runs) runs (each ratio is the median of the runs' ratios):")
            for (index, timing) in measured[0].timings.enumerated() {
                let name = timing.screen.padding(toLength: 24, withPad: " ", startingAt: 0)
                var line = "  " + name + String(format: " p50 %.3f ms  p99 %.3f ms", p50[index], p99[index])
                if let oP50 = otherP50[safe: index], let oP99 = otherP99[safe: index] {
                    line += String(
                        format: "   | --compare p50 %.3f ms  p99 %.3f ms  ratio p50 %.2f×  ratio p99 %.2f×", oP50, oP99,
                        ratiosP50[index], ratiosP99[index])
                }
                print(line)
            }
        }
        if let coldStart { print(String(format: "cold start to first frame: %.0f ms", coldStart)) }
        print(String(format: "peak memory: %.1f MiB", ProcessFigures.peakMemoryMiB()))
    }

    /// One line per screen: p50 and p99, and beside them the compared database's and the ratio.
    private func lines(_ timings: [FrameBench.Timing], _ compared: [FrameBench.Timing]?) -> [String] {
        timings.enumerated().map { index, timing in
            let name = timing.screen.padding(toLength: 24, withPad: " ", startingAt: 0)
            var line = "  " + name + String(format: " p50 %.3f ms  p99 %.3f ms", timing.p50Ms, timing.p99Ms)
            if let other = compared?[safe: index] {
                line += String(
                    format: "   | --compare p50 %.3f ms  p99 %.3f ms  ratio p50 %.2f×  ratio p99 %.2f×", other.p50Ms, other.p99Ms,
                    timing.p50Ms / other.p50Ms, timing.p99Ms / other.p99Ms)
            }
            return line
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
