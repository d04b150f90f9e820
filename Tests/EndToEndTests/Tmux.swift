import Foundation

/// A tmux server of our own (its own socket), holding one session: a real terminal for the
/// console when the tests run without one (CI).
final class TmuxSession {
    static var executable: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var isInstalled: Bool { executable != nil }

    let socket = "sb-e2e-\(UUID().uuidString.prefix(8))"

    /// Starts `command` (run by `sh -c`) in a detached session of `width`×`height`.
    init(width: Int, height: Int, command: String, environment: [String: String]) throws {
        var arguments = ["new-session", "-d", "-s", "main", "-x", "\(width)", "-y", "\(height)"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(name)=\(value)"] }
        arguments += ["sh", "-c", command]
        // The first command forks the server, which would hold a captured stdout open forever.
        try run(arguments, capturing: false)
    }

    /// Kills the pane's process group first: where SIGHUP is ignored (background CI jobs),
    /// `kill-server` alone would leave the server waiting for its panes.
    deinit {
        let pids = (try? run(["list-panes", "-a", "-F", "#{pane_pid}"])) ?? ""
        for pid in pids.split(separator: "\n").compactMap({ pid_t($0) }) where pid > 1 { kill(-pid, SIGKILL) }
        _ = try? run(["kill-server"])
    }

    /// The screen as text, one line per row.
    func capture(attributes: Bool = false) -> String {
        (try? run(["capture-pane", "-p"] + (attributes ? ["-e"] : []) + ["-t", "main"])) ?? ""
    }

    /// The pane's title, as the program set it (xterm's OSC 2).
    func title() -> String {
        ((try? run(["display-message", "-p", "-t", "main", "#{pane_title}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func sendKeys(_ keys: String...) throws {
        try run(["send-keys", "-t", "main"] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds on a settled screen (two captures 20 ms
    /// apart alike); returns that screen, or nil after `timeout`. A capture can land while
    /// the terminal is still receiving a frame, half old rows and half new: the condition
    /// may already hold on the half, and the rest of the screen is not yet what it will be.
    func waitForScreen(timeout: TimeInterval = 15, _ condition: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var previous: String?
        repeat {
            let screen = capture()
            if screen == previous, condition(screen) { return screen }
            previous = screen
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// Runs tmux with posix_spawn and waitpid: the first call forks the tmux server, which
    /// Foundation's `Process` does not always see exit, and which must not inherit a pipe.
    @discardableResult
    private func run(_ arguments: [String], capturing: Bool = true) throws -> String {
        let argv = [Self.executable ?? "/usr/bin/tmux", "-u", "-L", socket] + arguments
        var descriptors: [Int32] = [-1, -1]
        if capturing { guard pipe(&descriptors) == 0 else { throw TmuxError("pipe failed") } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if capturing {
            posix_spawn_file_actions_adddup2(&actions, descriptors[1], 1)
            posix_spawn_file_actions_addclose(&actions, descriptors[0])
            posix_spawn_file_actions_addclose(&actions, descriptors[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        var output = [UInt8]()
        if capturing {
            close(descriptors[1])
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptors[0], &buffer, buffer.count)
                if count <= 0 { break }
                output += buffer[0..<count]
            }
            close(descriptors[0])
        }
        guard spawned == 0 else { throw TmuxError("cannot start tmux: error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }
}

struct TmuxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
