import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardWebhook

/// The Twilio secrets: from the environment (`TWILIO_AUTH_TOKEN`, `TWILIO_ACCOUNT_SID`), else
/// from the optional config file. Never from a flag, so they never show in `ps` or in shell
/// history, and never logged.
///
/// The config file is ``ConfigFile``: `{"twilio_auth_token": "…", "twilio_account_sid": "AC…"}`.
struct TwilioCredentials {
    var authToken: String?
    var accountSid: String?

    /// Environment beats the config file; a config file that exists but cannot be read is an
    /// error rather than silently ignored.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TwilioCredentials {
        let path = ConfigFile.path(environment: environment)
        let file = try ConfigFile.load(environment: environment)
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        if nonEmpty(file.twilioAuthToken) != nil, let warning = exposedTokenWarning(path: path) {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        return TwilioCredentials(
            authToken: nonEmpty(environment["TWILIO_AUTH_TOKEN"]) ?? nonEmpty(file.twilioAuthToken),
            accountSid: nonEmpty(environment["TWILIO_ACCOUNT_SID"]) ?? nonEmpty(file.twilioAccountSid))
    }

    /// A warning when the config file holding the auth token can be read by other users:
    /// anyone who has the token can forge webhooks.
    static func exposedTokenWarning(path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return nil }
        let mode = String(info.st_mode & 0o777, radix: 8)
        return "warning: \(path) holds the Twilio auth token and other users can read it (mode \(mode)); run chmod 600 \(path)"
    }

    func requireAuthToken() throws -> String {
        guard let authToken else {
            throw CommandFailure("Set TWILIO_AUTH_TOKEN (or twilio_auth_token in the config file) to your Twilio auth token.")
        }
        return authToken
    }
}

/// `--send twilio|simulated`: how outbound messages leave.
struct SenderOptions: ParsableArguments {
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case simulated, twilio
    }

    @Option(help: ArgumentHelp(
        "How outbound messages are sent: simulated (stored, reported delivered, nothing leaves) or twilio.",
        discussion: "twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."))
    var send: Mode = .simulated

    /// The sender `--send` names. `statusCallback` is the listener's public
    /// `…/api/twilio/status` URL, where Twilio reports delivery.
    func makeSender(store: any Store, statusCallback: String?, credentials: TwilioCredentials) throws -> any OutboundSender {
        switch send {
        case .simulated:
            return SimulatedSender(store: store)
        case .twilio:
            guard let accountSid = credentials.accountSid, let token = credentials.authToken else {
                throw CommandFailure("--send twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN; set both, or use --send simulated.")
            }
            return TwilioRESTSender(
                client: TwilioMessagesClient(accountSid: accountSid, authToken: token), store: store, statusCallback: statusCallback)
        }
    }
}
