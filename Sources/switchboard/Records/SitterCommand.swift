import ArgumentParser
import SwitchboardCore
import SwitchboardStore

/// `switchboard sitter add|edit|deactivate`.
struct SitterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sitter",
        abstract: "Add, edit, deactivate or reactivate a sitter.",
        subcommands: [Add.self, Edit.self, Deactivate.self, Activate.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a sitter: her name and personal phone (how her texts are recognised).",
            discussion: "Give her a masked number with `switchboard number add E164 --sitter NAME` or `number assign`.")

        @Argument(help: "Her name, such as \"Maya Okafor\".") var name: String
        @Option(help: ArgumentHelp("Her personal phone, in E.164 (+15551234567).", valueName: "e164")) var phone: String
        @OptionGroup var options: RecordOptions

        func input() throws -> NewSitter { try validating { () throws(RecordInputError) in try NewSitter(name: name, phone: phone) } }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let sitter = try await store.addSitter(try input(), orgId: org.id!)
            try options.answer("Added sitter #\(sitter.id!) \(sitter.name) (\(sitter.phoneE164)).", RecordJSON.sitter(sitter))
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a sitter or change her personal phone.")

        @Argument(help: "The sitter: her id (12 or #12), her phone, or her name (a unique beginning is enough).") var sitter: String
        @Option(help: "Her new name.") var name: String?
        @Option(help: ArgumentHelp("Her new personal phone, in E.164.", valueName: "e164")) var phone: String?
        @OptionGroup var options: RecordOptions

        func input() throws -> (RecordReference, ContactEdit) {
            try validating { () throws(RecordInputError) in
                (try RecordReference.parse(sitter, field: "the sitter"), try ContactEdit(name: name, phone: phone))
            }
        }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let (reference, changes) = try input()
            let edited = try await store.editSitter(reference, orgId: org.id!, changes: changes)
            try options.answer("Sitter #\(edited.id!) is now \(edited.name) (\(edited.phoneE164)).", RecordJSON.sitter(edited))
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a sitter: her client threads move to the owner inbox, her pending offers are withdrawn, her masked numbers go back to the pool.")

        @Argument(help: "The sitter: her id, her phone, or her name.") var sitter: String
        @OptionGroup var options: RecordOptions

        func reference() throws -> RecordReference { try validating { () throws(RecordInputError) in try RecordReference.parse(sitter, field: "the sitter") } }
        func validate() throws { _ = try reference() }

        func run() async throws {
            let (store, org) = try await options.open()
            let done = try await store.deactivateSitter(try reference(), orgId: org.id!)
            var line: String
            if done.changed {
                line = "Deactivated \(done.sitter.name): \(done.movedThreads) thread\(done.movedThreads == 1 ? "" : "s") moved to the owner inbox"
                if !done.withdrawnOffers.isEmpty { line += ", offers \(done.withdrawnOffers.joined(separator: ", ")) withdrawn" }
                if !done.releasedNumbers.isEmpty { line += ", \(done.releasedNumbers.joined(separator: ", ")) back in the pool" }
                line += "."
            } else {
                line = "\(done.sitter.name) is inactive already; nothing changed."
            }
            var object = RecordJSON.sitter(done.sitter)
            object["threads_moved"] = done.movedThreads
            object["offers_withdrawn"] = done.withdrawnOffers
            object["numbers_released"] = done.releasedNumbers
            object["changed"] = done.changed
            try options.answer(line, object)
        }
    }
}

extension SitterCommand {
    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an inactive sitter active again (her threads and numbers stay where deactivation put them).")

        @Argument(help: "The sitter: her id, her phone, or her name.") var sitter: String
        @OptionGroup var options: RecordOptions

        func reference() throws -> RecordReference { try validating { () throws(RecordInputError) in try RecordReference.parse(sitter, field: "the sitter") } }
        func validate() throws { _ = try reference() }

        func run() async throws {
            let (store, org) = try await options.open()
            let (sitter, changed) = try await store.activateSitter(try reference(), orgId: org.id!)
            var object = RecordJSON.sitter(sitter)
            object["changed"] = changed
            try options.answer(
                changed
                    ? "Activated \(sitter.name); give her a number with `switchboard number assign E164 \(sitter.id!)`."
                    : "\(sitter.name) is active already; nothing changed.",
                object)
        }
    }
}

/// `switchboard client add|edit`.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Add or edit a client.",
        subcommands: [Add.self, Edit.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a client; a phone that texted in already is named instead.")

        @Argument(help: "The client's name, such as \"Zoë Whitfield\".") var name: String
        @Option(help: ArgumentHelp("The client's phone, in E.164.", valueName: "e164")) var phone: String
        @OptionGroup var options: RecordOptions

        func input() throws -> NewClient { try validating { () throws(RecordInputError) in try NewClient(name: name, phone: phone) } }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let added = try await store.addClient(try input(), orgId: org.id!)
            let client = added.client
            let line = added.namedExistingContact
                ? "Named the contact \(client.phoneE164) (#\(client.id!)) \(client.name ?? "")."
                : "Added client #\(client.id!) \(client.name ?? "") (\(client.phoneE164))."
            try options.answer(line, RecordJSON.client(client))
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a client or change their phone.")

        @Argument(help: "The client: id (12 or #12), phone, or name (a unique beginning is enough).") var client: String
        @Option(help: "The new name.") var name: String?
        @Option(help: ArgumentHelp("The new phone, in E.164.", valueName: "e164")) var phone: String?
        @OptionGroup var options: RecordOptions

        func input() throws -> (RecordReference, ContactEdit) {
            try validating { () throws(RecordInputError) in
                (try RecordReference.parse(client, field: "the client"), try ContactEdit(name: name, phone: phone))
            }
        }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let (reference, changes) = try input()
            let edited = try await store.editClient(reference, orgId: org.id!, changes: changes)
            try options.answer("Client #\(edited.id!) is now \(edited.name ?? "unnamed") (\(edited.phoneE164)).", RecordJSON.client(edited))
        }
    }
}
