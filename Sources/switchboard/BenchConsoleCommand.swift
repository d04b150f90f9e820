import ArgumentParser
import Foundation
import SwitchboardBench
import SwitchboardStore

struct BenchConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Time console frames of the busiest screens, the first frame from a cold start, and peak memory.",
        discussion: """
            A frame is what the console does for every screen update: read the visible rows, \
            apply them, render the 120×40 grid. With --compare, the same screens of a second \
            database are timed in the same run and the ratio printed (e.g. a 1,000,000-message \
            database against a 10,000-message one).
            """
    )

    @Option(help: ArgumentHelp("The database to read (made by `bench gen`).", valueName: "path")) var db: String
    @Option(help: ArgumentHelp("A second database to time in the same run, for a ratio.", valueName: "path"))
    var compare: String?
    @Option(help: "Timed frames per screen.") var frames: Int = 300

    func validate() throws {
        guard frames >= 10 else { throw ValidationError("--frames must be 10 or more, so percentiles mean something.") }
        for path in [db] + (compare.map { [$0] } ?? []) where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path) does not exist; make one with `switchboard bench gen --db \(path)`.")
        }
    }

    func run() async throws {
        // Cold start: from exec to the first frame of the owner inbox on --db.
        let store = try AppDatabase.open(path: db)
        let bench = FrameBench(store: store, path: db)
        let firstScreens = try bench.screens()
        try bench.frame(firstScreens[0].state)
        let coldStart = ProcessFigures.millisecondsSinceStart()

        let timings = try bench.measure(frames: frames)
        let compared = try compare.map { try FrameBench(store: AppDatabase.open(path: $0), path: $0).measure(frames: frames) }
        print("frame times, 120×40 (read visible rows + reduce + render), \(frames) frames per screen:")
        for (index, timing) in timings.enumerated() {
            let name = timing.screen.padding(toLength: 24, withPad: " ", startingAt: 0)
            var line = "  " + name + String(format: " p50 %.3f ms  p99 %.3f ms", timing.p50Ms, timing.p99Ms)
            if let other = compared?[safe: index] {
                line += String(format: "   | --compare p50 %.3f ms  p99 %.3f ms  ratio p99 %.2f×", other.p50Ms, other.p99Ms, timing.p99Ms / other.p99Ms)
            }
            print(line)
        }
        if let coldStart { print(String(format: "cold start to first frame: %.0f ms", coldStart)) }
        print(String(format: "peak memory: %.1f MiB", ProcessFigures.peakMemoryMiB()))
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
