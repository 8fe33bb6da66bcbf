import EchemCore

/// Checks on resolved SI values: plausibility (no NaN, no 20-year steps, no megaamperes) and,
/// when a channel is given, its modes and ranges.
struct ProgramChecks {
    let r: NodeReader
    let capabilities: ChannelCapabilities?

    static let tenYears = 10 * 365.25 * 86400.0

    /// Plausible SI ranges by dimension (absolute value unless noted).
    static func plausibleRange(_ dim: PhysicalDimension) -> (ClosedRange<Double>, String)? {
        switch dim {
        case .current: return (-1e6...1e6, "|I| ≤ 1 MA")
        case .voltage: return (-1e4...1e4, "|V| ≤ 10 kV")
        case .power: return (-1e7...1e7, "|P| ≤ 10 MW")
        case .resistance: return (1e-9...1e12, "0 < R ≤ 1 TΩ")
        case .time: return (0...tenYears, "0 s … 10 years")
        case .frequency: return (1e-9...1e9, "0 < f ≤ 1 GHz")
        case .scanRate: return (-1e4...1e4, "|rate| ≤ 10 kV/s")
        case .capacity: return (-1e6...1e6, "|Q| ≤ 1 MAh")
        case .energy: return (-1e9...1e9, "|E| ≤ 1 GWh")
        case .temperature: return (-273.15...1000, "−273.15 … 1000 °C")
        case .dimensionless: return (-1e9...1e9, "a number below 10⁹")
        default: return nil
        }
    }

    func plausible(_ q: LocatedQuantity, _ si: Double, _ dim: PhysicalDimension) {
        guard si.isFinite else {
            r.error(q.location, "'\(q.text)' is not a finite number", expected: "a finite value"); return
        }
        guard let (range, text) = Self.plausibleRange(dim) else { return }
        if !range.contains(si) {
            if dim == .time, si < 0 {
                r.error(q.location, "negative duration '\(q.text)'", expected: "a duration ≥ 0")
            } else {
                r.error(q.location, "'\(q.text)' (\(SIFormat.format(si, unit: dim.siUnit))) is not a plausible \(dim.noun)",
                        expected: text)
            }
        }
    }

    /// Mode support and setpoint ranges against the channel.
    func control(_ c: Control, at: SourceLocation) {
        guard let cap = capabilities else { return }
        if !cap.modes.contains(c.kind) {
            r.error(at, "the channel cannot run \(c.kind.rawValue) steps",
                    expected: "one of its modes: \(cap.modes.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        switch c {
        case .current(let a): current(a, cap, at)
        case .voltage(let v, let lim):
            voltage(v, cap, at, "hold voltage")
            if let lim { current(lim, cap, at) }
        case .cccv(let a, let v): current(a, cap, at); voltage(v, cap, at, "cccv voltage")
        case .power(let w):
            if let maxP = cap.maxAbsPower, abs(w) > maxP {
                r.error(at, "power \(SIFormat.format(w, unit: "W")) exceeds the channel's limit \(SIFormat.format(maxP, unit: "W"))",
                        expected: "|P| ≤ \(SIFormat.format(maxP, unit: "W"))")
            }
        case .sweep(let s):
            let starts = s.startsAtOpenCircuit == true ? [] : [s.startVolts]
            for v in starts + s.vertices + (s.firstCycleVertices ?? []) + [s.endVolts].compactMap({ $0 }) {
                voltage(v, cap, at, "sweep vertex")
            }
        case .eis(let e):
            if !cap.eis { r.error(at, "the channel cannot measure impedance", expected: "a channel with EIS") }
            for f in [e.startHz, e.endHz] {
                if let lo = cap.minHz, f < lo * (1 - 1e-9) {
                    r.error(at, "EIS frequency \(SIFormat.format(f, unit: "Hz")) is below the channel's \(SIFormat.format(lo, unit: "Hz"))",
                            expected: "≥ \(SIFormat.format(lo, unit: "Hz"))")
                }
                if let hi = cap.maxHz, f > hi * (1 + 1e-9) {
                    r.error(at, "EIS frequency \(SIFormat.format(f, unit: "Hz")) is above the channel's \(SIFormat.format(hi, unit: "Hz"))",
                            expected: "≤ \(SIFormat.format(hi, unit: "Hz"))")
                }
            }
            if e.mode == .galvanostatic { current(abs(e.amplitude) + abs(e.dcLevel ?? 0), cap, at) }
            else if let dc = e.dcLevel { voltage(dc, cap, at, "EIS DC level") }
        case .temperature:
            if !cap.chamber { r.error(at, "the channel has no temperature chamber", expected: "a channel with a chamber") }
        default: break
        }
    }

    func current(_ a: Double, _ cap: ChannelCapabilities, _ at: SourceLocation) {
        if abs(a) > cap.maxAbsCurrent * (1 + 1e-9) {
            r.error(at, "current \(SIFormat.format(a, unit: "A")) exceeds the channel's limit \(SIFormat.format(cap.maxAbsCurrent, unit: "A"))",
                    expected: "|I| ≤ \(SIFormat.format(cap.maxAbsCurrent, unit: "A"))")
        }
    }

    func voltage(_ v: Double, _ cap: ChannelCapabilities, _ at: SourceLocation, _ what: String) {
        if v < cap.minVolts - 1e-12 || v > cap.maxVolts + 1e-12 {
            r.error(at, "\(what) \(SIFormat.format(v, unit: "V")) is outside the channel's range \(SIFormat.format(cap.minVolts, unit: "V")) … \(SIFormat.format(cap.maxVolts, unit: "V"))",
                    expected: "a voltage within the channel's range")
        }
    }

    func record(_ rule: RecordingRule, _ rec: RecordSyntax) {
        guard let cap = capabilities, let every = rule.everySeconds, let q = rec.every else { return }
        if every < cap.minSamplePeriod * (1 - 1e-9) {
            r.error(q.location, "record every \(q.text) is faster than the channel's minimum sample period \(SIFormat.duration(cap.minSamplePeriod))",
                    expected: "every ≥ \(SIFormat.duration(cap.minSamplePeriod))")
        }
    }

    /// The default rule (every 1 s) on a slower channel is not the author's doing: warn only.
    func defaultRecord(at: SourceLocation) {
        guard let cap = capabilities, cap.minSamplePeriod > 1 else { return }
        r.warning(at, "the default recording (every 1 s) is faster than the channel's minimum sample period \(SIFormat.duration(cap.minSamplePeriod))",
                  expected: "a record: {every: …} rule")
    }

    /// A step's `limits:` may only tighten the global `safety:`.
    func tightens(_ l: SafetyLimits, _ s: SafetySyntax, global g: SafetyLimits, globalDebounce: Double?) {
        func widen(_ q: LocatedQuantity?, _ what: String, _ mine: Double?, _ theirs: Double?, lowerBound: Bool, unit: String) {
            guard let q, let mine, let theirs else { return }
            let wider = lowerBound ? mine < theirs - 1e-12 : mine > theirs + 1e-12
            if wider {
                r.error(q.location, "limits.\(what) \(q.text) is wider than the global safety \(SIFormat.format(theirs, unit: unit))",
                        expected: "a per-step limit that tightens (\(lowerBound ? "≥" : "≤") \(SIFormat.format(theirs, unit: unit)))")
            }
        }
        widen(s.minVolts, "voltage min", l.minVolts, g.minVolts, lowerBound: true, unit: "V")
        widen(s.maxVolts, "voltage max", l.maxVolts, g.maxVolts, lowerBound: false, unit: "V")
        widen(s.current, "current", l.maxAbsCurrent, g.maxAbsCurrent, lowerBound: false, unit: "A")
        widen(s.capacity, "capacity", l.maxStepCapacity, g.maxStepCapacity, lowerBound: false, unit: "Ah")
        widen(s.minCelsius, "temperature min", l.minCelsius, g.minCelsius, lowerBound: true, unit: "°C")
        widen(s.maxCelsius, "temperature max", l.maxCelsius, g.maxCelsius, lowerBound: false, unit: "°C")
        widen(s.stepTime, "step_time", l.maxStepSeconds, g.maxStepSeconds, lowerBound: false, unit: "s")
        widen(s.debounce, "debounce", l.debounceSeconds, globalDebounce, lowerBound: false, unit: "s")
    }
}
