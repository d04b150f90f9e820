import ArgumentParser
import Foundation
import SwitchboardConsole
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// `switchboard replay RECEIPT_ID|MESSAGE_SID [--to URL]`: re-sends a stored webhook as it
/// arrived, with its original signature.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-send a stored webhook byte for byte, with its original signature, and print the answer.",
        discussion: """
            Sends the receipt's body, X-Twilio-Signature and content type to its stored path \
            and query, on the listener that serves the database (published by `switchboard \
            serve`), or on the server given with --to (scheme, host and port only: the stored \
            path and query are appended). Nothing is re-signed: the signature was computed \
            over the public URL Twilio called, so a server verifies the replay only when its \
            --public-url is that same URL. Our own listener answers a replay as the duplicate \
            it is. A MESSAGE_SID names that message's first receipt. Exits non-zero when the \
            answer is not 2xx.
            """
    )

    @Argument(help: ArgumentHelp("A receipt id (from `switchboard receipts`) or a MessageSid.", valueName: "receipt-id|message-sid"))
    var receipt: String

    @Option(help: ArgumentHelp("Send to this server instead, e.g. https://new-host.example.com (no path).", valueName: "url"))
    var to: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard let to else { return }
        guard let url = URLComponents(string: to), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false
        else {
            throw ValidationError("--to must be an absolute http(s) URL such as http://127.0.0.1:8080; got \(to).")
        }
        guard url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil else {
            throw ValidationError(
                "--to takes only the server (scheme, host, port), such as http://127.0.0.1:8080: the receipt's own path and query are appended; got \(to).")
        }
    }

    func run() async throws {
        let store = try await database.openExisting()
        let found = try ReceiptLookup.find(receipt, in: store)
        let server: String
        if let to {
            server = to
        } else {
            guard case .up(let address, _, _, _) = try store.listenerState() else {
                throw CommandFailure(
                    "no listener serves \(store.location); start `switchboard serve --db \(store.location)`, or pass --to URL")
            }
            server = address
        }
        let url = WebhookReplay.url(for: found, server: server)
        let answer: (status: Int, body: String)
        do {
            answer = try await WebhookReplay.send(found, to: server)
        } catch let problem as WebhookReplay.Problem {
            throw CommandFailure(problem.description)
        } catch {
            throw CommandFailure("could not reach \(url): \(error); is the listener running there?")
        }
        print("replayed receipt \(found.summary.id)\(found.summary.messageSid.map { " (\(Sanitizer.clean($0)))" } ?? "") to \(Sanitizer.clean(url))")
        print("HTTP \(answer.status)")
        let body = Sanitizer.clean(answer.body.hasSuffix("\n") ? String(answer.body.dropLast()) : answer.body)
        if !body.isEmpty { print(body) }
        if !(200..<300).contains(answer.status) { throw ExitCode.failure }
    }
}

/// `switchboard route RECEIPT_ID`: an unrouted text, routed now that its number is ours.
struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Route an unrouted text (sent to a number that was not ours) once its number has been added.",
        discussion: """
            Runs the text through the same routing as a fresh webhook, stored as arriving now; \
            the receipt's verdict becomes accepted (routed later). Its webhook was answered \
            with an empty <Response/> when it arrived, so no answer goes back to the sender \
            now: replies routing would send (a forward to a sitter, an offer reply) are not \
            sent, and the ones stored in the thread stay queued. \
            `switchboard receipts --verdict unrouted` lists the candidates.
            """
    )

    @Argument(help: ArgumentHelp("The receipt id of the unrouted text.", valueName: "receipt-id"))
    var receipt: Int64

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let store = try await database.openExisting()
        let routed: RoutedReceipt
        do {
            routed = try await store.routeUnrouted(receiptId: receipt)
        } catch let error as StoreError where [.notFound, .refused].contains(error.code) {
            throw CommandFailure(Sanitizer.clean(error.message))
        }
        print(Self.line(routed))
    }

    static func line(_ routed: RoutedReceipt) -> String {
        let place = "thread \(routed.threadId.map(String.init) ?? "?")" + (routed.mailboxName.map { " in \($0)" } ?? "")
        let unsent = routed.unsentReplies == 0 ? "" : "; \(routed.unsentReplies) repl\(routed.unsentReplies == 1 ? "y" : "ies") not sent (the webhook was answered when it arrived)"
        return Sanitizer.clean("routed receipt \(routed.receiptId) (\(routed.messageSid), \(routed.from) → \(routed.to)) to \(place)\(unsent)")
    }
}

/// Finds the receipt a command names: digits are a receipt id, anything else a MessageSid.
enum ReceiptLookup {
    static func find(_ name: String, in store: any Store) throws -> ReceiptDetail {
        if let id = Int64(name) {
            guard let receipt = try store.receipt(id: id) else {
                throw CommandFailure("there is no receipt \(id); `switchboard receipts` lists them with their ids")
            }
            return receipt
        }
        guard let receipt = try store.receipt(messageSid: name) else {
            throw CommandFailure(
                "no receipt has MessageSid \(Sanitizer.clean(name)); pass a receipt id or a SID from `switchboard receipts --json`")
        }
        return receipt
    }
}
