import ArgumentParser
import SwitchboardStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an org, its sitters, clients, numbers, bookings, offers and threads from a file.",
        discussion: "The file has the format of Data/demo.json. Importing the same file twice changes nothing."
    )

    @Argument(help: ArgumentHelp("The file to import, in the Data/demo.json format.", valueName: "file"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let store = try database.open()
        let summary = try await store.importFile(atPath: file)
        print("\(file): \(summary) into \(database.resolvedPath())")
    }
}
