import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `switchboard export threads|messages|metrics`: the records as CSV for a spreadsheet, or
/// JSON for a script. Reads only; never creates a database.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export threads, messages or tier metrics as CSV (for a spreadsheet) or JSON.",
        discussion: """
            CSV is RFC 4180 (commas, CRLF, quotes doubled), UTF-8 with a byte order mark so Excel \
            reads accents and emoji (--no-bom leaves it out). A cell that starts with = + - or @ \
            gets a leading ' so no spreadsheet runs it as a formula (phone numbers and plain \
            numbers are left as they are). Times are UTC. Write to a file with --output, or \
            redirect stdout.
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case threads, messages, metrics
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @Argument(help: "What to export: threads, messages or metrics.") var kind: Kind
    @Option(help: "csv or json.") var format: Format = .csv
    @Option(help: ArgumentHelp("Only one mailbox: owner, or a sitter (id, phone or name).", valueName: "mailbox"))
    var mailbox: String?
    @Option(help: ArgumentHelp("Only since then: 30d, 12h, 2w, or a date such as 2026-11-01.", valueName: "when"))
    var since: String?
    @Option(help: ArgumentHelp("Write to this file (created 0600: it holds customer data) instead of stdout.", valueName: "path"))
    var output: String?
    @Flag(name: .customLong("no-bom"), help: "Leave out the UTF-8 byte order mark at the start of a CSV.")
    var noBOM = false
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("The org, when the database holds several.", valueName: "name")) var org: String?

    func sinceDate() throws -> Date? {
        let now = Date()
        return try since.map { text in try validating { () throws(RecordInputError) in try RecordInput.since(text, now: now) } }
    }

    func mailboxReference() throws -> RecordReference? {
        guard let mailbox, mailbox.lowercased() != "owner" else { return nil }
        return try validating { () throws(RecordInputError) in try RecordReference.parse(mailbox, field: "--mailbox") }
    }

    func validate() throws {
        _ = try sinceDate()
        _ = try mailboxReference()
        if kind == .metrics, mailbox != nil || since != nil {
            throw ValidationError("export metrics takes neither --mailbox nor --since: it covers every sitter over the tier window.")
        }
    }

    func run() async throws {
        let store = try await database.openExisting(tierSettings: try TierOptions.defaultSettings())
        let org = try RecordOptions.pick(try store.read { try $0.orgs() }, named: self.org)
        var filter = ExportFilter(orgId: org.id!, since: try sinceDate())
        if let mailbox {
            filter.mailbox = try mailboxReference().map { .sitter(try store.findSitter($0, orgId: org.id!).id!) } ?? .owner
        }
        let sink = try ExportSink(path: output)
        let table = ExportTable(format: format, sink: sink, byteOrderMark: !noBOM)
        switch kind {
        case .threads:
            try table.begin(ExportTable.threadColumns)
            try store.exportThreads(filter) { try table.row(ExportTable.fields(of: $0)) }
        case .messages:
            try table.begin(ExportTable.messageColumns)
            try store.exportMessages(filter) { try table.row(ExportTable.fields(of: $0)) }
        case .metrics:
            try table.begin(ExportTable.metricsColumns)
            for group in try await store.metricsReport(orgName: org.name, storing: false) {
                for row in group.rows { try table.row(ExportTable.fields(of: row.sitter, row.window)) }
            }
        }
        try table.end()
        try sink.close()
    }
}

/// Where an export goes: stdout, or a new file only its owner can read.
final class ExportSink {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var buffer = Data()

    init(path: String?) throws {
        guard let path else {
            handle = .standardOutput
            ownsHandle = false
            return
        }
        try DatabaseOptions.refuseFolder(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno))); choose another --output")
        }
        fchmod(descriptor, 0o600)
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        ownsHandle = true
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        if ownsHandle { try handle.close() }
    }
}

/// Rows as CSV (header first) or as a JSON array of objects, written as they come.
final class ExportTable {
    let format: ExportCommand.Format
    let sink: ExportSink
    let byteOrderMark: Bool
    private var columns: [String] = []
    private var count = 0

    init(format: ExportCommand.Format, sink: ExportSink, byteOrderMark: Bool) {
        self.format = format
        self.sink = sink
        self.byteOrderMark = byteOrderMark
    }

    func begin(_ columns: [String]) throws {
        self.columns = columns
        switch format {
        case .csv: try sink.write((byteOrderMark ? CSV.byteOrderMark : "") + CSV.record(columns))
        case .json: try sink.write("[")
        }
    }

    /// One row; nil fields are empty in CSV and null in JSON.
    func row(_ fields: [Any?]) throws {
        switch format {
        case .csv:
            try sink.write(CSV.record(fields.map(Self.csvText)))
        case .json:
            // Written by hand, in column order: JSONSerialization per row took 4× as long as
            // the CSV on 100,000 messages.
            let members = zip(columns, fields).map { column, value in Self.jsonString(column) + ":" + Self.jsonValue(value) }
            try sink.write((count == 0 ? "\n{" : ",\n{") + members.joined(separator: ",") + "}")
        }
        count += 1
    }

    func end() throws {
        if format == .json { try sink.write(count == 0 ? "]\n" : "\n]\n") }
    }

    /// A field's text in a CSV: empty for nil.
    static func csvText(_ value: Any?) -> String {
        switch value {
        case nil: ""
        case let text as String: text
        case let flag as Bool: flag ? "true" : "false"
        case let number as Int64: String(number)
        case let other?: "\(other)"
        }
    }

    /// A JSON value for a field: a number, true/false, null, or a string.
    static func jsonValue(_ value: Any?) -> String {
        switch value {
        case nil: "null"
        case let flag as Bool: flag ? "true" : "false"
        case let number as Int64: String(number)
        case let number as Int: String(number)
        case let number as Double: number.isFinite ? String(number) : "null"
        case let text as String: jsonString(text)
        case let other?: jsonString("\(other)")
        }
    }

    /// A JSON string (RFC 8259): quotes, backslashes and control characters escaped; the
    /// rest as UTF-8.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC: what spreadsheets read as a date and time.
    static func time(_ date: Date) -> String { String(date.storedText.prefix(19)) }

    static let threadColumns = [
        "thread_id", "mailbox", "scope", "client_name", "sitter_name", "counterpart_e164", "masked_number_e164", "booking_code",
        "created_at_utc", "last_message_at_utc", "unread", "messages",
    ]

    static func fields(of row: ThreadExportRow) -> [Any?] {
        [row.threadId, row.mailbox, row.scope.rawValue, row.clientName, row.sitterName, row.counterpartE164, row.maskedNumberE164,
         row.bookingCode, time(row.createdAt), time(row.lastMessageAt), row.unread, row.messages]
    }

    static let messageColumns = [
        "message_id", "thread_id", "created_at_utc", "direction", "actor", "from", "to", "client_name", "sitter_name", "body",
        "delivery_status", "provider_message_sid",
    ]

    static func fields(of row: MessageExportRow) -> [Any?] {
        [row.messageId, row.threadId, time(row.createdAt), row.direction.rawValue, row.actor.rawValue, row.from, row.to,
         row.clientName, row.sitterName, row.body, row.deliveryStatus?.rawValue, row.providerMessageSid]
    }

    static let metricsColumns = [
        "sitter_id", "name", "active", "tier", "avg_response_seconds", "median_response_seconds", "response_rate",
        "offer_accept_rate", "offer_median_response_seconds", "response_required_count", "response_sample_count",
        "offer_sample_count", "offer_accepted_count", "window_start_utc", "window_end_utc",
    ]

    static func fields(of sitter: Sitter, _ window: SitterMetricsWindow) -> [Any?] {
        [sitter.id, sitter.name, sitter.active, window.tier, window.avgResponseSeconds, window.medianResponseSeconds,
         window.responseRate, window.offerAcceptRate, window.offerMedianResponseSeconds, window.responseRequiredCount,
         window.responseSampleCount, window.offerSampleCount, window.offerAcceptedCount, time(window.windowStart),
         time(window.windowEnd)]
    }
}
