import EchemCore
import Foundation

/// How long a program should take on a cell, from set-points and end conditions alone:
/// - CC: the cell's 1C capacity / |I| when a voltage or capacity cut-off ends it, capped by its time limit;
/// - CCCV: its CC part the same way (the CV tail is not modelled);
/// - CV holds, power, resistance: their time limit (a hold without one counts 1 h, flagged);
/// - rests: their time; sweeps: path length / scan rate; EIS: Σ max(1 s, (settle + integration) / f);
/// - loops multiply; a repeat-until counts the passes its pulses need to move 1C (else max_passes);
/// - cycle events run once per matching cycle; timer events once per interval of their step.
public struct DurationEstimate: Sendable, Hashable, Codable {
    public var totalSeconds: Double
    /// Some steps could not be estimated and count 0 s (no time limit, no capacity): a lower bound.
    public var isLowerBound: Bool
    /// Some steps could not be estimated and count as their time limit (a watchdog that a voltage
    /// cut-off would normally beat): an upper bound. With both flags the total is only indicative.
    public var isUpperBound: Bool = false
    /// Cycles the program is expected to count.
    public var cycles: Int
    /// One execution of each step, by `Step.id` (main program and event bodies).
    public var stepSeconds: [Int: Double]
    /// Steps whose duration could not be estimated (counted as their assumption, often 0 s).
    public var unknownSteps: Set<Int>
    /// Whole loop (all passes), by `LoopBegin.id`.
    public var loopSeconds: [Int: Double]
    /// Passes expected for each loop, by `LoopBegin.id`.
    public var loopPasses: [Int: Int]
    /// Assumptions made, for explain output.
    public var notes: [String]

    /// Estimate `program` on `cell` (default: the cell it was compiled against).
    public static func estimate(_ program: StepProgram, cell: CellMetadata? = nil) -> DurationEstimate {
        var e = Estimator(capacityAh: (cell ?? program.cell)?.oneCAmperes, program: program)
        let main = e.list(program.instructions)
        var total = main.seconds
        // with loops, passes end cycles; otherwise each direction change starts one after the first
        let cycles = program.cycleDefinition == .loops ? max(1, main.cycles) : main.cycles + 1
        for ev in program.cycleEvents where ev.body < program.subroutines.count {
            var fires = Set(ev.afterCycles.filter { $0 <= cycles }).count
            if let n = ev.everyCycles, n > 0 { fires += cycles / n }
            let body = e.list(program.subroutines[ev.body])
            total += Double(fires) * body.seconds
        }
        var result = DurationEstimate(totalSeconds: total, isLowerBound: e.unknown, cycles: cycles,
                                      stepSeconds: e.stepSeconds, unknownSteps: e.unknownSteps,
                                      loopSeconds: e.loopSeconds, loopPasses: e.loopPasses, notes: e.notes)
        result.isUpperBound = e.overestimated
        return result
    }

    /// One execution of one step (timer events excluded): seconds, and whether it was known.
    public static func stepSeconds(_ step: Step, capacityAh: Double?) -> (seconds: Double, known: Bool, note: String?) {
        let timeLimit = step.ends.filter { $0.condition.quantity == .stepTime && ($0.condition.comparison == .greaterOrEqual || $0.condition.comparison == .greater) }
            .map(\.condition.threshold).min()
        let capLimit = step.ends.filter { $0.condition.quantity == .stepCapacity }.map(\.condition.threshold).min()
        let energyLimit = step.ends.filter { $0.condition.quantity == .stepEnergy }.map(\.condition.threshold).min()
        let voltageCut = step.ends.contains { $0.condition.quantity == .voltage || $0.condition.quantity == .absCurrent }
        func capped(_ t: Double?) -> (Double, Bool, String?) {
            let candidates = [t, timeLimit].compactMap { $0 }
            guard let m = candidates.min() else { return (0, false, "no time limit and no capacity to estimate from") }
            return (m, true, nil)
        }
        switch step.control {
        case .rest:
            return capped(nil)
        case .current(let a), .cccv(let a, _):
            guard a != 0 else { return capped(nil) }
            var t: Double? = capLimit.map { $0 / abs(a) * 3600 }
            if voltageCut, let q = capacityAh { t = min(t ?? .infinity, q / abs(a) * 3600) }
            if voltageCut, t == nil, let limit = timeLimit {
                // Only the watchdog is known; the cut-off normally ends the step well before it.
                return (limit, false, "counted as its time limit: no cell capacity to estimate the voltage cut-off")
            }
            return capped(t)
        case .voltage:
            if let tl = timeLimit { return (tl, true, nil) }
            return (3600, false, "CV hold without a time limit counted as 1 h")
        case .power(let w):
            return capped(energyLimit.map { $0 / abs(w) * 3600 })
        case .resistance:
            return capped(nil)
        case .sweep(let s):
            return (min(sweepSeconds(s), timeLimit ?? .infinity), true, nil)
        case .eis(let spec):
            return (min(eisSeconds(spec), timeLimit ?? .infinity), true, nil)
        case .temperature(_, let soak):
            return (soak, true, "temperature ramp time not included")
        case .operatorPause:
            return (0, false, "operator pauses count 0 s")
        }
    }

    /// Path length over scan rate, every cycle (the first may differ), plus the move to `end`.
    public static func sweepSeconds(_ s: Sweep) -> Double {
        func cycleLength(_ vertices: [Double]) -> Double {
            var v = s.startVolts, length = 0.0
            for x in vertices { length += abs(x - v); v = x }
            if s.returnsToStart != false { length += abs(s.startVolts - v) }
            return length
        }
        guard s.scanRateVoltsPerSecond > 0, s.cycles > 0 else { return 0 }
        let firstVertices = s.firstCycleVertices ?? s.vertices
        let firstRate = s.firstCycleScanRate ?? s.scanRateVoltsPerSecond
        var t = cycleLength(firstVertices) / firstRate
        t += Double(s.cycles - 1) * cycleLength(s.vertices) / s.scanRateVoltsPerSecond
        if let end = s.endVolts {
            let last = s.returnsToStart != false ? s.startVolts : (s.vertices.last ?? s.startVolts)
            t += abs(end - last) / s.scanRateVoltsPerSecond
        }
        return t
    }

    /// Each frequency takes (settle + integration) periods, at least 1 s.
    public static func eisSeconds(_ e: EISSpec) -> Double {
        guard e.startHz > 0, e.endHz > 0, e.pointsPerDecade > 0 else { return 0 }
        return e.frequencies.reduce(0) { $0 + max(1, (e.settleCycles + e.integrationCycles) / $1) }
    }
}

/// Walks instruction lists; keeps per-step and per-loop figures.
private struct Estimator {
    let capacityAh: Double?
    let program: StepProgram
    var stepSeconds: [Int: Double] = [:]
    var unknownSteps: Set<Int> = []
    var loopSeconds: [Int: Double] = [:]
    var loopPasses: [Int: Int] = [:]
    var notes: [String] = []
    /// Some step counted 0 s for want of an estimate.
    var unknown = false
    /// Some step counted a time limit or a guess for want of an estimate.
    var overestimated = false

    init(capacityAh: Double?, program: StepProgram) {
        self.capacityAh = capacityAh
        self.program = program
    }

    /// A stretch of program: its time, cycles started inside it, charge moved, and the first and
    /// last current directions (so cycles across loop passes and across stretches are counted).
    struct Figure {
        var seconds = 0.0, cycles = 0, chargeAh = 0.0
        var first = CurrentDirection.none, last = CurrentDirection.none
    }

    /// Whether going from `a` to `b` starts a cycle under the program's definition.
    func startsCycle(_ a: CurrentDirection, _ b: CurrentDirection) -> Int {
        switch program.cycleDefinition {
        case .chargeAfterDischarge: return a == .discharge && b == .charge ? 1 : 0
        case .dischargeAfterCharge: return a == .charge && b == .discharge ? 1 : 0
        case .loops: return 0
        }
    }

    /// `b` run after `a`.
    func then(_ a: Figure, _ b: Figure) -> Figure {
        var f = a
        f.seconds += b.seconds
        f.chargeAh += b.chargeAh
        f.cycles += b.cycles + (a.last != .none && b.first != .none ? startsCycle(a.last, b.first) : 0)
        if f.first == .none { f.first = b.first }
        if b.last != .none { f.last = b.last }
        return f
    }

    mutating func note(_ s: String) { if !notes.contains(s) { notes.append(s) } }

    mutating func list(_ ins: [Instruction]) -> Figure { range(ins, 0, ins.count) }

    mutating func range(_ ins: [Instruction], _ lo: Int, _ hi: Int) -> Figure {
        var f = Figure()
        var i = lo
        while i < hi {
            switch ins[i] {
            case .step(let s):
                let (t, known, n) = DurationEstimate.stepSeconds(s, capacityAh: capacityAh)
                if !known {
                    // 0 s makes the total a lower bound, a time limit an upper one; a guessed
                    // CV-hold hour is neither.
                    if case .voltage = s.control { unknown = true; overestimated = true }
                    else if t > 0 { overestimated = true } else { unknown = true }
                    unknownSteps.insert(s.id)
                }
                if let n { note("step \(s.id): \(n)") }
                stepSeconds[s.id] = t
                var total = t
                for ev in s.timerEvents where ev.intervalSeconds > 0 && ev.body < program.subroutines.count {
                    let fires = floor(t / ev.intervalSeconds)
                    if fires > 0 { total += fires * list(program.subroutines[ev.body]).seconds }
                }
                var one = Figure(seconds: total)
                if case .current(let a) = s.control { one.chargeAh = abs(a) * t / 3600 }
                one.first = s.control.direction
                one.last = s.control.direction
                f = then(f, one)
                i += 1
            case .loopBegin(let b):
                let end = min(max(b.endIndex, i + 1), hi)
                let body = range(ins, i + 1, end)
                let passes: Int
                switch b.kind {
                case .counted(let n): passes = n
                case .until(_, let maxPasses):
                    if let q = capacityAh, body.chargeAh > 0 {
                        passes = Int(min(Double(maxPasses), max(1, (q / body.chargeAh).rounded(.up))))
                        note("loop \(b.id): \(passes) passes expected to move 1C")
                    } else {
                        passes = maxPasses
                        unknown = true
                        note("loop \(b.id): repeat-until counted at max_passes (\(maxPasses))")
                    }
                }
                loopPasses[b.id] = passes
                loopSeconds[b.id] = body.seconds * Double(passes)
                var all = body
                all.seconds = body.seconds * Double(passes)
                all.chargeAh = body.chargeAh * Double(passes)
                all.cycles = body.cycles * passes + (passes - 1) * startsCycle(body.last, body.first)
                if program.cycleDefinition == .loops, b.advancesCycle { all.cycles += passes }
                f = then(f, all)
                i = end + 1
            case .loopEnd:
                i += 1
            }
        }
        return f
    }
}
