import ArgumentParser

/// The root command: `switchboard <subcommand>`.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A terminal dispatcher console for a pet-sitting business that texts through Twilio.",
        subcommands: [
            DemoCommand.self,
            ConsoleCommand.self,
            ServeCommand.self,
            SimulateCommand.self,
            ImportCommand.self,
            MetricsCommand.self,
            StatusCommand.self,
            ReceiptsCommand.self,
            ReplayCommand.self,
            RouteCommand.self,
            MigrateCommand.self,
            SitterCommand.self,
            ClientCommand.self,
            NumberCommand.self,
            BookingCommand.self,
            OfferBookingCommand.self,
            WithdrawCommand.self,
            ReplyCommand.self,
            ExportCommand.self,
            RolesCommand.self,
            BenchCommand.self,
        ]
    )
}
