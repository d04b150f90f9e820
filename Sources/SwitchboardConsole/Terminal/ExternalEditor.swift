import Foundation
import Logging

/// Runs the operator's `$EDITOR` (else `vi`) on a draft, in a private temporary file, and
/// returns what was saved; nil when the editor could not run or failed.
enum ExternalEditor {
    static func edit(_ draft: String, logger: Logger) -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString)")
        let file = folder.appendingPathComponent("reply.txt")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // A reply is customer data: readable by the operator only.
            guard FileManager.default.createFile(atPath: file.path, contents: Data(draft.utf8), attributes: [.posixPermissions: 0o600])
            else { return nil }
            defer { try? FileManager.default.removeItem(at: folder) }
            let editor = ProcessInfo.processInfo.environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 }
                ?? ProcessInfo.processInfo.environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // The editor may carry arguments (`code --wait`): the shell splits it, the file is $1.
            process.arguments = ["-c", "\(editor) \"$1\"", "sh", file.path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                logger.warning("editor failed", metadata: ["status": "\(process.terminationStatus)"])
                return nil
            }
            return try String(contentsOf: file, encoding: .utf8)
        } catch {
            logger.warning("editor could not run", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
