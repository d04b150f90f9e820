import Foundation

/// Finds the files shipped in `Data/` (demo.json, tiers.json).
///
/// `swift run` starts in the package root, so `./Data` is tried first; then the folders
/// above the executable (`.build/debug/switchboard` sits two levels under the root), so the
/// binary also works when started from elsewhere.
enum DataFiles {
    static func locate(_ name: String) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.path)
            folder.deleteLastPathComponent()
        }
        return candidates
            .map { URL(fileURLWithPath: $0).appendingPathComponent("Data").appendingPathComponent(name).path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
