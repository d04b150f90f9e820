import ArgumentParser
import Foundation
import SwitchboardStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an org, its sitters, clients, numbers, bookings, offers and threads from a file.",
        discussion: """
            The file has the format of Data/demo.json. Importing the same file twice changes nothing. \
            The file is read and checked before the database is opened, so a missing or malformed \
            file creates nothing.
            """
    )

    @Argument(help: ArgumentHelp("The file to import, in the Data/demo.json format.", valueName: "file"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let contents = try InputFile.read(file, what: "the file to import")
        let decoded = try ImportFile.decode(contents, file: file)
        let store = try await database.open()
        let summary = try await store.importFile(decoded, name: file)
        print("\(file): \(summary) into \(store.location)")
    }
}

/// Reading a file a person named, with a sentence for each way it can fail.
enum InputFile {
    static func read(_ path: String, what: String) throws -> Data {
        try check(path, what: what)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path) cannot be read; check it is a file you can read")
        }
        return data
    }

    /// That `path` names a file that exists, is not a folder and can be read.
    static func check(_ path: String, what: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CommandFailure("\(path) does not exist; check the path of \(what)")
        }
        guard !isFolder.boolValue else { throw CommandFailure("\(path) is a folder; give the path of \(what) itself") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CommandFailure("\(path) cannot be read (permission denied); run chmod u+r \(path) or run as its owner")
        }
    }
}
