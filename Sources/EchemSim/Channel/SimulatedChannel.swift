import EchemCore
import Foundation
import Synchronization

/// A `Channel` backed by a `CellModel`: the simulator the engine, CLI and tests run against.
///
/// A final class guarded by a `Mutex` (not an actor) so the accelerated path of `nextReading()` is a
/// lock, one model step and no allocation. Channel time is the cell's own time; every reading is one
/// `samplePeriod` later. In `.realTime(speed:)` the call also sleeps until that moment of wall time.
///
/// Sweeps (`Setpoint.Mode.sweep`) run inside the channel: each sample the potential is moved along
/// the path (see `SweepRunner`), the cell current is solved for it, and the double-layer current
/// C_dl·dE/dt is added. A `Sweep` whose `startVolts` is NaN starts at the present open-circuit
/// terminal voltage of the cell (RC pairs as they are, current off).
public final class SimulatedChannel: Channel {
    public let capabilities: ChannelCapabilities
    public let config: Config
    private let core: Mutex<Core>

    public convenience init(config: Config) throws {
        let cell = try CellModel(parameters: config.parameters, capacityAh: config.capacityAh,
                                 initialSOC: config.initialSOC, celsius: config.ambientCelsius)
        try self.init(config: config, cell: cell, setpoint: .off, sweep: nil, chamberSetpoint: nil,
                      noise: NoiseSource(seed: config.noise.seed))
    }

    /// A shipped chemistry by name, sized by the amount on its mass basis (g, or cm² for Li‖Cu).
    public convenience init(chemistry: String, amountOnBasis: Double, instrument: Instrument = .cycler,
                            samplePeriod: Double = 1, clock: Clock = .accelerated) throws {
        try self.init(config: Config(chemistry: chemistry, amountOnBasis: amountOnBasis, samplePeriod: samplePeriod,
                                     clock: clock, instrument: instrument))
    }

    /// Resume exactly where a `snapshot()` left off (same cell, setpoint, sweep and noise sequence).
    public convenience init(restoring s: Snapshot) throws {
        try self.init(config: s.config, cell: s.cell, setpoint: s.setpoint, sweep: s.sweep,
                      chamberSetpoint: s.chamberSetpoint, noise: s.noise)
    }

    private init(config: Config, cell: CellModel, setpoint: Setpoint, sweep: SweepRunner?, chamberSetpoint: Double?,
                 noise: NoiseSource) throws {
        guard config.samplePeriod > 0 else { throw ChannelError.outOfRange("sample period must be > 0") }
        if case .realTime(let speed) = config.clock, !(speed > 0) {
            throw ChannelError.outOfRange("real-time speed must be > 0")
        }
        self.config = config
        let caps = config.instrument.capabilities(chamber: config.chamber)
        capabilities = caps
        var c = Core(config: config, capabilities: caps, cell: cell, noise: noise)
        c.chamberSetpoint = chamberSetpoint
        c.setpoint = setpoint
        c.drive = Core.drive(for: setpoint, capabilities: caps)
        c.sweep = sweep
        core = Mutex(c)
    }

    // MARK: - Channel

    public func apply(_ setpoint: Setpoint) async throws {
        try validate(setpoint)
        core.withLock { $0.apply(setpoint) }
    }

    public func nextReading() async throws -> ChannelReading {
        let (reading, deadline) = core.withLock { $0.next() }
        if let deadline { try await Task.sleep(until: deadline, clock: .continuous) }
        return reading
    }

    public func outputOff() async throws {
        core.withLock { $0.apply(.off) }
    }

    public func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        guard capabilities.eis else { throw ChannelError.unsupported("this channel has no FRA") }
        let freqs = spec.frequencies
        guard let lo = freqs.min(), let hi = freqs.max(), lo > 0 else {
            throw ChannelError.outOfRange("EIS frequencies must be > 0")
        }
        if let minHz = capabilities.minHz, lo < minHz * (1 - 1e-9) {
            throw ChannelError.outOfRange("EIS below \(minHz) Hz")
        }
        if let maxHz = capabilities.maxHz, hi > maxHz * (1 + 1e-9) {
            throw ChannelError.outOfRange("EIS above \(maxHz) Hz")
        }
        let (points, deadline) = core.withLock { $0.measure(spec, frequencies: freqs) }
        if let deadline { try await Task.sleep(until: deadline, clock: .continuous) }
        return points
    }

    public func setChamberTemperature(_ celsius: Double) async throws {
        guard capabilities.chamber else { throw ChannelError.unsupported("no temperature chamber") }
        guard celsius > -80, celsius < 200 else { throw ChannelError.outOfRange("chamber \(celsius) °C") }
        core.withLock { $0.chamberSetpoint = celsius }
    }

    // MARK: - Tests and resume

    /// The cell and the channel's view of it, for tests.
    public func state() -> Status {
        core.withLock { c in
            Status(time: c.cell.state.seconds, cell: c.cell, setpoint: c.setpoint, sweep: c.sweep,
                   chamberSetpoint: c.chamberSetpoint, lastReading: c.lastReading)
        }
    }

    public func snapshot() -> Snapshot {
        core.withLock { c in
            Snapshot(config: config, cell: c.cell, setpoint: c.setpoint, sweep: c.sweep,
                     chamberSetpoint: c.chamberSetpoint, noise: c.noise)
        }
    }

    /// Channel time (s).
    public var time: Double { core.withLock { $0.cell.state.seconds } }

    // MARK: - Checks

    private func validate(_ sp: Setpoint) throws {
        let caps = capabilities
        func need(_ kind: ControlKind) throws {
            guard caps.modes.contains(kind) else { throw ChannelError.unsupported("\(kind.rawValue) on this channel") }
        }
        func volts(_ v: Double, _ what: String) throws {
            guard v.isFinite, v >= caps.minVolts, v <= caps.maxVolts else {
                throw ChannelError.outOfRange("\(what) \(v) V outside \(caps.minVolts)…\(caps.maxVolts) V")
            }
        }
        func amps(_ a: Double) throws {
            guard a.isFinite, abs(a) <= caps.maxAbsCurrent * (1 + 1e-12) else {
                throw ChannelError.outOfRange("\(a) A beyond ±\(caps.maxAbsCurrent) A")
            }
        }
        switch sp.mode {
        case .off: break
        case .current(let a):
            try need(.current)
            try amps(a)
        case .voltage(let v):
            try need(.voltage)
            try volts(v, "voltage")
        case .power(let w):
            try need(.power)
            guard w.isFinite, abs(w) <= (caps.maxAbsPower ?? .infinity) else {
                throw ChannelError.outOfRange("\(w) W beyond the power range")
            }
        case .resistance(let r):
            try need(.resistance)
            guard r.isFinite, r > 0 else { throw ChannelError.outOfRange("load \(r) Ω") }
        case .sweep(let s):
            try need(.sweep)
            guard s.scanRateVoltsPerSecond > 0, s.cycles >= 1, !s.vertices.isEmpty,
                  (s.firstCycleScanRate ?? 1) > 0 else {
                throw ChannelError.outOfRange("sweep needs vertices, cycles ≥ 1 and a scan rate > 0")
            }
            if !s.startVolts.isNaN { try volts(s.startVolts, "sweep start") }
            for v in s.vertices + (s.firstCycleVertices ?? []) + (s.endVolts.map { [$0] } ?? []) {
                try volts(v, "sweep vertex")
            }
        }
        if let v = sp.minVolts { try volts(v, "minVolts") }
        if let v = sp.maxVolts { try volts(v, "maxVolts") }
        if let a = sp.maxAbsCurrent { try amps(a) }
    }
}

/// The mutable inside of a `SimulatedChannel`, only touched under its lock.
struct Core: Sendable {
    var cell: CellModel
    var setpoint: Setpoint = .off
    var drive: CellDrive = .open
    var sweep: SweepRunner?
    var chamberSetpoint: Double?
    var noise: NoiseSource
    var lastReading: ChannelReading?
    // Constants copied out of the config so the hot path reads plain fields.
    let dt: Double
    let ambient: Double
    let chamberTau: Double
    let sigmaV: Double
    let sigmaI: Double
    let sigmaZ: Double
    let speed: Double?
    let capabilities: ChannelCapabilities
    let maxAbsCurrent: Double
    // Real-time anchor: wall instant at which channel time `anchorTime` was reached.
    var wallAnchor: ContinuousClock.Instant?
    var anchorTime = 0.0

    init(config: SimulatedChannel.Config, capabilities: ChannelCapabilities, cell: CellModel, noise: NoiseSource) {
        self.cell = cell
        self.noise = noise
        self.capabilities = capabilities
        dt = config.samplePeriod
        ambient = config.ambientCelsius
        chamberTau = config.chamberTimeConstant
        sigmaV = config.noise.voltsSigma
        sigmaI = config.noise.amperesSigma
        sigmaZ = config.noise.impedanceRelativeSigma
        if case .realTime(let s) = config.clock { speed = s } else { speed = nil }
        maxAbsCurrent = capabilities.maxAbsCurrent
    }

    /// The instrument's compliance fills in whatever the setpoint leaves open.
    static func drive(for sp: Setpoint, capabilities caps: ChannelCapabilities) -> CellDrive {
        let minV = sp.minVolts ?? caps.minVolts
        let maxV = sp.maxVolts ?? caps.maxVolts
        let maxI = min(sp.maxAbsCurrent ?? .infinity, caps.maxAbsCurrent)
        switch sp.mode {
        case .off: return .open
        case .current(let a): return CellDrive(.current(a), minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
        case .voltage(let v): return CellDrive(.voltage(v), minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
        case .power(let w): return CellDrive(.power(w), minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
        case .resistance(let r): return CellDrive(.resistance(r), minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
        case .sweep: return CellDrive(.open, minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
        }
    }

    mutating func apply(_ sp: Setpoint) {
        setpoint = sp
        drive = Core.drive(for: sp, capabilities: capabilities)
        if case .sweep(var s) = sp.mode {
            if s.startVolts.isNaN || s.startsAtOpenCircuit == true {
                // "Start at the present OCV" (`start: ocv`): resolved now, and stored resolved.
                s.startVolts = cell.openCircuitVoltage()
                s.startsAtOpenCircuit = false
                setpoint.mode = .sweep(s)
            }
            sweep = SweepRunner(s, startVolts: s.startVolts)
        } else {
            sweep = nil
        }
    }

    /// Cell temperature follows the chamber (or ambient) with a first-order lag, exactly.
    @inline(__always)
    mutating func updateTemperature(_ step: Double) {
        let target = chamberSetpoint ?? ambient
        let t = cell.state.celsius
        if t != target {
            let next = target + (t - target) * exp(-step / chamberTau)
            cell.state.celsius = abs(next - target) < 1e-9 ? target : next
        }
    }

    /// One sample: advance the cell by the period and read it.
    mutating func next() -> (ChannelReading, ContinuousClock.Instant?) {
        updateTemperature(dt)
        var volts: Double
        var amps: Double
        var cycle: Int?
        var done = false
        if sweep != nil {
            let previous = sweep!.lastVolts
            let e = sweep!.advance(dt)
            let r = cell.step(CellDrive(.voltage(e), maxAbsCurrent: drive.maxAbsCurrent), dt: dt)
            sweep!.lastVolts = e
            volts = r.volts
            let total = r.amperes + cell.doubleLayerFarads * (e - previous) / dt
            amps = max(-drive.maxAbsCurrent, min(drive.maxAbsCurrent, total))
            cycle = sweep!.cycle
            done = sweep!.done
        } else {
            let r = cell.step(drive, dt: dt)
            volts = r.volts
            amps = r.amperes
        }
        if sigmaV > 0 { volts += sigmaV * noise.nextGaussian() }
        if sigmaI > 0 { amps += sigmaI * noise.nextGaussian() }
        let reading = ChannelReading(time: cell.state.seconds, volts: volts, amperes: amps,
                                     celsius: cell.state.celsius, sweepCycle: cycle, sweepDone: done)
        lastReading = reading
        return (reading, deadline())
    }

    /// When the present channel time is due in wall time (real-time clock only).
    mutating func deadline() -> ContinuousClock.Instant? {
        guard let speed else { return nil }
        let now = ContinuousClock.now
        let t = cell.state.seconds
        guard let anchor = wallAnchor else {
            wallAnchor = now
            anchorTime = t - dt
            return now + .seconds(dt / speed)
        }
        let due = anchor + .seconds((t - anchorTime) / speed)
        // Fell behind by more than two periods (the caller stopped polling): re-anchor, don't burst.
        if due < now - .seconds(2 * dt / speed) {
            wallAnchor = now
            anchorTime = t - dt
            return now + .seconds(dt / speed)
        }
        return due
    }

    /// One spectrum at the DC condition, advancing the cell through the measurement time.
    mutating func measure(_ spec: EISSpec, frequencies: [Double]) -> ([ImpedancePoint], ContinuousClock.Instant?) {
        let dc: CellDrive
        switch (spec.mode, spec.dcLevel) {
        case (_, nil): dc = .open
        case (.potentiostatic, let v?): dc = CellDrive(.voltage(v), maxAbsCurrent: maxAbsCurrent)
        case (.galvanostatic, let a?): dc = CellDrive(.current(a), minVolts: capabilities.minVolts,
                                                     maxVolts: capabilities.maxVolts)
        }
        let integration = max(1, spec.integrationCycles)
        let sigma = sigmaZ / integration.squareRoot()
        var points: [ImpedancePoint] = []
        points.reserveCapacity(frequencies.count)
        var total = 0.0
        for f in frequencies {
            // Settle + integrate, with a 1 s floor per point (instruments have overheads).
            let duration = max(1, (spec.settleCycles + spec.integrationCycles) / f)
            total += duration
            var left = duration
            while left > 0 {
                let h = min(left, 10)
                updateTemperature(h)
                _ = cell.step(dc, dt: h)
                left -= h
            }
            let z = cell.impedanceCircuit(dcAmperes: cell.state.amperes).impedance(hertz: f)
            var re = z.re
            var im = z.im
            if sigma > 0 {
                let m = z.magnitude
                re += sigma * m * noise.nextGaussian()
                im += sigma * m * noise.nextGaussian()
            }
            points.append(ImpedancePoint(frequencyHz: f, real: re, imaginary: im, time: cell.state.seconds))
        }
        guard let speed else { return (points, nil) }
        wallAnchor = nil  // the next reading re-anchors after the measurement
        return (points, ContinuousClock.now + .seconds(total / speed))
    }
}
