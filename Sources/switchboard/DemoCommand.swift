import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a fresh demo database from Data/demo.json and open the console with its listener.",
        discussion: """
            Without a Twilio auth token (TWILIO_AUTH_TOKEN, or twilio_auth_token in the config \
            file) a demo token is made up and shown in the status bar, so you can sign webhooks \
            with `TWILIO_AUTH_TOKEN=<token> switchboard simulate …`.
            """
    )

    @Option(help: ArgumentHelp("Where to build the demo database; it must not exist yet.", discussion: "Defaults to a file in a new temporary folder.", valueName: "path"))
    var db: String?

    @OptionGroup var listener: ConsoleListenerOptions
    @OptionGroup var listening: ListeningOptions
    @OptionGroup var terminal: TerminalOptions

    func validate() throws {
        if let db, FileManager.default.fileExists(atPath: db) {
            throw ValidationError("\(db) already exists; the demo builds a fresh database, so pass a new path or leave --db out.")
        }
    }

    func run() async throws {
        guard let demoFile = DataFiles.locate("demo.json") else {
            throw CommandFailure("Data/demo.json was not found; run the demo from the Switchboard package folder.")
        }
        let terminalSettings = try terminal.settings()
        // Nothing is created when the listener could not start: the same command can be rerun.
        if listening.listen { try listener.configuration(authToken: "").checkPortIsFree() }
        let path = try db ?? Self.temporaryDatabasePath()
        let store = try AppDatabase.open(path: path, tierSettings: try TierOptions.defaultSettings())
        let summary = try await store.importFile(atPath: demoFile)
        try await store.recomputeAllMetrics(orgId: summary.orgId)

        // The operator's own token when there is one (environment or config file), else a
        // made-up one shown in the status bar.
        let configuredToken = try TwilioCredentials.load().authToken
        let token = configuredToken ?? Self.makeDemoToken()
        try await ConsoleLauncher.run(
            .init(
                store: store, listener: listening.listen ? listener.configuration(authToken: token) : nil,
                demoToken: configuredToken == nil ? token : nil, logPath: path + ".log", sender: SimulatedSender(store: store), terminal: terminalSettings))
        print("Demo closed. Database: \(path) · log: \(path).log")
    }

    static func temporaryDatabasePath() throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-demo-\(ProcessInfo.processInfo.processIdentifier)-\(Int(Date().timeIntervalSince1970))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("demo.sqlite").path
    }

    /// A made-up auth token, different every run: `demo-` and 16 hex digits.
    static func makeDemoToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = String(generator.next() as UInt64, radix: 16)
        return "demo-" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
