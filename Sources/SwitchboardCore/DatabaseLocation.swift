import Foundation

/// Where the database lives when `--db` is not given (SPEC §8).
public enum DatabaseLocation {
    /// `flag`, else `$SWITCHBOARD_DB`, else `switchboard.sqlite` in `$XDG_DATA_HOME/switchboard`
    /// (or `~/.local/share/switchboard`).
    public static func resolve(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let path = environment["SWITCHBOARD_DB"], !path.isEmpty { return path }
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            dataHome = xdg
        } else {
            dataHome = (environment["HOME"] ?? ".") + "/.local/share"
        }
        return dataHome + "/switchboard/switchboard.sqlite"
    }

    /// Where a console's log goes when `--log` is not given: beside a SQLite file, or for a
    /// database on a server (a `postgres://` URL) in the default data folder, named after it.
    public static func consoleLog(for target: String, serverDatabase: String?, environment: [String: String]) -> String {
        guard let serverDatabase else { return target + ".log" }
        let folder = (resolve(flag: nil, environment: environment) as NSString).deletingLastPathComponent
        return folder + "/\(serverDatabase)-console.log"
    }
}
