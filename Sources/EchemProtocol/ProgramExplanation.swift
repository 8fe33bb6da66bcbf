import EchemCore
import Foundation

/// The text `echemctl explain` prints: the program as the engine will run it, in friendly units.
public enum ProgramExplanation {
    public static func render(_ program: StepProgram, description: String? = nil, cell: CellMetadata? = nil) -> String {
        let cell = cell ?? program.cell
        let estimate = DurationEstimate.estimate(program, cell: cell)
        var out: [String] = []
        out.append("protocol: \(program.name)")
        out.append("source:   \(program.source)")
        if let d = description?.trimmingWhitespace(), !d.isEmpty {
            for line in d.split(separator: "\n", omittingEmptySubsequences: false) { out.append("  | \(line)") }
        }
        out.append("")
        out.append(contentsOf: cellLines(cell))
        if !program.resolutions.isEmpty {
            out.append("resolutions:")
            for r in program.resolutions { out.append("  \(r)") }
        }
        out.append("cycle definition: \(program.cycleDefinition.rawValue)")
        out.append("record: \(record(program.record))")
        out.append("safety: \(safety(program.safety))")
        out.append("")
        out.append("steps:")
        out.append(contentsOf: instructions(program.instructions, program: program, estimate: estimate, indent: "  "))
        if !program.cycleEvents.isEmpty {
            out.append("")
            out.append("events:")
            for ev in program.cycleEvents {
                var when: [String] = []
                if !ev.afterCycles.isEmpty { when.append("after cycles \(ev.afterCycles.map(String.init).joined(separator: ", "))") }
                if let n = ev.everyCycles { when.append("every \(n) cycles") }
                out.append("  \(when.joined(separator: " and ")) (line \(ev.location.line)):")
                if ev.body < program.subroutines.count {
                    out.append(contentsOf: instructions(program.subroutines[ev.body], program: program, estimate: estimate, indent: "    "))
                }
            }
        }
        out.append("")
        let bound = estimate.isLowerBound ? (estimate.isUpperBound ? "roughly " : "at least ")
                                          : (estimate.isUpperBound ? "at most " : "")
        out.append("estimated duration: \(bound)\(SIFormat.duration(estimate.totalSeconds)), \(estimate.cycles) cycle\(estimate.cycles == 1 ? "" : "s")"
                   + (cell.map { " on \($0.name)" } ?? ""))
        if !estimate.unknownSteps.isEmpty {
            let hint = cell?.oneCAmperes == nil ? "; a cell nominal_capacity or nominal_specific_capacity would let CC steps be estimated" : ""
            out.append("  \(estimate.unknownSteps.count) step\(estimate.unknownSteps.count == 1 ? "" : "s") could not be estimated\(hint)")
        }
        for n in estimate.notes { out.append("  note: \(n)") }
        return out.joined(separator: "\n") + "\n"
    }

    static func cellLines(_ cell: CellMetadata?) -> [String] {
        guard let c = cell else { return ["cell: none (absolute units only)"] }
        var out = ["cell: \(c.name)" + (c.chemistry.map { " (\($0))" } ?? "")]
        var facts: [String] = []
        if let a = c.areaCm2 { facts.append("area \(SIFormat.number(a)) cm²") }
        for (k, v) in c.masses.sorted(by: { $0.key < $1.key }) {
            facts.append("\(k) \(SIFormat.mass(v))" + (k == c.massBasis ? " (basis)" : ""))
        }
        if let s = c.nominalSpecificCapacity { facts.append("nominal \(SIFormat.format(s * 1000, unit: "")) mAh/g") }
        if let q = c.nominalCapacity { facts.append("nominal \(SIFormat.format(q, unit: "Ah"))") }
        if let oneC = c.oneCAmperes { facts.append("1C = \(SIFormat.format(oneC, unit: "A"))") }
        if let n = c.activeAmountMol { facts.append("n_m \(SIFormat.format(n, unit: "mol"))") }
        if let v = c.molarVolumeCm3PerMol { facts.append("V_m \(SIFormat.number(v)) cm³/mol") }
        if let s = c.interfacialAreaCm2 { facts.append("S \(SIFormat.number(s)) cm²") }
        if !facts.isEmpty { out.append("  " + facts.joined(separator: ", ")) }
        return out
    }

    static func instructions(_ ins: [Instruction], program: StepProgram, estimate: DurationEstimate, indent: String) -> [String] {
        var out: [String] = []
        var depth = 0
        for (index, i) in ins.enumerated() {
            let pad = indent + String(repeating: "  ", count: depth)
            switch i {
            case .loopBegin(let b):
                let label = b.label.map { " \($0)" } ?? ""
                let adv = b.advancesCycle ? "advances the cycle" : "cycle unchanged"
                let total = estimate.loopSeconds[b.id].map { "  ≈ \(SIFormat.duration($0)) in all" } ?? ""
                switch b.kind {
                case .counted(let n):
                    out.append("\(pad)loop\(label) ×\(n) (\(adv))\(total)")
                case .until(let cs, let maxPasses):
                    let passes = estimate.loopPasses[b.id].map { ", ≈\($0) passes" } ?? ""
                    out.append("\(pad)repeat\(label) until \(cs.map(condition).joined(separator: " or ")) (latched), at most \(maxPasses) passes\(passes) (\(adv))\(total)")
                }
                depth += 1
            case .loopEnd(let e):
                depth = max(0, depth - 1)
                let pad2 = indent + String(repeating: "  ", count: depth)
                if ins.indices.contains(e.beginIndex), case .loopBegin(let b) = ins[e.beginIndex] {
                    out.append("\(pad2)end loop\(b.label.map { " \($0)" } ?? "")")
                }
            case .step(let s):
                out.append(contentsOf: step(s, index: index, program: program, estimate: estimate, pad: pad))
            }
        }
        return out
    }

    static func step(_ s: Step, index: Int, program: StepProgram, estimate: DurationEstimate, pad: String) -> [String] {
        let label = s.label.map { " [\($0)]" } ?? ""
        let time = estimate.stepSeconds[s.id].map {
            estimate.unknownSteps.contains(s.id) ? "  ≈ ? (counted as \(SIFormat.duration($0)))" : "  ≈ \(SIFormat.duration($0))"
        } ?? ""
        var out = ["\(pad)#\(s.id)\(label) \(control(s.control))\(time)"]
        let sub = pad + "    "
        out.append("\(sub)written: \(s.summary)")
        if !s.ends.isEmpty {
            out.append("\(sub)until: " + s.ends.map { "\(condition($0.condition)) → \(action($0.action))" }.joined(separator: "; "))
        }
        if let r = s.record { out.append("\(sub)record: \(record(r))") }
        if let l = s.limits { out.append("\(sub)limits: \(safety(l))") }
        for t in s.timerEvents {
            out.append("\(sub)every \(SIFormat.duration(t.intervalSeconds)) of step time:")
            if t.body < program.subroutines.count {
                out.append(contentsOf: instructions(program.subroutines[t.body], program: program, estimate: estimate, indent: sub + "  "))
            }
        }
        return out
    }

    /// The control mode with SI values in friendly units.
    public static func control(_ c: Control) -> String {
        func dir(_ v: Double) -> String { v > 0 ? "charge" : (v < 0 ? "discharge" : "zero") }
        func signed(_ v: Double, _ unit: String) -> String { (v > 0 ? "+" : "") + SIFormat.format(v, unit: unit) }
        switch c {
        case .rest: return "rest (open circuit)"
        case .current(let a): return "CC I = \(signed(a, "A")) (\(dir(a)))"
        case .voltage(let v, let lim):
            return "CV hold V = \(SIFormat.format(v, unit: "V"))" + (lim.map { ", |I| ≤ \(SIFormat.format($0, unit: "A"))" } ?? "")
        case .cccv(let a, let v): return "CCCV I = \(signed(a, "A")) (\(dir(a))) then hold V = \(SIFormat.format(v, unit: "V"))"
        case .power(let w): return "CP P = \(signed(w, "W")) (\(dir(w)))"
        case .resistance(let o): return "CR R = \(SIFormat.format(o, unit: "Ω")) (discharge)"
        case .sweep(let s):
            let start = s.startsAtOpenCircuit == true ? "OCV" : SIFormat.format(s.startVolts, unit: "V")
            let path = ([start] + s.vertices.map { SIFormat.format($0, unit: "V") } + (s.returnsToStart == false ? [] : [start])).joined(separator: " → ")
            var text = "sweep \(path) at \(SIFormat.format(s.scanRateVoltsPerSecond, unit: "V/s")), \(s.cycles) cycle\(s.cycles == 1 ? "" : "s")"
            if s.returnsToStart == false { text += " (linear)" }
            if let f = s.firstCycleVertices {
                text += "; first cycle via \(f.map { SIFormat.format($0, unit: "V") }.joined(separator: ", "))"
                if let r = s.firstCycleScanRate { text += " at \(SIFormat.format(r, unit: "V/s"))" }
            } else if let r = s.firstCycleScanRate { text += "; first cycle at \(SIFormat.format(r, unit: "V/s"))" }
            if let e = s.endVolts { text += "; ends at \(SIFormat.format(e, unit: "V"))" }
            return text
        case .eis(let e):
            let unit = e.mode == .galvanostatic ? "A" : "V"
            let dc = e.dcLevel.map { SIFormat.format($0, unit: unit) } ?? "OCV"
            return "EIS \(e.mode.rawValue) \(SIFormat.format(e.startHz, unit: "Hz")) → \(SIFormat.format(e.endHz, unit: "Hz")), \(e.pointsPerDecade)/decade (\(e.frequencies.count) points), amplitude \(SIFormat.format(e.amplitude, unit: unit)) at \(dc), \(SIFormat.number(e.settleCycles)) settle + \(SIFormat.number(e.integrationCycles)) integration cycles"
        case .temperature(let c, let soak):
            return "chamber \(SIFormat.number(c)) °C, soak \(SIFormat.duration(soak))"
        case .operatorPause(let m): return "operator: \(m) (the run pauses until resumed)"
        }
    }

    public static func condition(_ c: Condition) -> String {
        let (name, unit): (String, String) = {
            switch c.quantity {
            case .stepTime: return ("time", "s")
            case .testTime: return ("test_time", "s")
            case .voltage: return ("V", "V")
            case .current: return ("I", "A")
            case .absCurrent: return ("|I|", "A")
            case .stepCapacity: return ("capacity", "Ah")
            case .stepEnergy: return ("energy", "Wh")
            case .deltaVoltage: return ("dV", "V")
            case .dVdt: return ("dV/dt", "V/s")
            case .cycleIndex: return ("cycle", "")
            case .temperature: return ("T", "°C")
            }
        }()
        return "\(name) \(c.comparison.rawValue) \(SIFormat.format(c.threshold, unit: unit))"
    }

    static func action(_ a: EndAction) -> String {
        switch a {
        case .next: return "next"
        case .goto(let label, let index): return "goto \(label) (instruction \(index))"
        case .end: return "end"
        case .pause: return "pause"
        }
    }

    static func record(_ r: RecordingRule) -> String {
        var parts: [String] = []
        if let e = r.everySeconds { parts.append("every \(SIFormat.duration(e))") }
        if let v = r.deltaVolts { parts.append("dV \(SIFormat.format(v, unit: "V"))") }
        if let i = r.deltaAmperes { parts.append("dI \(SIFormat.format(i, unit: "A"))") }
        if let q = r.deltaAmpereHours { parts.append("dQ \(SIFormat.format(q, unit: "Ah"))") }
        if parts.isEmpty { return "step boundaries only" }
        return parts.joined(separator: ", ") + (parts.count > 1 ? " (whichever first)" : "")
    }

    static func safety(_ s: SafetyLimits) -> String {
        var parts: [String] = []
        if s.minVolts != nil || s.maxVolts != nil {
            parts.append("V \(s.minVolts.map { SIFormat.format($0, unit: "V") } ?? "−∞") … \(s.maxVolts.map { SIFormat.format($0, unit: "V") } ?? "+∞")")
        }
        if let i = s.maxAbsCurrent { parts.append("|I| ≤ \(SIFormat.format(i, unit: "A"))") }
        if let q = s.maxStepCapacity { parts.append("|Q step| ≤ \(SIFormat.format(q, unit: "Ah"))") }
        if s.minCelsius != nil || s.maxCelsius != nil {
            parts.append("T \(s.minCelsius.map { "\(SIFormat.number($0)) °C" } ?? "−∞") … \(s.maxCelsius.map { "\(SIFormat.number($0)) °C" } ?? "+∞")")
        }
        if let t = s.maxStepSeconds { parts.append("step time ≤ \(SIFormat.duration(t))") }
        if parts.isEmpty { return "none (the channel's own limits apply)" }
        parts.append("debounce \(SIFormat.duration(s.debounceSeconds))")
        parts.append("on breach: output off, then \(s.action.rawValue)")
        return parts.joined(separator: ", ")
    }
}
