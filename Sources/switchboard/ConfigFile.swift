import Foundation

/// The optional config file: `$SWITCHBOARD_CONFIG`, else
/// `$XDG_CONFIG_HOME/switchboard/config.json` (or `~/.config/switchboard/config.json`).
///
/// ```json
/// {"twilio_auth_token": "…", "twilio_account_sid": "AC…",
///  "keys": {"reply": "R"}, "colors": {"accent": "blue"}}
/// ```
struct ConfigFile: Decodable {
    var twilioAuthToken: String?
    var twilioAccountSid: String?
    /// The console's keys, action name → key (``KeyRemap``).
    var keys: [String: String]?
    /// The console's colours, role → colour name (``ColorScheme``).
    var colors: [String: String]?

    enum CodingKeys: String, CodingKey {
        case twilioAuthToken = "twilio_auth_token"
        case twilioAccountSid = "twilio_account_sid"
        case keys, colors
    }

    static func path(environment: [String: String]) -> String {
        if let path = environment["SWITCHBOARD_CONFIG"], !path.isEmpty { return path }
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? ".") + "/.config"
        return configHome + "/switchboard/config.json"
    }

    /// The file's settings, or none when there is no file; a file that exists but is not
    /// such JSON is an error rather than silently ignored.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConfigFile {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            return ConfigFile(twilioAuthToken: nil, twilioAccountSid: nil, keys: nil, colors: nil)
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CommandFailure("Cannot read the config file \(path); fix its JSON or remove it.")
        }
    }
}
