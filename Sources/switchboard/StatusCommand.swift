import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `switchboard status`: is a listener up, how deep is the outbox, what came in last.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether a listener serves the database, the outbox's depth, the last webhook and the counts.",
        discussion: "Reads only: a database that does not exist is reported, never created."
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        let status = try await database.openExisting().status()
        print(json ? try Self.json(status) : Self.text(status))
    }

    static func text(_ status: StoreStatus) -> String {
        var lines: [String] = []
        switch status.listener {
        case .up(let address, let publicURL, let pid, let since):
            lines.append("listener  up · \(address) (public URL \(publicURL), pid \(pid), since \(since.storedText) UTC)")
        case .down(let since?): lines.append("listener  down since \(since.storedText) UTC")
        case .down(nil): lines.append("listener  never started on this database")
        }
        lines.append("outbox    \(status.queuedOutbound) queued")
        if let last = status.lastWebhook {
            lines.append("last      \(last.at.storedText) UTC · \(last.verdict.rawValue) · \(last.path)\(last.messageSid.map { " · \($0)" } ?? "")")
        } else {
            lines.append("last      no webhook yet")
        }
        lines.append("webhooks  received \(status.webhooks.received) · rejected \(status.webhooks.rejected)")
        return lines.joined(separator: "\n")
    }

    static func json(_ status: StoreStatus) throws -> String {
        var listener: [String: Any] = [:]
        switch status.listener {
        case .up(let address, let publicURL, let pid, let since):
            listener = ["state": "up", "address": address, "public_url": publicURL, "pid": pid, "since": since.storedText]
        case .down(let since):
            listener = ["state": "down", "since": since.map { $0.storedText } ?? NSNull()]
        }
        var object: [String: Any] = [
            "listener": listener,
            "outbox_queued": status.queuedOutbound,
            "webhooks": [
                "received": status.webhooks.received, "rejected": status.webhooks.rejected,
                "by_verdict": Dictionary(uniqueKeysWithValues: status.webhooks.byVerdict.map { ($0.key.rawValue, $0.value) }),
            ],
        ]
        object["last_webhook"] = status.lastWebhook.map { last -> Any in
            ["at": last.at.storedText, "verdict": last.verdict.rawValue, "path": last.path, "message_sid": last.messageSid.map { $0 as Any } ?? NSNull()] as [String: Any]
        } ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
