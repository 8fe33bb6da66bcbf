import EchemCore
import Foundation
import Yams

/// aurora-unicycler JSON (record, safety, method[...]) into `ProtocolSyntax`. Its conventions:
/// positive current or C-rate charges; `loop.cycle_count` is the total number of passes;
/// `loop_to` names a tag or a 1-based index into `method` (tags included); a zero or empty
/// `until_*` field means "not set". Loops become structured loops; a jump that would cross another
/// loop's boundary is an error.
enum UnicyclerImporter {
    static let topKeys = ["unicycler", "sample", "record", "safety", "method"]
    static let stepKeys: [String: [String]] = [
        "open_circuit_voltage": ["until_time_s"],
        "constant_current": ["rate_C", "current_mA", "until_time_s", "until_voltage_V"],
        "constant_voltage": ["voltage_V", "until_time_s", "until_rate_C", "until_current_mA"],
        "impedance_spectroscopy": ["amplitude_V", "amplitude_mA", "start_frequency_Hz", "end_frequency_Hz",
                                   "points_per_decade", "measures_per_point", "drift_correction"],
        "voltage_scan": ["start_voltage_V", "end_voltage_V", "scan_rate_mV_per_s"],
        "tag": ["tag"],
        "loop": ["loop_to", "cycle_count"],
    ]

    /// One `method` entry after reading.
    enum Entry {
        case step(StepSyntax)
        case tag(String)
        case loop(to: Node, count: Int, location: SourceLocation)
        case invalid
    }

    static func read(_ root: Node, _ r: NodeReader) -> ProtocolSyntax? {
        guard let m = r.mapping(root, what: "the unicycler protocol", keys: topKeys) else { return nil }
        let stem = URL(fileURLWithPath: r.file).deletingPathExtension().lastPathComponent
        var doc = ProtocolSyntax(name: stem, location: r.loc(root))
        if let n = m["unicycler"] { _ = r.mapping(n, what: "unicycler", keys: ["version"]) }
        if let n = m["sample"] { doc.cell = sample(n, r) }
        if let n = m["record"] { doc.record = record(n, r) } else {
            r.error(r.loc(root), "missing 'record'", expected: "record: {\"time_s\": 10}")
        }
        if let n = m["safety"], !r.isNull(n) { doc.safety = safety(n, r) }
        guard let mn = m["method"], let items = r.sequence(mn, what: "method") else {
            if m["method"] == nil { r.error(r.loc(root), "missing 'method'", expected: "method: [ … steps … ]") }
            return doc
        }
        if items.isEmpty { r.error(r.loc(mn), "method is empty", expected: "at least one step") }
        let entries = items.map { entry($0, r) }
        doc.steps = structure(entries, items, r)
        return doc
    }

    // MARK: header

    static func sample(_ n: Node, _ r: NodeReader) -> CellSyntax? {
        guard let m = r.mapping(n, what: "sample", keys: ["name", "capacity_mAh"]) else { return nil }
        var name = "sample"
        if let nn = m["name"], !r.isNull(nn), let s = r.scalar(nn, what: "sample.name", expected: "text"), s != "$NAME", !s.isEmpty { name = s }
        guard let cn = m["capacity_mAh"], let mAh = number(cn, "sample.capacity_mAh", r) else { return nil }
        guard mAh > 0 else { r.error(r.loc(cn), "sample.capacity_mAh must be positive", expected: "> 0"); return nil }
        let cell = CellMetadata(name: name, nominalCapacity: mAh / 1000)
        return CellSyntax(metadata: cell, derivations: ["1C = \(SIFormat.number(mAh)) mAh / 1 h = \(SIFormat.format(mAh / 1000, unit: "A"))"],
                          location: r.loc(n))
    }

    static func record(_ n: Node, _ r: NodeReader) -> RecordSyntax? {
        guard let m = r.mapping(n, what: "record", keys: ["current_mA", "voltage_V", "time_s"]) else { return nil }
        var rec = RecordSyntax(location: r.loc(n))
        rec.every = q(m["time_s"], "record.time_s", .time, 1, "s", r)
        rec.dV = q(m["voltage_V"], "record.voltage_V", .voltage, 1, "V", r)
        rec.dI = q(m["current_mA"], "record.current_mA", .current, 1e-3, "mA", r)
        if rec.every == nil, m["time_s"] == nil { r.error(r.loc(n), "record needs 'time_s'", expected: "time_s: seconds between samples") }
        for x in [rec.every, rec.dV, rec.dI].compactMap({ $0 }) where x.quantity.value <= 0 {
            r.error(x.location, "record value '\(x.text)' must be positive", expected: "> 0")
        }
        return rec
    }

    static func safety(_ n: Node, _ r: NodeReader) -> SafetySyntax? {
        let keys = ["max_voltage_V", "min_voltage_V", "max_current_mA", "min_current_mA", "max_capacity_mAh", "delay_s"]
        guard let m = r.mapping(n, what: "safety", keys: keys) else { return nil }
        var s = SafetySyntax(action: nil, location: r.loc(n))
        s.maxVolts = q(m["max_voltage_V"], "safety.max_voltage_V", .voltage, 1, "V", r)
        s.minVolts = q(m["min_voltage_V"], "safety.min_voltage_V", .voltage, 1, "V", r)
        if let lo = s.minVolts, let hi = s.maxVolts, lo.quantity.value >= hi.quantity.value {
            r.error(hi.location, "max_voltage_V must be larger than min_voltage_V", expected: "min < max")
        }
        let hi = q(m["max_current_mA"], "safety.max_current_mA", .current, 1e-3, "mA", r)
        let lo = q(m["min_current_mA"], "safety.min_current_mA", .current, 1e-3, "mA", r)
        if let a = hi ?? lo {
            // echemd bounds |I|: take the larger magnitude of the two signed bounds
            let mags = [hi, lo].compactMap { $0 }.map { abs($0.quantity.value) }
            let mag = mags.max() ?? 0
            if mags.count == 2, abs(mags[0] - mags[1]) > 1e-12 {
                r.warning(a.location, "echemd limits |I| only; using the larger bound \(SIFormat.format(mag, unit: "A"))",
                          expected: "symmetric current limits")
            }
            if mag > 0 { s.current = LocatedQuantity(quantity: Quantity(mag, .current), location: a.location) }
        }
        s.capacity = q(m["max_capacity_mAh"], "safety.max_capacity_mAh", .capacity, 1e-3, "mAh", r)
        s.debounce = q(m["delay_s"], "safety.delay_s", .time, 1, "s", r)
        return s
    }

    // MARK: steps

    static func entry(_ node: Node, _ r: NodeReader) -> Entry {
        guard case .mapping(let raw) = node else {
            r.error(r.loc(node), "a method step must be a map, found \(r.describe(node))", expected: "{\"step\": \"constant_current\", …}")
            return .invalid
        }
        guard let kindNode = raw.first(where: { $0.key.scalar?.string == "step" })?.value,
              let kind = r.string(kindNode, what: "step") else {
            r.error(r.loc(node), "a method step needs 'step'", expected: "one of: \(stepKeys.keys.sorted().joined(separator: ", "))")
            return .invalid
        }
        guard let fields = stepKeys[kind] else {
            r.error(r.loc(kindNode), "unknown step type '\(kind)'", expected: "one of: \(stepKeys.keys.sorted().joined(separator: ", "))")
            return .invalid
        }
        guard let m = r.mapping(node, what: "a \(kind) step", keys: ["step", "id"] + fields) else { return .invalid }
        let at = r.loc(node)
        let summary = ([kind] + m.order.filter { $0 != "step" && $0 != "id" }.compactMap { k -> String? in
            guard let v = m[k], !r.isNull(v) else { return nil }
            return "\(k)=\(NodeText.render(v))"
        }).joined(separator: " ")
        func step(_ mode: ModeSyntax, _ ends: [ConditionSyntax]) -> Entry {
            .step(StepSyntax(label: nil, labelLocation: nil, summary: summary, mode: mode, ends: ends, location: at))
        }
        switch kind {
        case "open_circuit_voltage":
            guard let t = q(m["until_time_s"], "until_time_s", .time, 1, "s", r), t.quantity.value > 0 else {
                r.error(at, "open_circuit_voltage needs until_time_s > 0", expected: "until_time_s: seconds"); return .invalid
            }
            return step(.rest, [timeEnd(t)])
        case "constant_current":
            let rate = cRate(m["rate_C"], "rate_C", r)
            let mA = q(m["current_mA"], "current_mA", .current, 1e-3, "mA", r)
            guard let current = (rate.flatMap { $0.quantity.value != 0 ? $0 : nil }) ?? (mA.flatMap { $0.quantity.value != 0 ? $0 : nil }) else {
                r.error(at, "constant_current needs rate_C or current_mA, non-zero", expected: "e.g. \"rate_C\": 0.5"); return .invalid
            }
            var ends: [ConditionSyntax] = []
            if let t = nonZero(q(m["until_time_s"], "until_time_s", .time, 1, "s", r)) { ends.append(timeEnd(t)) }
            if let v = nonZero(q(m["until_voltage_V"], "until_voltage_V", .voltage, 1, "V", r)) {
                let op: Comparison = current.quantity.value > 0 ? .greaterOrEqual : .lessOrEqual
                ends.append(ConditionSyntax(quantity: .voltage, comparison: op, value: v, text: "V \(op.rawValue) \(v.text)",
                                            action: .next, location: v.location))
            }
            if ends.isEmpty { r.error(at, "constant_current needs until_time_s or until_voltage_V", expected: "a stop condition") }
            return step(.current(current), ends)
        case "constant_voltage":
            guard let v = q(m["voltage_V"], "voltage_V", .voltage, 1, "V", r) else {
                if m["voltage_V"] == nil { r.error(at, "constant_voltage needs voltage_V", expected: "voltage_V: volts") }
                return .invalid
            }
            var ends: [ConditionSyntax] = []
            if let t = nonZero(q(m["until_time_s"], "until_time_s", .time, 1, "s", r)) { ends.append(timeEnd(t)) }
            let rate = nonZero(cRate(m["until_rate_C"], "until_rate_C", r))
            let mA = nonZero(q(m["until_current_mA"], "until_current_mA", .current, 1e-3, "mA", r))
            if let c = rate ?? mA {
                let mag = LocatedQuantity(quantity: c.quantity.magnitude, location: c.location)
                ends.append(ConditionSyntax(quantity: .absCurrent, comparison: .lessOrEqual, value: mag,
                                            text: "|I| <= \(mag.text)", action: .next, location: c.location))
            }
            if ends.isEmpty { r.error(at, "constant_voltage needs until_time_s, until_rate_C or until_current_mA", expected: "a stop condition") }
            return step(.voltage(v, currentLimit: nil), ends)
        case "impedance_spectroscopy":
            return eis(m, at, r).map { step(.eis($0), []) } ?? .invalid
        case "voltage_scan":
            let s = q(m["start_voltage_V"], "start_voltage_V", .voltage, 1, "V", r)
            let e = q(m["end_voltage_V"], "end_voltage_V", .voltage, 1, "V", r)
            let rate = q(m["scan_rate_mV_per_s"], "scan_rate_mV_per_s", .scanRate, 1e-3, "mV/s", r)
            guard let s, let e, let rate else {
                r.error(at, "voltage_scan needs start_voltage_V, end_voltage_V and scan_rate_mV_per_s", expected: "all three"); return .invalid
            }
            guard rate.quantity.value > 0 else { r.error(rate.location, "scan_rate_mV_per_s must be positive", expected: "> 0"); return .invalid }
            guard s.quantity.value != e.quantity.value else { r.error(e.location, "start and end voltage are equal", expected: "different voltages"); return .invalid }
            return step(.sweep(SweepSyntax(start: s, vertices: [e], scanRate: rate, cycles: 1, cyclesLocation: at,
                                           firstCycleVertices: nil, firstCycleScanRate: nil, end: nil, step: nil,
                                           returnsToStart: false, location: at)), [])
        case "tag":
            guard let tn = m["tag"], let t = r.string(tn, what: "tag") else {
                if m["tag"] == nil { r.error(at, "a tag step needs 'tag'", expected: "a non-empty name") }
                return .invalid
            }
            return .tag(t)
        case "loop":
            var count = 1
            if let cn = m["cycle_count"] { count = r.int(cn, what: "cycle_count", range: 1...StepReader.maxLoopCount) ?? 1 } else {
                r.error(at, "a loop needs cycle_count", expected: "cycle_count: the total number of passes")
            }
            let to = m["loop_to"] ?? Node("1", .implicit, .plain)
            return .loop(to: to, count: count, location: at)
        default:
            return .invalid
        }
    }

    static func eis(_ m: KeyedMap, _ at: SourceLocation, _ r: NodeReader) -> EISSyntax? {
        let ampV = q(m["amplitude_V"], "amplitude_V", .voltage, 1, "V", r)
        let ampA = q(m["amplitude_mA"], "amplitude_mA", .current, 1e-3, "mA", r)
        if ampV != nil, ampA != nil { r.error(at, "set amplitude_V or amplitude_mA, not both", expected: "one amplitude"); return nil }
        guard let amp = ampV ?? ampA else { r.error(at, "impedance_spectroscopy needs amplitude_V or amplitude_mA", expected: "one amplitude"); return nil }
        let from = q(m["start_frequency_Hz"], "start_frequency_Hz", .frequency, 1, "Hz", r)
        let to = q(m["end_frequency_Hz"], "end_frequency_Hz", .frequency, 1, "Hz", r)
        guard let from, let to else {
            r.error(at, "impedance_spectroscopy needs start_frequency_Hz and end_frequency_Hz", expected: "1e-5 … 1e7 Hz"); return nil
        }
        for f in [from, to] where !(1e-5...1e7).contains(f.quantity.value) {
            r.error(f.location, "frequency \(f.text) is outside 1e-5 … 1e7 Hz", expected: "1e-5 … 1e7 Hz"); return nil
        }
        var ppd = 10
        if let n = m["points_per_decade"], !r.isNull(n) { ppd = r.int(n, what: "points_per_decade", range: 1...1000) ?? 10 }
        var measures = 1
        if let n = m["measures_per_point"], !r.isNull(n) { measures = r.int(n, what: "measures_per_point", range: 1...1000) ?? 1 }
        if let n = m["drift_correction"], !r.isNull(n), r.bool(n, what: "drift_correction") == true {
            r.warning(r.loc(n), "drift_correction is not supported by echemd and is ignored")
        }
        return EISSyntax(mode: ampV != nil ? .potentiostatic : .galvanostatic, from: from, to: to, pointsPerDecade: ppd,
                         pointsLocation: at, amplitude: amp, dc: nil, settleCycles: 1, integrationCycles: Double(measures),
                         cyclesLocation: at, location: at)
    }

    // MARK: values

    static func timeEnd(_ t: LocatedQuantity) -> ConditionSyntax {
        ConditionSyntax(quantity: .stepTime, comparison: .greaterOrEqual, value: t, text: "time >= \(t.text)", action: .next, location: t.location)
    }

    static func nonZero(_ q: LocatedQuantity?) -> LocatedQuantity? {
        guard let q, q.quantity.value != 0 else { return nil }
        return q
    }

    /// A JSON number (or numeric string); nil for null or "" (the package reads those as unset).
    static func number(_ n: Node, _ what: String, _ r: NodeReader) -> Double? {
        if r.isNull(n) { return nil }
        guard let s = r.scalar(n, what: what, expected: "a number") else { return nil }
        if s.trimmingWhitespace().isEmpty { return nil }
        guard let v = Double(s.trimmingWhitespace()), v.isFinite else {
            r.error(r.loc(n), "\(what) must be a number, found '\(s)'", expected: "a finite number"); return nil
        }
        return v
    }

    static func q(_ n: Node?, _ what: String, _ dim: PhysicalDimension, _ factor: Double, _ unit: String, _ r: NodeReader) -> LocatedQuantity? {
        guard let n, let v = number(n, what, r) else { return nil }
        return LocatedQuantity(quantity: Quantity(v * factor, dim, text: "\(SIFormat.number(v, significant: 6)) \(unit)"), location: r.loc(n))
    }

    /// `0.5`, `"C/2"`, `"1/5"`, `"D/2"` (= −0.5, a discharge), as the package accepts.
    static func cRate(_ n: Node?, _ what: String, _ r: NodeReader) -> LocatedQuantity? {
        guard let n, !r.isNull(n), let s = r.scalar(n, what: what, expected: "a C-rate") else { return nil }
        let t = s.replacingOccurrences(of: " ", with: "")
        if t.isEmpty { return nil }
        var value: Double? = Double(t)
        if value == nil {
            let parts = t.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, let den = Double(parts[1]), den != 0 {
                var num = parts[0]
                var sign = 1.0
                if num.filter({ $0 == "C" || $0 == "D" }).count <= 1 {
                    if num.contains("D") { sign = -1 }
                    num = num.replacingOccurrences(of: "C", with: "").replacingOccurrences(of: "D", with: "")
                    if let n0 = num.isEmpty ? 1 : Double(num) { value = sign * n0 / den }
                }
            }
        }
        guard let v = value, v.isFinite else {
            r.error(r.loc(n), "\(what) '\(s)' is not a C-rate", expected: "a number or a fraction like C/2"); return nil
        }
        return LocatedQuantity(quantity: Quantity(v, .cRate, text: "\(SIFormat.number(v, significant: 6))C"), location: r.loc(n))
    }
}
