import EchemCore
import Yams

/// The value under a step's mode key: `charge: 0.1C`, `hold: {voltage: 4.2 V, current_limit: 5 mA}`,
/// `sweep: {...}`, `eis: {...}`, `temperature: {...}`, `operator: text`.
enum ModeReader {
    static let sweepKeys = ["start", "vertices", "scan_rate", "cycles", "first_cycle", "end", "step", "return_to_start"]
    static let firstCycleKeys = ["vertices", "scan_rate"]
    static let eisKeys = ["mode", "from", "to", "points_per_decade", "amplitude", "dc", "settle_cycles", "integration_cycles"]
    static let holdKeys = ["voltage", "current_limit"]
    static let cccvKeys = ["current", "voltage"]
    static let temperatureKeys = ["setpoint", "soak"]
    static let currents = PhysicalDimension.anyCurrent

    static func read(_ key: String, _ v: Node, ends: inout [ConditionSyntax], _ r: NodeReader) -> ModeSyntax? {
        switch key {
        case "rest", "ocv":
            if r.isNull(v) { return .rest }
            if case .mapping(let m) = v, m.isEmpty { return .rest }
            guard let q = r.quantity(v, what: key, [.time]) else { return nil }
            guard q.quantity.value > 0 else {
                r.error(q.location, "\(key) '\(q.text)' must be a positive duration", expected: "e.g. \(key): 2 h"); return nil
            }
            ends.append(ConditionSyntax(quantity: .stepTime, comparison: .greaterOrEqual, value: q,
                                        text: "time >= \(q.text)", action: .next, location: q.location))
            return .rest
        case "charge", "discharge":
            guard let q = r.quantity(v, what: key, currents) else { return nil }
            guard q.quantity.value > 0 else {
                r.error(q.location, "\(key) takes a positive magnitude, found '\(q.text)'",
                        expected: "a positive current; use 'current:' for a signed value"); return nil
            }
            return .current(key == "charge" ? q : LocatedQuantity(quantity: q.quantity.negated, location: q.location))
        case "current", "chronopotentiometry":
            guard let q = r.quantity(v, what: key, currents) else { return nil }
            return .current(q)
        case "hold", "chronoamperometry":
            if case .mapping = v {
                guard let m = r.mapping(v, what: key, keys: holdKeys) else { return nil }
                guard let vn = m["voltage"] else {
                    r.error(r.loc(v), "\(key) needs 'voltage'", expected: "{voltage: 4.2 V, current_limit: 5 mA}"); return nil
                }
                guard let volts = r.quantity(vn, what: "\(key).voltage", [.voltage]) else { return nil }
                var limit: LocatedQuantity? = nil
                if let ln = m["current_limit"] {
                    limit = RulesReader.magnitude(ln, "\(key).current_limit", currents, r)
                }
                return .voltage(volts, currentLimit: limit)
            }
            guard let volts = r.quantity(v, what: key, [.voltage]) else { return nil }
            return .voltage(volts, currentLimit: nil)
        case "cccv":
            guard let m = r.mapping(v, what: "cccv", keys: cccvKeys) else { return nil }
            guard let cn = m["current"], let vn = m["voltage"] else {
                r.error(r.loc(v), "cccv needs 'current' and 'voltage'", expected: "{current: C/5, voltage: 4.2 V}"); return nil
            }
            let c = r.quantity(cn, what: "cccv.current", currents)
            let volts = r.quantity(vn, what: "cccv.voltage", [.voltage])
            guard let c, let volts else { return nil }
            guard c.quantity.value != 0 else {
                r.error(c.location, "cccv current is zero", expected: "a signed current; positive charges"); return nil
            }
            return .cccv(current: c, voltage: volts)
        case "power":
            guard let q = r.quantity(v, what: "power", [.power]) else { return nil }
            guard q.quantity.value != 0 else {
                r.error(q.location, "power is zero", expected: "a signed power; positive charges"); return nil
            }
            return .power(q)
        case "resistance":
            guard let q = r.quantity(v, what: "resistance", [.resistance]) else { return nil }
            guard q.quantity.value > 0 else {
                r.error(q.location, "resistance must be positive, found '\(q.text)'", expected: "e.g. 100 ohm"); return nil
            }
            return .resistance(q)
        case "sweep": return sweep(v, r).map(ModeSyntax.sweep)
        case "eis": return eis(v, r).map(ModeSyntax.eis)
        case "temperature":
            if case .mapping = v {
                guard let m = r.mapping(v, what: "temperature", keys: temperatureKeys) else { return nil }
                guard let sn = m["setpoint"] else {
                    r.error(r.loc(v), "temperature needs 'setpoint'", expected: "{setpoint: 60 degC, soak: 2 h}"); return nil
                }
                guard let sp = r.quantity(sn, what: "temperature.setpoint", [.temperature]) else { return nil }
                var soak: LocatedQuantity? = nil
                if let n = m["soak"], let q = r.quantity(n, what: "temperature.soak", [.time]) {
                    if q.quantity.value < 0 { r.error(q.location, "soak '\(q.text)' is negative", expected: "a duration ≥ 0") } else { soak = q }
                }
                return .temperature(setpoint: sp, soak: soak)
            }
            guard let sp = r.quantity(v, what: "temperature", [.temperature]) else { return nil }
            return .temperature(setpoint: sp, soak: nil)
        case "operator":
            guard let s = r.string(v, what: "operator") else { return nil }
            return .operatorPause(s)
        default:
            return nil
        }
    }

    static func sweep(_ node: Node, _ r: NodeReader) -> SweepSyntax? {
        guard let m = r.mapping(node, what: "sweep", keys: sweepKeys) else { return nil }
        var start: LocatedQuantity? = nil
        if let n = m["start"], !(n.scalar?.string.lowercased() == "ocv") {
            start = r.quantity(n, what: "sweep.start", [.voltage])
        }
        let vertices = m["vertices"].map { voltages($0, "sweep.vertices", r) }
        if m["vertices"] == nil { r.error(r.loc(node), "sweep needs 'vertices'", expected: "vertices: [0.01 V, 2.5 V]") }
        let rate = m["scan_rate"].flatMap { r.quantity($0, what: "sweep.scan_rate", [.scanRate]) }
        if m["scan_rate"] == nil { r.error(r.loc(node), "sweep needs 'scan_rate'", expected: "scan_rate: 0.1 mV/s") }
        if let rate, rate.quantity.value <= 0 {
            r.error(rate.location, "scan rate '\(rate.text)' must be positive", expected: "e.g. 0.1 mV/s")
        }
        var cycles = 1
        var cyclesAt = r.loc(node)
        if let n = m["cycles"] { cyclesAt = r.loc(n); cycles = r.int(n, what: "sweep.cycles", range: 1...StepReader.maxLoopCount) ?? 1 }
        var firstV: [LocatedQuantity]? = nil
        var firstRate: LocatedQuantity? = nil
        if let n = m["first_cycle"], let fm = r.mapping(n, what: "sweep.first_cycle", keys: firstCycleKeys) {
            if let vn = fm["vertices"] { firstV = voltages(vn, "sweep.first_cycle.vertices", r) }
            if let rn = fm["scan_rate"], let q = r.quantity(rn, what: "sweep.first_cycle.scan_rate", [.scanRate]) {
                if q.quantity.value <= 0 { r.error(q.location, "scan rate '\(q.text)' must be positive", expected: "e.g. 0.1 mV/s") } else { firstRate = q }
            }
            if fm.order.isEmpty { r.error(r.loc(n), "first_cycle is empty", expected: "vertices and/or scan_rate") }
        }
        let end = m["end"].flatMap { r.quantity($0, what: "sweep.end", [.voltage]) }
        let step = m["step"].flatMap { r.quantity($0, what: "sweep.step", [.voltage]) }
        if let step, step.quantity.value <= 0 { r.error(step.location, "sweep.step must be positive", expected: "e.g. 1 mV") }
        let back = m["return_to_start"].flatMap { r.bool($0, what: "return_to_start") } ?? true
        guard let vertices, !vertices.isEmpty, let rate, rate.quantity.value > 0 else { return nil }
        return SweepSyntax(start: start, vertices: vertices, scanRate: rate, cycles: cycles, cyclesLocation: cyclesAt,
                           firstCycleVertices: firstV, firstCycleScanRate: firstRate, end: end, step: step,
                           returnsToStart: back, location: r.loc(node))
    }

    static func voltages(_ n: Node, _ what: String, _ r: NodeReader) -> [LocatedQuantity] {
        guard let items = r.sequence(n, what: what) else { return [] }
        if items.isEmpty { r.error(r.loc(n), "\(what) is empty", expected: "at least one vertex voltage") }
        return items.compactMap { r.quantity($0, what: what, [.voltage]) }
    }

    /// EIS with the documented defaults: 100 kHz → 10 mHz, 10 points/decade, 10 mV at OCV, 1 + 3 cycles.
    static func eis(_ node: Node, _ r: NodeReader) -> EISSyntax? {
        let at = r.loc(node)
        var spec = EISSyntax(mode: .potentiostatic,
                             from: LocatedQuantity(quantity: Quantity(1e5, .frequency, text: "100 kHz"), location: at),
                             to: LocatedQuantity(quantity: Quantity(1e-2, .frequency, text: "10 mHz"), location: at),
                             pointsPerDecade: 10, pointsLocation: at,
                             amplitude: LocatedQuantity(quantity: Quantity(0.01, .voltage, text: "10 mV"), location: at),
                             dc: nil, settleCycles: 1, integrationCycles: 3, cyclesLocation: at, location: at)
        if r.isNull(node) { return spec }
        guard let m = r.mapping(node, what: "eis", keys: eisKeys) else { return nil }
        var ok = true
        if let n = m["mode"], let s = r.string(n, what: "eis.mode") {
            if let mode = EISMode(rawValue: s) { spec.mode = mode } else {
                r.error(r.loc(n), "unknown EIS mode '\(s)'", expected: "potentiostatic or galvanostatic"); ok = false
            }
        }
        for (key, keyPath) in [("from", \EISSyntax.from), ("to", \EISSyntax.to)] {
            guard let n = m[key] else { continue }
            guard let q = r.quantity(n, what: "eis.\(key)", [.frequency]) else { ok = false; continue }
            guard q.quantity.value > 0 else {
                r.error(q.location, "eis.\(key) '\(q.text)' must be positive", expected: "a frequency > 0"); ok = false; continue
            }
            spec[keyPath: keyPath] = q
        }
        if let n = m["points_per_decade"] {
            spec.pointsLocation = r.loc(n)
            if let p = r.int(n, what: "eis.points_per_decade", range: 1...1000) { spec.pointsPerDecade = p } else { ok = false }
        }
        let galvanostatic = spec.mode == .galvanostatic
        if let n = m["amplitude"] {
            let dims: Set<PhysicalDimension> = galvanostatic ? currents : [.voltage]
            if let q = r.quantity(n, what: "eis.amplitude (\(spec.mode.rawValue))", dims) {
                if q.quantity.value <= 0 { r.error(q.location, "eis.amplitude must be positive", expected: "e.g. 5 mV"); ok = false }
                spec.amplitude = q
            } else { ok = false }
        } else if galvanostatic {
            r.error(r.loc(node), "galvanostatic EIS needs 'amplitude'", expected: "a current amplitude, e.g. amplitude: 10 µA"); ok = false
        }
        if let n = m["dc"], !(n.scalar?.string.lowercased() == "ocv") {
            let dims: Set<PhysicalDimension> = galvanostatic ? currents : [.voltage]
            if let q = r.quantity(n, what: "eis.dc (\(spec.mode.rawValue))", dims) { spec.dc = q } else { ok = false }
        }
        for key in ["settle_cycles", "integration_cycles"] {
            guard let n = m[key] else { continue }
            spec.cyclesLocation = r.loc(n)
            guard let v = r.number(n, what: "eis.\(key)", range: (key == "settle_cycles" ? 0 : 0.001)...10_000) else { ok = false; continue }
            if key == "settle_cycles" { spec.settleCycles = v } else { spec.integrationCycles = v }
        }
        return ok ? spec : nil
    }
}
