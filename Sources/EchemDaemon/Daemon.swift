import EchemCore
import EchemPlatform
import EchemStore
import Foundation

/// Wires the daemon together and runs it until SIGTERM or SIGINT.
///
/// Start order matters for safety and for systemd: folders, store, every channel to its safe state
/// and interrupted runs recovered, then the socket and the queue folder, and only then READY=1.
/// Stop order: STOPPING=1, no new files, every engine commits its batch and turns its output off,
/// channels to their safe state, socket closed, store closed.
public enum Daemon {
    public static func run(config: DaemonConfig, paths: DaemonPaths) async throws -> Int32 {
        let notifier = SystemdNotifier()
        let log: @Sendable (String) -> Void = { line in
            FileHandle.standardError.write(Data(("echemd: " + line + "\n").utf8))
        }
        try paths.createFolders()
        _ = notifier.status("opening the store")
        let store = try RunStore(path: paths.store, options: StoreOptions(durability: config.durability))
        let bench = try Bench(config: config)

        let server: UnixLineServer
        if let activated = try SocketActivation.listeningSockets().first {
            server = try UnixLineServer(listeningFD: activated.fd, maxQueuedBytesPerClient: config.clientBufferBytes,
                                        slowClientNotice: LiveHub.notice(slowClient: config.clientBufferBytes),
                                        lineTooLongNotice: SocketAPI.lineTooLongReply)
            log("serving the socket passed by systemd (fd \(activated.fd))")
        } else {
            server = try UnixLineServer(path: paths.socket, mode: 0o660, group: config.socketGroup,
                                        maxQueuedBytesPerClient: config.clientBufferBytes,
                                        slowClientNotice: LiveHub.notice(slowClient: config.clientBufferBytes),
                                        lineTooLongNotice: SocketAPI.lineTooLongReply)
        }
        let hub = LiveHub(sink: ServerSink(server), clientBufferBytes: config.clientBufferBytes)
        let intake = JobIntake(bench: bench, defaultRecovery: config.recovery)
        let liveness = Liveness()
        let scheduler = Scheduler(store: store, bench: bench, hub: hub, intake: intake, paths: paths,
                                  liveness: liveness, log: log)
        let api = SocketAPI(scheduler: scheduler, store: store, hub: hub, intake: intake, bench: bench,
                            policy: AccessPolicy(controlGroup: config.controlGroup), paths: paths,
                            configSource: config.source)
        let sessions = ClientSessions(api: api, hub: hub)
        server.onConnect = { client, cred in sessions.connected(client, cred) }
        server.onLine = { [weak server] client, line in
            if !sessions.line(client, line) {
                _ = server?.close(client, finalLine: LiveHub.notice("more than \(ClientSessions.maxInFlight) requests unanswered: read the replies"))
            }
        }
        server.onDisconnect = { client, _ in sessions.disconnected(client) }

        // Recovery first, then the socket: a request served before recovery could start a job
        // that recovery would then switch off, or a second engine on a run being resumed.
        // Connections that arrive meanwhile wait in the listen backlog.
        _ = notifier.status("recovering interrupted runs")
        try await scheduler.recover()
        try server.start()

        let spool = SpoolFolder(paths: paths, intake: intake, log: log) { job, eligible in
            try await scheduler.submit(job, eligible: eligible)
        }
        // The watcher starts first and its events queue up while files already waiting (dropped
        // while the daemon was down) are processed; claims then run one at a time, in the order
        // the kernel reported them. A file seen twice is claimed once: the second finds it gone.
        let known = Set((try store.jobs()).map(\.source))
        let (dropped, droppedInput) = AsyncStream<String>.makeStream()
        let watcher = try DirectoryWatcher(directory: paths.incoming) { name in droppedInput.yield(name) }
        try watcher.start()
        let claimer = Task {
            await spool.reconcile(knownSources: known)
            for await name in dropped { await spool.claim(name) }
        }

        let devices = DeviceEvents(driversFolder: DeviceEvents.driversFolder(config.driversFolder), hub: hub, log: log)

        log("ready: bench \(bench.name), \(bench.channels.count) channels (\(config.source)); socket \(paths.socket); "
            + "queue folder \(paths.incoming)")
        _ = notifier.ready(status: "\(bench.channels.count) channels; \(await scheduler.runningCount) running")

        let stop = SignalWaiter(signals: [SIGTERM, SIGINT])
        let watchdog = Task {
            // Ping at half the systemd interval, only while the scheduler answers and no
            // engine is stalled: a wedged driver call leads to a restart and a resume.
            let interval = notifier.watchdogPingInterval ?? .seconds(5)
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let healthy = await scheduler.healthy()
                let stalled = liveness.stalled()
                if healthy && stalled.isEmpty {
                    _ = notifier.watchdog()
                } else if !stalled.isEmpty {
                    log("watchdog withheld: no progress from job(s) \(stalled.map { String($0.uuidString.prefix(8)) }.joined(separator: ", "))")
                }
                _ = notifier.status("\(bench.channels.count) channels; \(await scheduler.runningCount) running")
            }
        }
        let signal = await stop.wait()
        log("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): committing, outputs off, stopping")
        _ = notifier.stopping()
        watcher.stop()
        devices?.stop()
        droppedInput.finish()
        await claimer.value
        watchdog.cancel()
        await scheduler.shutdown()
        server.stop()
        try? store.close()
        log("stopped")
        return 0
    }

    /// `echemd --check-config`: what the daemon would run with.
    public static func describe(_ config: DaemonConfig, paths: DaemonPaths) -> String {
        var lines = ["configuration: \(config.source)", "bench: \(config.bench)", "state: \(paths.state)",
                     "socket: \(paths.socket)", "recovery: \(config.recovery.rawValue)",
                     "control group: \(config.controlGroup ?? "(none: root and the daemon's user only)")"]
        for c in config.channels {
            let l = c.limits
            lines.append("channel \(c.id): \(c.driver.rawValue)\(c.address.map { " at \($0)" } ?? ""), "
                         + "\(l.minVolts)…\(l.maxVolts) V, ±\(l.maxAmperes) A\(l.maxWatts.map { ", ±\($0) W" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}

/// Waits for the first of some signals, through a dispatch source (signal-safe: the handler
/// runs on a queue, not in signal context).
/// @unchecked: the sources are immutable after init and only kept alive here.
final class SignalWaiter: @unchecked Sendable {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let (stream, input) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        self.sources = signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { input.yield(sig) }
            source.resume()
            return source
        }
    }

    func wait() async -> Int32 {
        for await sig in stream { return sig }
        return SIGTERM
    }
}
