import ArgumentParser

/// The root command: `switchboard <subcommand>`.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A terminal dispatcher console for a pet-sitting business that texts through Twilio.",
        subcommands: [
            ImportCommand.self,
            MetricsCommand.self,
            BenchCommand.self,
        ]
    )
}
