import EchemCore

/// A potentiostat channel on a PalmSens MethodSCRIPT instrument (EmStat4, Nexus, EmStat Pico)
/// over its serial port, in scheduler mode.
///
/// Every set-point becomes one script (`MethodSCRIPTCompiler`) that streams a data package per
/// sample; a new set-point aborts the running script (`Z`) and uploads the next (`e` … empty
/// line). `nextReading()` returns each package as it arrives, so a 0.1 mV/s CV streams from its
/// first point. Sweeps report their cycle (`C` lines of `nscans`, or the loop's cycle) and, once
/// over, hold the final potential with `sweepDone` set. Rest is an open-circuit measurement
/// (cell off). `measureImpedance` runs `meas_loop_eis`/`meas_loop_geis`, then resumes the rest
/// (or hold) that was running.
///
/// Time is the device's script timer, continued across scripts. Current is the device's
/// (anodic positive), which for a battery electrode on the working lead is + = charge.
/// Errors: `!XXXX` lines throw `MethodSCRIPTError.device` with the code's meaning; lines that
/// are not MethodSCRIPT throw `.malformedReply`; a lost or silent port throws
/// `ChannelError.disconnected` after a timeout scaled to the expected package interval.
public actor MethodSCRIPTChannel: Channel {
    public struct Options: Sendable, Hashable {
        /// Seconds between readings of holds (rest, CA, CP).
        public var samplePeriod: Double
        /// How long one hold script runs before it is started again.
        public var holdSeconds: Double
        /// Reply timeout: `max(floor, factor × expected interval + floor)`.
        public var replyTimeoutFloor: Duration
        public var replyTimeoutFactor: Double
        public var commandTimeout: Duration

        public init(samplePeriod: Double = 1, holdSeconds: Double = 86_400, replyTimeoutFloor: Duration = .seconds(5),
                    replyTimeoutFactor: Double = 3, commandTimeout: Duration = .seconds(3)) {
            self.samplePeriod = samplePeriod
            self.holdSeconds = holdSeconds
            self.replyTimeoutFloor = replyTimeoutFloor
            self.replyTimeoutFactor = replyTimeoutFactor
            self.commandTimeout = commandTimeout
        }
    }

    public nonisolated let capabilities: ChannelCapabilities
    public nonisolated let profile: MethodSCRIPTProfile
    /// The `t` reply, e.g. `nexus1 …`.
    public nonisolated let firmware: String
    public nonisolated let compiler: MethodSCRIPTCompiler
    public nonisolated let link: MethodSCRIPTLink
    public nonisolated let options: Options

    /// The script on the device and where its output has got to.
    struct Running {
        var program: MethodSCRIPTProgram
        var loopIndex = -1
        var scans = 0
        var timeBase: Double
        var complianceStop = false
    }

    private var running: Running?
    /// What the output does when no impedance runs: resumed after a spectrum.
    private var holding: Setpoint = .off
    private var lastTime = 0.0
    private var pendingNote: String?

    /// Opens the port, aborts anything left running, asks `t`, and picks the profile from the
    /// firmware among `known` (a `MethodSCRIPTCatalog`'s) unless one is given. `baud` defaults to
    /// the profile's (921600 when unknown).
    public static func connect(path: String, profile: MethodSCRIPTProfile? = nil, known: [MethodSCRIPTProfile] = [],
                               baud: Int? = nil, options: Options = Options()) async throws -> MethodSCRIPTChannel {
        let rate = baud ?? profile?.baud ?? 921_600
        let port = try await AsyncSerialPort(path: path, settings: SerialSettings(baud: rate))
        let link = MethodSCRIPTLink(port: port, commandTimeout: options.commandTimeout)
        do {
            try await link.abortAndSynchronise()
            let firmware = try await link.firmwareVersion()
            guard let chosen = profile ?? MethodSCRIPTCatalog(profiles: known).matching(firmware: firmware) else {
                throw MethodSCRIPTError.unknownDevice(firmware: firmware, known: known.map(\.firmwarePrefix))
            }
            return MethodSCRIPTChannel(link: link, firmware: firmware, profile: chosen, options: options)
        } catch {
            await port.close()
            throw error
        }
    }

    public init(link: MethodSCRIPTLink, firmware: String, profile: MethodSCRIPTProfile, options: Options = Options()) {
        self.link = link
        self.firmware = firmware
        self.profile = profile
        self.options = options
        compiler = MethodSCRIPTCompiler(profile: profile, samplePeriod: options.samplePeriod,
                                        holdSeconds: options.holdSeconds)
        capabilities = profile.capabilities(minSamplePeriod: options.samplePeriod)
    }

    /// Aborts any script (the device switches the cell off in `on_finished`) and closes the port.
    public func close() async {
        if running != nil { _ = try? await link.abortAndSynchronise() }
        running = nil
        await link.port.close()
    }

    /// The purpose of the script running now (nil when none).
    public var runningPurpose: MethodSCRIPTProgram.Purpose? { running?.program.purpose }

    // MARK: - Channel

    public func apply(_ setpoint: Setpoint) async throws {
        let program = try compiler.program(for: setpoint)  // refused before the device is touched
        try await replace(with: program)
        holding = setpoint
    }

    public func outputOff() async throws {
        if running?.program.purpose == .openCircuit { return }
        try await replace(with: compiler.openCircuit())
        holding = .off
    }

    public func nextReading() async throws -> ChannelReading {
        if running == nil {
            try await replace(with: compiler.openCircuit())
            holding = .off
        }
        while true {
            let program = running!.program
            let reply = try await link.readReply(timeout: timeout(for: program), during: "reading the \(program.purpose.rawValue)")
            switch reply {
            case .package(let values):
                if let reading = reading(from: values) { return reading }
            case .measurementLoopStarted:
                running!.loopIndex += 1
                running!.scans = 0
            case .scanStarted:
                running!.scans += 1
            case .measurementLoopEnded, .loopStarted, .loopEnded, .scanEnded, .scriptAccepted:
                continue
            case .text(let text):
                note(text)
                if text.hasPrefix("compliance") { running!.complianceStop = true }
            case .error(let e):
                running = nil
                throw MethodSCRIPTError.device(e, during: "running the \(program.purpose.rawValue) script")
            case .endOfScript:
                try await scriptEnded()
            case .aborted, .commandReply:
                running = nil
                throw MethodSCRIPTError.unexpectedReply(reply.encoded, during: "reading the \(program.purpose.rawValue)",
                                                        expected: "script output")
            }
        }
    }

    public func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        let program = try compiler.impedance(spec)
        try await replace(with: program)
        var points: [ImpedancePoint] = []
        let during = "measuring the impedance spectrum"
        reading: while true {
            let reply = try await link.readReply(timeout: timeout(for: program), during: during)
            switch reply {
            case .package(let values):
                guard currentRole == .impedance else { continue }
                let f = values.first { $0.type == .appliedFrequency }?.value
                let re = values.first { $0.type == .impedanceReal }?.value
                let im = values.first { $0.type == .impedanceImaginary }?.value
                guard let f, let re, let im else {
                    running = nil
                    throw MethodSCRIPTError.unexpectedReply(reply.encoded, during: during,
                                                            expected: "a package with frequency (dc), Z′ (cc) and Z″ (cd)")
                }
                let t = stamp(values, fallbackStep: 1 / f)
                points.append(ImpedancePoint(frequencyHz: f, real: re, imaginary: im, time: t))
            case .measurementLoopStarted:
                running!.loopIndex += 1
            case .error(let e):
                running = nil
                throw MethodSCRIPTError.device(e, during: during)
            case .endOfScript:
                running = nil
                break reading
            case .aborted, .commandReply:
                running = nil
                throw MethodSCRIPTError.unexpectedReply(reply.encoded, during: during, expected: "script output")
            default:
                continue
            }
        }
        // Back to the rest or hold the spectrum interrupted (a sweep is not restarted).
        if case .sweep = holding.mode { holding = .off }
        try await replace(with: try compiler.program(for: holding))
        return points
    }

    public func setChamberTemperature(_ celsius: Double) async throws {
        throw ChannelError.unsupported("no temperature chamber on a MethodSCRIPT potentiostat channel")
    }

    // MARK: - Scripts

    /// Aborts what runs (if anything) and starts `program`.
    private func replace(with program: MethodSCRIPTProgram) async throws {
        if running != nil {
            running = nil
            try await link.abortAndSynchronise()
        }
        try await link.run(program)
        running = Running(program: program, timeBase: lastTime)
    }

    /// The script ran out: a hold starts again; after a compliance stop, or any other ending,
    /// the cell rests at open circuit.
    private func scriptEnded() async throws {
        guard let ended = running else { return }
        running = nil
        if ended.program.restartsWhenDone && !ended.complianceStop {
            try await link.run(ended.program)
            running = Running(program: ended.program, timeBase: lastTime)
            return
        }
        note("the \(ended.program.purpose.rawValue) script ended"
             + (ended.complianceStop ? " at its compliance limit" : "") + "; the cell is at open circuit")
        let rest = compiler.openCircuit()
        try await link.run(rest)
        running = Running(program: rest, timeBase: lastTime)
        holding = .off
    }

    private var currentRole: MethodSCRIPTProgram.LoopRole? {
        guard let r = running, r.loopIndex >= 0, r.loopIndex < r.program.loops.count else { return nil }
        return r.program.loops[r.loopIndex]
    }

    /// A reading from one package, or nil for packages that are not readings (probes).
    private func reading(from values: [MethodSCRIPTValue]) -> ChannelReading? {
        guard let role = currentRole else { return nil }
        var cycle: Int?
        var done = false
        switch role {
        case .probe, .impedance: return nil
        case .hold: break
        case .sweep(let first): cycle = first + max(0, running!.scans - 1)
        case .sweepHold(let last):
            cycle = last
            done = true
        }
        let measured = values.first { $0.type == .potential }
        let applied = values.first { $0.type == .appliedPotential }
        let current = values.first { $0.type == .current } ?? values.first { $0.type == .appliedCurrent }
        let volts = measured?.value ?? applied?.value ?? .nan
        // Cell off (rest): no current flows, and the device sends none.
        let amperes = current?.value ?? 0
        for v in values {
            if let s = v.status, !s.isEmpty {
                note("\(v.type.name): \(s.names.joined(separator: ", "))" + (v.range.map { " (range \($0))" } ?? ""))
            }
        }
        let t = stamp(values, fallbackStep: running!.program.packageInterval)
        let r = ChannelReading(time: t, volts: volts, amperes: amperes, sweepCycle: cycle, sweepDone: done, note: pendingNote)
        pendingNote = nil
        return r
    }

    /// Channel time of a package: the script's timer on top of where the last script left off.
    private func stamp(_ values: [MethodSCRIPTValue], fallbackStep: Double) -> Double {
        var t = lastTime + fallbackStep
        if let timer = values.first(where: { $0.type == .time })?.value, timer.isFinite, let base = running?.timeBase {
            t = max(base + timer, lastTime)
        }
        lastTime = t
        return t
    }

    private func note(_ text: String) {
        pendingNote = pendingNote.map { $0 + "; " + text } ?? text
    }

    private func timeout(for program: MethodSCRIPTProgram) -> Duration {
        let floor = options.replyTimeoutFloor
        let expected = Duration.seconds(program.packageInterval * options.replyTimeoutFactor)
        return max(floor, expected + floor)
    }
}
