import ArgumentParser
import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore

/// `switchboard receipts [--verdict V] [--since DURATION] [--limit N] [--json]`: every
/// webhook received, newest first, like a webhook inspector; `receipts prune` removes old
/// accepted receipts' raw bodies.
struct ReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "List the webhooks received, newest first: time, verdict, status, From → To, latency, and why a refusal was refused.",
        discussion: """
            Reads only: a database that does not exist is reported, never created. Times are \
            UTC; latency runs from the request's arrival to its receipt written (the commit \
            follows); WHY is a refused request's reason (--json has every answer). \
            `switchboard replay ID` re-sends one; `switchboard route ID` routes an \
            unrouted text once its number is added; `switchboard receipts prune` removes old \
            bodies.
            """,
        subcommands: [PruneReceipts.self]
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only receipts with this verdict (\(ReceiptsText.verdictNames)).", valueName: "verdict"))
    var verdict: String?

    @Option(help: ArgumentHelp("Only receipts received within this long: 90s, 15m, 2h, 7d.", valueName: "duration"))
    var since: String?

    @Option(help: "At most this many receipts.")
    var limit = 50

    @Flag(help: "Print JSON for scripts: an array of objects, newest first.")
    var json = false

    func validate() throws {
        if let verdict, WebhookVerdict(rawValue: verdict) == nil {
            throw ValidationError("--verdict must be one of \(ReceiptsText.verdictNames); got \(verdict).")
        }
        if let since, DurationSpec(since) == nil {
            throw ValidationError(DurationSpec.problem(flag: "--since", value: since))
        }
        guard limit >= 1 else { throw ValidationError("--limit must be 1 or more; got \(limit).") }
    }

    func run() async throws {
        let store = try await database.openExisting()
        let filter = ReceiptFilter(
            verdict: verdict.flatMap(WebhookVerdict.init(rawValue:)),
            since: since.flatMap(DurationSpec.init).map { store.clock.now.addingTimeInterval(-$0.seconds) },
            limit: limit)
        let receipts = try store.receipts(filter)
        if json {
            print(try ReceiptsText.json(receipts))
        } else if receipts.isEmpty {
            print("No receipts\(verdict.map { " with verdict \($0)" } ?? "")\(since.map { " in the last \($0)" } ?? "").")
        } else {
            print(ReceiptsText.table(receipts))
        }
    }
}

/// `switchboard receipts prune [--older-than 90d]`.
struct PruneReceipts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the raw body of accepted receipts older than an age, keeping From and To (the rows and verdicts stay).",
        discussion: """
            `switchboard serve` does the same once a day, with its --receipt-body-retention \
            (default 90d). Receipts of other verdicts keep their bodies.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("older-than"), help: ArgumentHelp("The age past which bodies go: 90s, 15m, 2h, 7d.", valueName: "duration"))
    var olderThan = "90d"

    func validate() throws {
        if DurationSpec(olderThan) == nil { throw ValidationError(DurationSpec.problem(flag: "--older-than", value: olderThan)) }
    }

    func run() async throws {
        let age = DurationSpec(olderThan)!
        let store = try await database.openExisting()
        let pruned = try await store.pruneReceiptBodies(olderThan: age.seconds)
        print("removed the raw body of \(pruned) accepted receipt\(pruned == 1 ? "" : "s") older than \(age)")
    }
}

/// How receipts are printed: a table for people, JSON for scripts.
enum ReceiptsText {
    static let verdictNames = WebhookVerdict.allCases.map(\.rawValue).joined(separator: ", ")

    static func table(_ receipts: [ReceiptSummary]) -> String {
        let header = ["ID", "TIME (UTC)", "VERDICT", "STATUS", "FROM → TO", "LATENCY", "WHY"]
        // From, To and the path are what the sender wrote (a refusal's too): cleaned of
        // control characters and escape sequences before they reach a terminal.
        let rows = receipts.map { receipt in
            [
                String(receipt.id), String(receipt.receivedAt.storedText.prefix(19)), verdictLabel(receipt),
                String(receipt.statusCode), Sanitizer.clean(parties(receipt)), latency(receipt.latencySeconds),
                // A refusal's answer is its reason: the why of this list.
                receipt.verdict.isRefusal ? Sanitizer.clean(receipt.answer) : "",
            ]
        }
        var widths = header.map(TextWidth.of)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TextWidth.of(cell)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - TextWidth.of(cell))
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// The verdict, and what happened to the receipt since.
    static func verdictLabel(_ receipt: ReceiptSummary) -> String {
        var label = receipt.verdict.rawValue
        if receipt.routedAt != nil { label += " (routed later)" }
        if receipt.bodyPrunedAt != nil { label += " (body pruned)" }
        return label
    }

    /// `From → To`, or the path for a request with neither (a status callback, a refusal).
    static func parties(_ receipt: ReceiptSummary) -> String {
        guard receipt.from != nil || receipt.to != nil else { return receipt.path }
        return "\(receipt.from ?? "?") → \(receipt.to ?? "?")"
    }

    static func latency(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        let milliseconds = seconds * 1000
        return milliseconds < 10 ? String(format: "%.1f ms", milliseconds) : "\(Int(milliseconds.rounded())) ms"
    }

    static func json(_ receipts: [ReceiptSummary]) throws -> String {
        let objects: [[String: Any]] = receipts.map { receipt in
            [
                "id": receipt.id, "received_at": receipt.receivedAt.storedText, "verdict": receipt.verdict.rawValue,
                "status_code": receipt.statusCode, "path": receipt.path,
                "message_sid": receipt.messageSid ?? NSNull(), "from": receipt.from ?? NSNull(), "to": receipt.to ?? NSNull(),
                "latency_ms": receipt.latencySeconds.map { ($0 * 1_000_000).rounded() / 1000 } ?? NSNull(),
                "routed_at": receipt.routedAt?.storedText ?? NSNull(),
                "body_pruned_at": receipt.bodyPrunedAt?.storedText ?? NSNull(),
                "answer": receipt.answer,
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    /// Without the spaces a table's padding left at the end of a line.
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
