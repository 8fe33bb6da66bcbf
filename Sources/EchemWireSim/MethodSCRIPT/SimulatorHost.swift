import EchemDrivers
import EchemSim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The device side of the simulator: reads host commands from the pty master, answers them, and
/// runs uploaded scripts, on the simulator's own thread.
final class SimulatorHost: ScriptHost, @unchecked Sendable {
    // @unchecked: used only on the device thread after `start()`; shared state is behind the
    // simulator's Mutex.
    private let simulator: MethodSCRIPTSimulator
    private let stopping: @Sendable () -> Bool
    private let fd: Int32
    private var inbox: [UInt8] = []
    private var abortRequested = false
    /// Whether a script is running (only then does `Z` abort and other input get dropped).
    private var scriptRunning = false
    /// Whether a client has the slave side open (writes fail with EIO when not).
    private var clientGone = false
    // Real-time pacing: wall instant at which clock time `anchorClock` was reached.
    private var clockTime = 0.0
    private var anchorClock = 0.0
    private var anchorWall = ContinuousClock.now
    private var idleSince = ContinuousClock.now

    /// Scripts larger than this are refused with `!4005`, as a device with limited memory would.
    static let maximumScriptBytes = 64 * 1024

    init(simulator: MethodSCRIPTSimulator, stopping: @escaping @Sendable () -> Bool) {
        self.simulator = simulator
        self.stopping = stopping
        fd = simulator.pty.master
    }

    var profile: MethodSCRIPTProfile { simulator.configuration.profile }
    var impedance: MethodSCRIPTSimulator.ImpedanceMethod { simulator.configuration.impedance }

    func withElectrode<T>(_ body: (inout SimulatedElectrode) -> T) -> T {
        if let leads = simulator.leads { return leads.withElectrode(body) }
        return simulator.shared.withLock { body(&$0.electrode) }
    }

    func openCircuit(seconds: Double) -> Double {
        if let leads = simulator.leads { return leads.openCircuit(seconds: seconds) }
        return withElectrode { $0.openCircuit(dt: seconds) }
    }

    func switchCell(on: Bool) -> Bool {
        simulator.leads?.switchCell(on: on) ?? true
    }

    private func log(_ text: String) { simulator.configuration.log?(text) }

    // MARK: - Serving

    func serve() {
        while !stopping() {
            guard let line = nextLine(timeout: .milliseconds(20)) else { continue }
            simulator.shared.withLock { $0.counters.commands += 1 }
            do {
                try answer(line)
            } catch {
                return  // stopped
            }
        }
    }

    private func answer(_ line: String) throws(ScriptInterrupt) {
        guard let command = line.first else { return }  // an empty line flushes the command buffer
        switch line {
        case "t":
            for l in simulator.firmwareLines { try? emit(l) }
        case "v":
            try? emit("v1.8")
        case "i":
            try? emit("iECHEMSIM-0001")
        case "Z":
            try? emit(MethodSCRIPTDeviceError(code: .noScriptRunning, command: "Z").encoded)
        case "e":
            try runUploadedScript()
        default:
            // Register access and flash scripts exist on real devices; not in the simulator.
            let known: Set<Character> = ["G", "S", "L", "l", "r", "v", "i", "t"]
            let code: MethodSCRIPTErrorCode = known.contains(command) ? .notSupported : .unknownCommand
            try? emit(MethodSCRIPTDeviceError(code: code, command: command).encoded)
        }
    }

    /// `e`, then script lines up to the empty line: parse, answer `e` (or `e!XXXX: Line N, Col M`),
    /// run, end with the empty line.
    private func runUploadedScript() throws(ScriptInterrupt) {
        var lines: [String] = []
        var bytes = 0
        while true {
            guard !stopping() else { throw .stopped }
            guard let l = nextLine(timeout: .milliseconds(20)) else { continue }
            if l.isEmpty { break }
            lines.append(l)
            bytes += l.utf8.count + 1
        }
        simulator.shared.withLock { $0.lastScript = lines }
        if bytes > Self.maximumScriptBytes {
            simulator.shared.withLock { $0.counters.scriptsRejected += 1 }
            try? emit(ScriptFault(code: .scriptTooLarge, line: lines.count).reply(command: "e"))
            return
        }
        let script: ParsedScript
        do {
            script = try ScriptParser.parse(lines)
        } catch {
            simulator.shared.withLock { $0.counters.scriptsRejected += 1 }
            log("script rejected: \(error.reply())")
            try? emit(error.reply(command: "e"))
            return
        }
        simulator.shared.withLock { $0.counters.scriptsRun += 1 }
        catchUpIdleTime()
        abortRequested = false
        clientGone = false
        do { try emit("e") } catch { return }
        scriptRunning = true
        defer {
            scriptRunning = false
            idleSince = .now
        }
        let interpreter = ScriptInterpreter(host: self)
        try interpreter.run(script)
    }

    /// The cell rests at open circuit between scripts for as long as the clock says.
    private func catchUpIdleTime() {
        anchorWall = .now
        anchorClock = clockTime
        guard case .realTime(let speed) = simulator.configuration.clock else { return }
        let idle = (ContinuousClock.now - idleSince) / .seconds(1) * speed
        if idle > 1e-3 { _ = openCircuit(seconds: idle) }
    }

    // MARK: - ScriptHost

    func emit(_ line: String) throws(ScriptInterrupt) {
        if !clientGone {
            let bytes = Array((line + "\n").utf8)
            var sent = 0
            while sent < bytes.count {
                guard !stopping() else { throw .stopped }
                var p = [pollfd(fd: fd, events: Int16(POLLOUT | POLLIN), revents: 0)]
                let ready = poll(&p, 1, 20)
                if ready > 0 && p[0].revents & Int16(POLLIN) != 0 { drainInput() }
                if ready > 0 && p[0].revents & Int16(POLLOUT) != 0 {
                    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
                    if n > 0 { sent += n; continue }
                    if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                    clientGone = true  // EIO: nobody has the line open
                    log("client gone: aborting the script")
                    break
                }
                if ready > 0 && p[0].revents & Int16(POLLHUP) != 0 && p[0].revents & Int16(POLLOUT) == 0 {
                    clientGone = true
                    break
                }
            }
            if !clientGone { simulator.shared.withLock { $0.counters.linesSent += 1 } }
        }
        try checkAbort()
    }

    func elapse(_ seconds: Double) throws(ScriptInterrupt) {
        clockTime += seconds
        guard case .realTime(let speed) = simulator.configuration.clock else {
            try waitUntilClientHasRead()
            return
        }
        let now = ContinuousClock.now
        var due = anchorWall + .seconds((clockTime - anchorClock) / speed)
        if due < now - .seconds(1) {
            // Fell behind (a slow client): re-anchor instead of bursting to catch up.
            anchorWall = now
            anchorClock = clockTime
            due = now
        }
        try waitForInput(until: due)
    }

    /// Lockstep: cell time moves on only once the client has read every line sent so far, so the
    /// cell is at most the one sample ahead of what the client has seen that a real instrument is
    /// while its host reacts. (A pty buffers about 20 KB, some 400 packages: without this wait a
    /// constant-current step runs that far past the cut-off the client is watching for, and even
    /// two samples take a Li2S cell at the end of its charge 0.3 V past it.) Waits back off to
    /// 20 ms, watching for `Z`.
    private func waitUntilClientHasRead() throws(ScriptInterrupt) {
        var pause: UInt32 = 20
        while unreadByClient() > 0 {
            guard !stopping() else { throw .stopped }
            var p = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if pause < 1000 { usleep(pause) }
            if poll(&p, 1, Int32(pause / 1000)) > 0 && p[0].revents & Int16(POLLIN) != 0 { drainInput() }
            try checkAbort()
            pause = min(2 * pause, 20_000)
        }
        try waitForInput(until: .now)
    }

    /// Bytes on the slave side the client has not read (0 without the lockstep descriptor). The
    /// kernel hands what the master wrote to the slave's queue a moment later, on a worker; a poll
    /// of the slave hands it over now (n_tty does when it finds no input), so FIONREAD then counts
    /// everything sent. (Without it, 4 in 10 fresh lines read as already gone.)
    private func unreadByClient() -> Int32 {
        let readBack = simulator.readBack
        guard readBack >= 0 else { return 0 }
        var p = [pollfd(fd: readBack, events: Int16(POLLIN), revents: 0)]
        _ = poll(&p, 1, 0)
        var n: Int32 = 0
        return ioctl(readBack, UInt(FIONREAD), &n) == 0 ? n : 0
    }

    /// Reads what the host sends until `deadline`, acting on `Z`.
    private func waitForInput(until deadline: ContinuousClock.Instant) throws(ScriptInterrupt) {
        repeat {
            guard !stopping() else { throw .stopped }
            let left = deadline - .now
            let ms = max(0, min(50, Int(left / .milliseconds(1))))
            var p = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if poll(&p, 1, Int32(ms)) > 0 && p[0].revents & Int16(POLLIN) != 0 { drainInput() }
            try checkAbort()
        } while ContinuousClock.now < deadline
    }

    private func checkAbort() throws(ScriptInterrupt) {
        guard scriptRunning else { return }
        if clientGone {
            clientGone = false
            abortRequested = false
            throw .aborted
        }
        // While a script runs only `Z` matters; other lines are dropped (the device is busy).
        while let l = takeLine() {
            if l == "Z" { abortRequested = true } else if !l.isEmpty { log("ignored while a script runs: \(l)") }
        }
        if abortRequested {
            abortRequested = false
            simulator.shared.withLock { $0.counters.aborts += 1 }
            throw .aborted
        }
    }

    // MARK: - Reading lines

    private func drainInput() {
        var chunk = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &chunk, chunk.count)
        if n > 0 { inbox += chunk[0..<n] }
    }

    private func takeLine() -> String? {
        guard let nl = inbox.firstIndex(of: 0x0A) else { return nil }
        var line = String(decoding: inbox[..<nl], as: UTF8.self)
        inbox.removeFirst(nl + 1)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    /// The next line from the host, or nil after `timeout` (or while no client is connected).
    private func nextLine(timeout: Duration) -> String? {
        if let l = takeLine() { return l }
        var p = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&p, 1, Int32(timeout / .milliseconds(1)))
        if ready > 0 && p[0].revents & Int16(POLLIN) != 0 {
            var chunk = [UInt8](repeating: 0, count: 1024)
            let n = read(fd, &chunk, chunk.count)
            if n > 0 { inbox += chunk[0..<n] } else { usleep(20_000) }  // EIO: no client yet
        } else if ready > 0 {
            inbox.removeAll()
            usleep(20_000)  // hang-up: no client has the slave open
        }
        return takeLine()
    }
}
