import ArgumentParser
import SwitchboardCore
import SwitchboardStore

/// `switchboard number add|assign|release`: the business's Twilio numbers.
struct NumberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "number",
        abstract: "Add a Twilio number (front desk, a sitter's masked number, pool), assign one to a sitter, or release it.",
        subcommands: [Add.self, Assign.self, Release.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a Twilio number: --front-desk, --pool (the default), or --sitter NAME for her masked number.")

        @Argument(help: ArgumentHelp("The Twilio number, in E.164.", valueName: "e164")) var e164: String
        @Flag(name: .customLong("front-desk"), help: "The number clients and sitters text the business on (one per org).")
        var frontDesk = false
        @Flag(help: "A spare number, for a sitter later.") var pool = false
        @Option(help: "The sitter whose masked number it is (id, phone or name).") var sitter: String?
        @OptionGroup var options: RecordOptions

        func input() throws -> (String, NumberRole) {
            guard [frontDesk, pool, sitter != nil].filter({ $0 }).count <= 1 else {
                throw ValidationError("Give one of --front-desk, --pool or --sitter NAME.")
            }
            return try validating { () throws(RecordInputError) in
                let number = try RecordInput.phone(e164, field: "the number")
                if frontDesk { return (number, .frontDesk) }
                if let sitter { return (number, .sitter(try RecordReference.parse(sitter, field: "--sitter"))) }
                return (number, .pool)
            }
        }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let (e164, role) = try input()
            let added = try await store.addNumber(e164, role: role, orgId: org.id!)
            let line: String
            switch added.number.numberClass {
            case .frontDesk: line = "Added \(e164) as the front desk."
            case .pool: line = "Added \(e164) to the pool."
            case .sitter: line = "Added \(e164) as \(added.sitter?.name ?? "the sitter")'s number."
            }
            try options.answer(line, RecordJSON.number(added.number))
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a pool number a sitter's masked number.")

        @Argument(help: ArgumentHelp("The Twilio number, in E.164.", valueName: "e164")) var e164: String
        @Argument(help: "The sitter (id, phone or name).") var sitter: String
        @OptionGroup var options: RecordOptions

        func input() throws -> (String, RecordReference) {
            try validating { () throws(RecordInputError) in
                (try RecordInput.phone(e164, field: "the number"), try RecordReference.parse(sitter, field: "the sitter"))
            }
        }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let (e164, reference) = try input()
            let assigned = try await store.assignNumber(e164, to: reference, orgId: org.id!)
            try options.answer("\(e164) is now \(assigned.sitter?.name ?? "the sitter")'s number.", RecordJSON.number(assigned.number))
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a sitter's number back in the pool; her client threads on it move to the owner inbox.")

        @Argument(help: ArgumentHelp("The Twilio number, in E.164.", valueName: "e164")) var e164: String
        @OptionGroup var options: RecordOptions

        func input() throws -> String { try validating { () throws(RecordInputError) in try RecordInput.phone(e164, field: "the number") } }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let released = try await store.releaseNumber(try input(), orgId: org.id!)
            let line: String
            if let sitter = released.sitter {
                let moved = released.movedThreads
                line = "\(released.number.e164) is back in the pool (was \(sitter.name)'s); \(moved) thread\(moved == 1 ? "" : "s") moved to the owner inbox."
            } else {
                line = "\(released.number.e164) is in the pool already; nothing changed."
            }
            var object = RecordJSON.number(released.number)
            object["threads_moved"] = released.movedThreads
            try options.answer(line, object)
        }
    }
}
