import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// Who will send what a command just queued: the listener serving the database delivers the
/// outbox, so the answer says whether one is up.
func outboxDeliveryNote(_ store: any Store) -> String {
    if case .up(let address, _, _, _) = (try? store.listenerState()) ?? .down(since: nil) {
        return "the listener at \(address) sends it"
    }
    return "no listener is running; it is sent when `switchboard serve` (or a console) starts"
}

/// `switchboard offer BOOKING SITTER`: what the console's `o` does.
struct OfferBookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offer",
        abstract: "Offer an open booking to a sitter: she is texted from the front desk and answers YES or NO.")

    @Argument(help: "The booking's code, such as B1042.") var booking: String
    @Argument(help: "The sitter (id, phone or name).") var sitter: String
    @Option(name: .customLong("expires-in-hours"), help: "How long the offer stays open, in hours (1 to 168).")
    var expiresInHours = 2
    @OptionGroup var options: RecordOptions

    func input() throws -> (String, RecordReference) {
        guard (1...168).contains(expiresInHours) else {
            throw ValidationError("--expires-in-hours must be between 1 and 168 (a week); got \(expiresInHours).")
        }
        return try validating { () throws(RecordInputError) in
            (try RecordInput.bookingCode(booking), try RecordReference.parse(sitter, field: "the sitter"))
        }
    }
    func validate() throws { _ = try input() }

    func run() async throws {
        let (store, org) = try await options.open()
        let (code, reference) = try input()
        let target = try store.offerTarget(code: code, sitter: reference, orgId: org.id!)
        let expiresAt = store.clock.now.addingTimeInterval(TimeInterval(expiresInHours) * 3600)
        let creation = try await store.createOffer(
            bookingId: target.booking.id!, sitterId: target.sitter.id!, expiresAt: expiresAt, channel: "cli")
        var object = RecordJSON.offer(creation.offer)
        object["created"] = creation.created
        object["invitation"] = RecordJSON.optional(creation.invitation.map(RecordJSON.message))
        guard let invitation = creation.invitation else {
            try options.answer("\(target.sitter.name) has offer \(target.booking.code) pending already; nothing new was sent.", object)
            return
        }
        try options.answer(
            "Offer \(target.booking.code) queued to \(target.sitter.name) (\(invitation.to)) from \(invitation.from); it expires in \(expiresInHours) hour\(expiresInHours == 1 ? "" : "s"); \(outboxDeliveryNote(store)).",
            object)
    }
}

/// `switchboard withdraw BOOKING [SITTER]`: takes back pending offers.
struct WithdrawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Withdraw a booking's pending offer to a sitter, or every pending offer of the booking.")

    @Argument(help: "The booking's code.") var booking: String
    @Argument(help: "The sitter (id, phone or name); every sitter with the offer pending when left out.") var sitter: String?
    @OptionGroup var options: RecordOptions

    func input() throws -> (String, RecordReference?) {
        try validating { () throws(RecordInputError) in
            (try RecordInput.bookingCode(booking), try sitter.map { text throws(RecordInputError) in try RecordReference.parse(text, field: "the sitter") })
        }
    }
    func validate() throws { _ = try input() }

    func run() async throws {
        let (store, org) = try await options.open()
        let (code, reference) = try input()
        let withdrawn = try await store.withdrawOffers(code: code, sitter: reference, orgId: org.id!)
        let names = withdrawn.map(\.sitterName).joined(separator: ", ")
        try options.answer(
            "Withdrew offer \(withdrawn[0].bookingCode) from \(names).",
            ["booking_code": withdrawn[0].bookingCode, "offers": withdrawn.map { RecordJSON.offer($0.offer) }])
    }
}

/// `switchboard reply THREAD TEXT`: what the console's `r` does.
struct ReplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Text a reply in a thread, as the owner (the thread's #N, as the console shows it).")

    @Argument(help: "The thread: 12 or #12.") var thread: String
    @Argument(help: "The text to send.") var text: String
    @OptionGroup var options: RecordOptions

    func input() throws -> (RowID, String) {
        let digits = thread.hasPrefix("#") ? String(thread.dropFirst()) : thread
        guard let id = RowID(digits), id > 0 else {
            throw ValidationError("The thread must be its number, such as 12 or #12 (as the console shows it); got \"\(thread)\".")
        }
        return (id, try validating { () throws(RecordInputError) in try RecordInput.messageBody(text) })
    }
    func validate() throws { _ = try input() }

    func run() async throws {
        let (store, org) = try await options.open()
        let (threadId, body) = try input()
        _ = try store.replyThread(id: threadId, orgId: org.id!)
        let sent = try await store.queueOutbound(threadId: threadId, actor: .owner, body: body)
        try options.answer(
            "Reply queued to \(sent.to) from \(sent.from) (message \(sent.event.id ?? 0) in thread #\(threadId)); \(outboxDeliveryNote(store)).",
            RecordJSON.message(sent))
    }
}
