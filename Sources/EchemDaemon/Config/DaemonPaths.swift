import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the daemon keeps its state and its socket, resolved the way systemd and users expect:
/// a flag, then the configuration, then systemd's `$STATE_DIRECTORY`/`$RUNTIME_DIRECTORY`, then
/// `/var/lib/echemd` and `/run/echemd` as root, or per-user folders otherwise.
public struct DaemonPaths: Sendable, Hashable {
    public var state: String
    public var socket: String

    public var store: String { state + "/echemd.sqlite" }
    public var queue: String { state + "/queue" }
    public var incoming: String { queue + "/incoming" }
    public var accepted: String { queue + "/accepted" }
    public var rejected: String { queue + "/rejected" }
    public var exports: String { state + "/exports" }
    /// Simulated cells' saved state, so a resumed run continues on the cell as it was.
    public var simulatorState: String { state + "/sim" }

    public init(state: String, socket: String) {
        self.state = state
        self.socket = socket
    }

    public static func resolve(stateFlag: String?, socketFlag: String?, config: DaemonConfig,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> DaemonPaths {
        let state = stateFlag ?? config.stateDirectory ?? defaultState(environment)
        let socket = socketFlag ?? config.socketPath ?? defaultSocket(environment, state: state)
        return DaemonPaths(state: state, socket: socket)
    }

    static func defaultState(_ env: [String: String]) -> String {
        // systemd may pass several colon-separated directories; the first is ours.
        if let s = env["STATE_DIRECTORY"], let first = s.split(separator: ":").first { return String(first) }
        if getuid() == 0 { return "/var/lib/echemd" }
        if let x = env["XDG_STATE_HOME"], !x.isEmpty { return x + "/echemd" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.local/state/echemd"
    }

    /// The socket a client looks for when not told: `$ECHEMD_SOCKET`, then the daemon's defaults.
    public static func defaultSocket(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                     state: String? = nil) -> String {
        if let s = env["ECHEMD_SOCKET"], !s.isEmpty { return s }
        if let r = env["RUNTIME_DIRECTORY"], let first = r.split(separator: ":").first { return first + "/echemd.sock" }
        if getuid() == 0 { return "/run/echemd/echemd.sock" }
        if let x = env["XDG_RUNTIME_DIR"], !x.isEmpty { return x + "/echemd/echemd.sock" }
        return (state ?? defaultState(env)) + "/echemd.sock"
    }

    /// Creates every folder the daemon writes (0770: the queue folders are shared with the control group).
    public func createFolders() throws {
        for dir in [state, queue, incoming, accepted, rejected, exports, simulatorState,
                    (socket as NSString).deletingLastPathComponent] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o770])
        }
    }
}
