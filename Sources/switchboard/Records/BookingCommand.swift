import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `switchboard booking add|cancel`.
struct BookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking",
        abstract: "Add or cancel a booking.",
        subcommands: [Add.self, Cancel.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an open booking for a client, ready to offer to sitters.",
            discussion: """
                Times: 2026-12-01 09:00 (local time), 2026-12-01T09:00Z, or relative: "in 2 days". \
                Then offer it: switchboard offer CODE SITTER.
                """)

        @Argument(help: "Its code, such as B1042: sitters answer offers with it (YES B1042).") var code: String
        @Option(help: "The client (id, phone or name).") var client: String
        @Option(help: "What the booking is, such as \"Dog walk, 30 min\".") var service: String
        @Option(help: ArgumentHelp("When it starts.", valueName: "time")) var starts: String
        @Option(help: ArgumentHelp("When it ends.", valueName: "time")) var ends: String
        @OptionGroup var options: RecordOptions

        func input() throws -> NewBooking {
            let now = Date()
            return try validating { () throws(RecordInputError) in
                try NewBooking(
                    code: code, client: try RecordReference.parse(client, field: "--client"), service: service,
                    startsAt: try RecordInput.time(starts, now: now, field: "--starts"),
                    endsAt: try RecordInput.time(ends, now: now, field: "--ends"))
            }
        }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let booking = try await store.addBooking(try input(), orgId: org.id!)
            try options.answer(
                "Added booking \(booking.code) (\(booking.service), \(booking.startsAt.storedText.prefix(16)) to \(booking.endsAt.storedText.prefix(16)) UTC); offer it with `switchboard offer \(booking.code) SITTER`.",
                RecordJSON.booking(booking))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a booking; its pending offers are withdrawn.")

        @Argument(help: "The booking's code.") var code: String
        @OptionGroup var options: RecordOptions

        func input() throws -> String { try validating { () throws(RecordInputError) in try RecordInput.bookingCode(code) } }
        func validate() throws { _ = try input() }

        func run() async throws {
            let (store, org) = try await options.open()
            let done = try await store.cancelBooking(code: try input(), orgId: org.id!)
            var line = done.changed ? "Cancelled booking \(done.booking.code)" : "Booking \(done.booking.code) is cancelled already; nothing changed"
            if !done.withdrawnFrom.isEmpty { line += "; offers to \(done.withdrawnFrom.joined(separator: ", ")) withdrawn" }
            var object = RecordJSON.booking(done.booking)
            object["offers_withdrawn_from"] = done.withdrawnFrom
            object["changed"] = done.changed
            try options.answer(line + ".", object)
        }
    }
}
