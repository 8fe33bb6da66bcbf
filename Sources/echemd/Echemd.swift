import ArgumentParser
import EchemDaemon
import Foundation

/// The daemon executable: configuration and paths from flags, then `Daemon.run`.
@main
struct Echemd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echemd",
        abstract: "Instrument-control daemon for battery cyclers and potentiostats.",
        discussion: """
        Reads /etc/echemd/echemd.toml (or --config). With no configuration file it starts a \
        simulated bench: 8 simulated cycler channels (cyc-1 … cyc-8) and 1 simulated potentiostat \
        (pstat-1). Protocol files dropped into STATE/queue/incoming/ are validated and queued; \
        clients connect to the UNIX socket (echemctl, or any JSON-lines client). See docs/echemd.md.
        """,
        version: EchemdVersion.string)

    @Option(name: .long, help: "Configuration file (default /etc/echemd/echemd.toml when it exists; else the simulated bench).")
    var config: String?

    @Option(name: .long, help: "State directory: store, queue folders, exports (default $STATE_DIRECTORY, /var/lib/echemd as root, else ~/.local/state/echemd).")
    var stateDir: String?

    @Option(name: .long, help: "Socket path (default $RUNTIME_DIRECTORY/echemd.sock, /run/echemd/echemd.sock as root, else per user).")
    var socket: String?

    @Option(name: .long, help: "Simulated channels' clock: `max`, or channel seconds per wall second (1 = real time). Overrides the configuration.")
    var simSpeed: String?

    @Option(name: .long, help: "Bytes queued for one socket client before it is dropped as too slow (default 4194304).")
    var clientBuffer: Int?

    @Flag(name: .long, help: "Check the configuration, print it, and exit.")
    var checkConfig = false

    func run() async throws {
        var cfg: DaemonConfig
        let path = config ?? (FileManager.default.fileExists(atPath: ConfigLoader.defaultPath) ? ConfigLoader.defaultPath : nil)
        if let path {
            do { cfg = try ConfigLoader.load(path: path) } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(78) // EX_CONFIG: systemd will not restart-loop on a broken file
            }
        } else {
            cfg = DaemonConfig.simulatedBench()
        }
        if let s = simSpeed {
            if s == "max" { cfg.simulation.speed = nil } else if let v = Double(s), v > 0 { cfg.simulation.speed = v } else {
                throw ValidationError("--sim-speed \(s): expected `max` or a positive factor such as 1 or 600")
            }
        }
        if let b = clientBuffer {
            guard b >= 4096 else { throw ValidationError("--client-buffer \(b): expected at least 4096 bytes") }
            cfg.clientBufferBytes = b
        }
        let paths = DaemonPaths.resolve(stateFlag: stateDir, socketFlag: socket, config: cfg)
        if checkConfig {
            print(Daemon.describe(cfg, paths: paths))
            return
        }
        let code = try await Daemon.run(config: cfg, paths: paths)
        if code != 0 { throw ExitCode(code) }
    }
}
