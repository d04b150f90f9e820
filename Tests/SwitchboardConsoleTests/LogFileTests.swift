import Foundation
import SwitchboardConsole
import Testing

/// The console's log names webhooks and errors: only its owner may read it.
@Suite struct LogFileTests {
    @Test func theLogFileIsCreatedPrivate() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sb-log-\(UUID().uuidString)/console.log").path
        _ = try FileLogHandler.Sink(path: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }
}
