import EchemCore

/// Compiles the engine's set-points to MethodSCRIPT, one script per set-point, each streaming one
/// data package per sample (`timer_get t` then `pck_add t`, the potential and the current):
///
/// | set-point | script |
/// |---|---|
/// | `.off` (rest) | `cell_off`, `meas_loop_ocp` |
/// | `.voltage` (chronoamperometry) | `set_e`, `cell_on`, `meas_loop_ca` |
/// | `.current` (chronopotentiometry) | galvanostatic mode, `cell_on`, `meas_loop_cp` |
/// | `.sweep` (CV, LSV) | `meas_loop_cv … nscans(N)` per run of identical cycles, `meas_loop_lsv` per leg otherwise, then `meas_loop_ca` at the final potential |
/// | `EISSpec` (PEIS, GEIS) | `meas_loop_eis` / `meas_loop_geis` |
///
/// A sweep or spectrum "at open circuit" first measures the OCP into a variable
/// (`meas_loop_ocp e_start …`) and uses it as the start or DC potential. Holds run for
/// `holdSeconds` and the channel restarts them; a compliance tighter than the instrument's
/// becomes an `if … send_string … breakloop` guard inside the loop.
public struct MethodSCRIPTCompiler: Sendable, Hashable {
    public var profile: MethodSCRIPTProfile
    /// Seconds between packages of holds (OCP, CA, CP) and of the hold after a sweep.
    public var samplePeriod: Double
    /// How long one hold script runs before the channel starts it again.
    public var holdSeconds: Double
    /// The open-circuit probe before a sweep or spectrum "at OCV": interval and duration.
    public var probeInterval: Double
    public var probeSeconds: Double

    public init(profile: MethodSCRIPTProfile, samplePeriod: Double = 1, holdSeconds: Double = 86_400,
                probeInterval: Double = 0.1, probeSeconds: Double = 0.5) {
        self.profile = profile
        self.samplePeriod = samplePeriod
        self.holdSeconds = holdSeconds
        self.probeInterval = probeInterval
        self.probeSeconds = probeSeconds
    }

    /// The script for a set-point. Throws `ChannelError` for what this instrument cannot do.
    public func program(for setpoint: Setpoint) throws(ChannelError) -> MethodSCRIPTProgram {
        switch setpoint.mode {
        case .off: return openCircuit()
        case .voltage(let v): return try potentiostatic(volts: v, maxAbsCurrent: setpoint.maxAbsCurrent)
        case .current(let a): return try galvanostatic(amperes: a, minVolts: setpoint.minVolts, maxVolts: setpoint.maxVolts)
        case .sweep(let s): return try sweep(s, maxAbsCurrent: setpoint.maxAbsCurrent)
        case .power: throw .unsupported("constant power on a MethodSCRIPT potentiostat (it regulates potential or current)")
        case .resistance: throw .unsupported("constant resistance on a MethodSCRIPT potentiostat (it regulates potential or current)")
        }
    }

    // MARK: - Holds

    public func openCircuit() -> MethodSCRIPTProgram {
        var w = ScriptWriter()
        w.declare("t", "p")
        w.header(mode: profile.lowSpeedMode)
        w.line("cell_off")
        w.line("timer_start")
        w.line("meas_loop_ocp p \(lit(samplePeriod)) \(lit(holdSeconds))")
        w.packageBody(["t", "p"])
        w.line("endloop")
        w.finish()
        return MethodSCRIPTProgram(purpose: .openCircuit, lines: w.lines, loops: [.hold],
                                   packageInterval: samplePeriod, restartsWhenDone: true)
    }

    public func potentiostatic(volts v: Double, maxAbsCurrent: Double?) throws(ChannelError) -> MethodSCRIPTProgram {
        try checkVolts(v, "hold potential")
        let limit = min(maxAbsCurrent ?? profile.maxAbsCurrent, profile.maxAbsCurrent)
        var w = ScriptWriter()
        w.declare("t", "p", "c")
        w.header(mode: profile.lowSpeedMode)
        w.line("set_range_minmax da \(lit(v)) \(lit(v))")
        currentRange(&w, limit)
        w.line("set_e \(lit(v))")
        w.line("cell_on")
        w.line("timer_start")
        w.line("meas_loop_ca p c \(lit(v)) \(lit(samplePeriod)) \(lit(holdSeconds))")
        w.packageBody(["t", "p", "c"])
        if limit < profile.maxAbsCurrent * (1 - 1e-9) {
            w.guardLoop("c > \(lit(limit))", "compliance: current above \(lit(limit))A")
            w.guardLoop("c < \(lit(-limit))", "compliance: current below \(lit(-limit))A")
        }
        w.line("endloop")
        w.finish()
        return MethodSCRIPTProgram(purpose: .potentiostatic, lines: w.lines, loops: [.hold],
                                   packageInterval: samplePeriod, restartsWhenDone: true)
    }

    public func galvanostatic(amperes a: Double, minVolts: Double?, maxVolts: Double?) throws(ChannelError) -> MethodSCRIPTProgram {
        guard profile.galvanostat, let mode = profile.galvanostaticMode else {
            throw .unsupported("constant current: the \(profile.name) has no galvanostat mode")
        }
        try checkAmperes(a)
        var w = ScriptWriter()
        w.declare("t", "p", "c")
        w.header(mode: mode)
        let range = profile.range(covering: a)
        w.line("set_range ba \(lit(range.amperes))")
        w.line("set_autoranging ba \(lit(range.amperes)) \(lit(range.amperes))")
        w.line("set_i 0")
        w.line("cell_on")
        w.line("timer_start")
        w.line("meas_loop_cp p c \(lit(a)) \(lit(samplePeriod)) \(lit(holdSeconds))")
        w.packageBody(["t", "p", "c"])
        if let hi = maxVolts, hi < profile.maxVolts {
            w.guardLoop("p > \(lit(hi))", "compliance: potential above \(lit(hi))V")
        }
        if let lo = minVolts, lo > profile.minVolts {
            w.guardLoop("p < \(lit(lo))", "compliance: potential below \(lit(lo))V")
        }
        w.line("endloop")
        w.finish()
        return MethodSCRIPTProgram(purpose: .galvanostatic, lines: w.lines, loops: [.hold],
                                   packageInterval: samplePeriod, restartsWhenDone: true)
    }

    // MARK: - Sweeps

    /// A potential in a script: a literal, or a variable filled by the open-circuit probe.
    enum Operand: Hashable {
        case value(Double)
        case variable(String)
    }

    /// One run of identical CV cycles, or one straight leg of any other path.
    enum SweepPart: Hashable {
        case cv(start: Operand, v1: Double, v2: Double, rate: Double, scans: Int, firstCycle: Int)
        case leg(from: Operand, to: Operand, rate: Double, cycle: Int)
    }

    /// The sweep's path (as `SweepRunner` walks it) cut into MethodSCRIPT loops, and where it ends.
    func parts(of s: Sweep, start: Operand) -> (parts: [SweepPart], end: Operand) {
        var parts: [SweepPart] = []
        var here = start
        let cycles = max(1, s.cycles)
        for cycle in 1...cycles {
            let first = cycle == 1
            let vertices = first ? (s.firstCycleVertices ?? s.vertices) : s.vertices
            let rate = abs(first ? (s.firstCycleScanRate ?? s.scanRateVoltsPerSecond) : s.scanRateVoltsPerSecond)
            let last = cycle == cycles
            var path = vertices.map(Operand.value)
            if last, let end = s.endVolts {
                path.append(.value(end))
            } else if !(last && s.returnsToStart == false) {
                path.append(start)
            }
            // A plain CV cycle from the start, through two vertices, back to the start.
            if here == start, vertices.count == 2, path.count == 3, path[2] == start {
                if case .cv(let st, let a, let b, let r, let n, let c0)? = parts.last, a == vertices[0], b == vertices[1], r == rate {
                    parts[parts.count - 1] = .cv(start: st, v1: a, v2: b, rate: r, scans: n + 1, firstCycle: c0)
                } else {
                    parts.append(.cv(start: start, v1: vertices[0], v2: vertices[1], rate: rate, scans: 1, firstCycle: cycle))
                }
                continue
            }
            for target in path where target != here {
                parts.append(.leg(from: here, to: target, rate: rate, cycle: cycle))
                here = target
            }
        }
        return (parts, here)
    }

    public func sweep(_ s: Sweep, maxAbsCurrent: Double?) throws(ChannelError) -> MethodSCRIPTProgram {
        guard s.scanRateVoltsPerSecond > 0, s.cycles >= 1, !s.vertices.isEmpty, (s.firstCycleScanRate ?? 1) > 0 else {
            throw .outOfRange("a sweep needs vertices, cycles ≥ 1 and a scan rate > 0")
        }
        let atOCV = s.startVolts.isNaN || s.startsAtOpenCircuit == true
        if !atOCV { try checkVolts(s.startVolts, "sweep start") }
        for v in s.vertices + (s.firstCycleVertices ?? []) + (s.endVolts.map { [$0] } ?? []) {
            try checkVolts(v, "sweep vertex")
        }
        let start: Operand = atOCV ? .variable("e_start") : .value(s.startVolts)
        let fastest = max(s.scanRateVoltsPerSecond, s.firstCycleScanRate ?? 0)
        let step = s.stepVolts > 0 ? s.stepVolts : max(1e-4, fastest * samplePeriod)
        let (parts, end) = parts(of: s, start: start)
        let limit = min(maxAbsCurrent ?? profile.maxAbsCurrent, profile.maxAbsCurrent)

        var w = ScriptWriter()
        w.declare(atOCV ? ["e_start", "t", "p", "c"] : ["t", "p", "c"])
        w.header(mode: profile.lowSpeedMode)
        let all = s.vertices + (s.firstCycleVertices ?? []) + (s.endVolts.map { [$0] } ?? []) + (atOCV ? [] : [s.startVolts])
        let lo = atOCV ? profile.minVolts : all.min()!
        let hi = atOCV ? profile.maxVolts : all.max()!
        w.line("set_range_minmax da \(lit(lo)) \(lit(hi))")
        currentRange(&w, limit)
        var loops: [MethodSCRIPTProgram.LoopRole] = []
        if atOCV { probe(&w, into: "e_start"); loops.append(.probe) }
        w.line("set_e \(text(start))")
        w.line("cell_on")
        w.line("timer_start")
        var lastCycle = 1
        var slowest = samplePeriod
        for part in parts {
            switch part {
            case .cv(let st, let v1, let v2, let rate, let scans, let c0):
                w.line("meas_loop_cv p c \(text(st)) \(lit(v1)) \(lit(v2)) \(lit(step)) \(lit(rate))"
                       + (scans > 1 ? " nscans(\(scans))" : ""))
                loops.append(.sweep(firstCycle: c0))
                lastCycle = c0 + scans - 1
                slowest = max(slowest, step / rate)
            case .leg(let from, let to, let rate, let cycle):
                w.line("meas_loop_lsv p c \(text(from)) \(text(to)) \(lit(step)) \(lit(rate))")
                loops.append(.sweep(firstCycle: cycle))
                lastCycle = cycle
                slowest = max(slowest, step / rate)
            }
            w.packageBody(["t", "p", "c"])
            w.line("endloop")
        }
        // Hold the final potential so readings go on until the engine moves to its next step.
        w.line("meas_loop_ca p c \(text(end)) \(lit(samplePeriod)) \(lit(holdSeconds))")
        w.packageBody(["t", "p", "c"])
        w.line("endloop")
        loops.append(.sweepHold(lastCycle: lastCycle))
        w.finish()
        return MethodSCRIPTProgram(purpose: .sweep, lines: w.lines, loops: loops, packageInterval: slowest,
                                   restartsWhenDone: false)
    }

    // MARK: - Impedance

    public func impedance(_ spec: EISSpec) throws(ChannelError) -> MethodSCRIPTProgram {
        guard let minHz = profile.minHz, let maxHz = profile.maxHz else {
            throw .unsupported("impedance: the \(profile.name) has no frequency response analyser")
        }
        let freqs = spec.frequencies
        guard let fLo = freqs.min(), let fHi = freqs.max(), fLo > 0, freqs.count >= 1 else {
            throw .outOfRange("EIS frequencies must be > 0")
        }
        guard fLo >= minHz * (1 - 1e-9), fHi <= maxHz * (1 + 1e-9) else {
            throw .outOfRange("EIS \(lit(fLo))Hz … \(lit(fHi))Hz is outside the \(profile.name)'s \(lit(minHz))Hz … \(lit(maxHz))Hz")
        }
        guard spec.amplitude > 0, spec.amplitude.isFinite else { throw .outOfRange("EIS amplitude must be > 0") }
        var w = ScriptWriter()
        var loops: [MethodSCRIPTProgram.LoopRole] = []
        let points = MethodSCRIPTLiteral.integer(freqs.count)
        let sweepArgs = "\(lit(spec.amplitude)) \(lit(spec.startHz)) \(lit(spec.endHz)) \(points)"
        switch spec.mode {
        case .potentiostatic:
            guard spec.amplitude <= 1 else { throw .outOfRange("EIS amplitude \(spec.amplitude) V: at most 1 V rms") }
            let dc: Operand = spec.dcLevel.map(Operand.value) ?? .variable("e_dc")
            if let v = spec.dcLevel { try checkVolts(v, "EIS DC potential") }
            w.declare(spec.dcLevel == nil ? ["e_dc", "t", "f", "r", "j"] : ["t", "f", "r", "j"])
            w.header(mode: profile.highSpeedMode)
            if let v = spec.dcLevel { w.line("set_range_minmax da \(lit(v)) \(lit(v))") }
            currentRange(&w, profile.maxAbsCurrent)
            if spec.dcLevel == nil { probe(&w, into: "e_dc"); loops.append(.probe) }
            w.line("set_e \(text(dc))")
            w.line("cell_on")
            w.line("timer_start")
            w.line("meas_loop_eis f r j \(sweepArgs) \(text(dc))")
        case .galvanostatic:
            guard profile.galvanostat, let mode = profile.galvanostaticMode else {
                throw .unsupported("galvanostatic EIS: the \(profile.name) has no galvanostat mode")
            }
            let dc = spec.dcLevel ?? 0
            try checkAmperes(dc)
            try checkAmperes(spec.amplitude)
            w.declare(["t", "f", "r", "j"])
            w.header(mode: mode)
            let range = profile.range(covering: abs(dc) + spec.amplitude * 2.squareRoot())
            w.line("set_range ba \(lit(range.amperes))")
            w.line("set_autoranging ba \(lit(range.amperes)) \(lit(range.amperes))")
            w.line("set_i \(lit(dc))")
            w.line("cell_on")
            w.line("timer_start")
            w.line("meas_loop_geis f r j \(sweepArgs) \(lit(dc))")
        }
        w.packageBody(["t", "f", "r", "j"])
        w.line("endloop")
        loops.append(.impedance)
        w.finish()
        let perPoint = max(1, (spec.settleCycles + spec.integrationCycles + 2) / fLo)
        return MethodSCRIPTProgram(purpose: .impedance, lines: w.lines, loops: loops, packageInterval: perPoint,
                                   restartsWhenDone: false)
    }

    // MARK: - Pieces

    private func probe(_ w: inout ScriptWriter, into variable: String) {
        w.line("cell_off")
        w.line("meas_loop_ocp \(variable) \(lit(probeInterval)) \(lit(probeSeconds))")
        w.line("endloop")
    }

    private func currentRange(_ w: inout ScriptWriter, _ limit: Double) {
        let top = profile.range(covering: limit)
        w.line("set_range ba \(lit(top.amperes))")
        w.line("set_autoranging ba \(lit(profile.currentRanges[0].amperes)) \(lit(top.amperes))")
    }

    private func checkVolts(_ v: Double, _ what: String) throws(ChannelError) {
        guard v.isFinite, v >= profile.minVolts, v <= profile.maxVolts else {
            throw .outOfRange("\(what) \(v) V is outside the \(profile.name)'s \(profile.minVolts)…\(profile.maxVolts) V")
        }
    }

    private func checkAmperes(_ a: Double) throws(ChannelError) {
        guard a.isFinite, abs(a) <= profile.maxAbsCurrent * (1 + 1e-12) else {
            throw .outOfRange("\(a) A is beyond the \(profile.name)'s ±\(profile.maxAbsCurrent) A")
        }
    }

    private func lit(_ v: Double) -> String { MethodSCRIPTLiteral.format(v) }

    private func text(_ o: Operand) -> String {
        switch o {
        case .value(let v): lit(v)
        case .variable(let name): name
        }
    }
}

/// Accumulates script lines with the indentation of the loop bodies.
struct ScriptWriter {
    var lines: [String] = []

    mutating func line(_ s: String, indent: Int = 0) {
        lines.append(String(repeating: "  ", count: indent) + s)
    }

    mutating func declare(_ names: String...) { declare(names) }
    mutating func declare(_ names: [String]) { for n in names { line("var \(n)") } }

    mutating func header(mode: Int) {
        line("set_pgstat_chan 0")
        line("set_pgstat_mode \(mode)")
    }

    /// Inside a measurement loop: read the timer, send the variables as one package.
    mutating func packageBody(_ names: [String]) {
        line("timer_get \(names[0])", indent: 1)
        line("pck_start", indent: 1)
        for n in names { line("pck_add \(n)", indent: 1) }
        line("pck_end", indent: 1)
    }

    /// Inside a measurement loop: leave it, saying why, when `condition` holds.
    mutating func guardLoop(_ condition: String, _ message: String) {
        line("if \(condition)", indent: 1)
        line("send_string \"\(message)\"", indent: 2)
        line("breakloop", indent: 2)
        line("endif", indent: 1)
    }

    mutating func finish() {
        line("on_finished:")
        line("cell_off", indent: 1)
    }
}
