import EchemCore

/// The one-pass translation behind `NewareStepFile.compile`: program instructions to step-table
/// rows, collecting every problem instead of stopping at the first.
///
/// What a Neware step (as this driver writes it) can carry: CC, CCCV and CV charge/discharge,
/// rest and pause; limits on step time, voltage (in the step's direction), cut-off current (CV
/// and CCCV) and step capacity, each leading to the next step; counted loops, nested; whole-test
/// and per-step protection of voltage, current and step capacity; a record rule of time, ΔV, ΔI.
struct NewareStepCompiler {
    let program: StepProgram
    let options: NewareStepFile.Options
    var steps: [NewareStep] = []
    var entries: [NewareStepMap.Entry] = []
    var labels: [String: Int] = [:]
    var problems: [NewareCompileProblem] = []
    var notes: [String] = []
    var wholeProtection = NewareProtection()
    var record = NewareRecordRule()
    /// Open loops: (loop begin, the Step_ID its body starts at).
    private var open: [(LoopBegin, Int)] = []
    /// Direction of the last charge/discharge step in file order, for CV holds.
    private var lastDirection: CurrentDirection = .none

    init(program: StepProgram, options: NewareStepFile.Options) {
        self.program = program
        self.options = options
    }

    mutating func run() {
        programWide()
        for ins in program.instructions {
            switch ins {
            case .step(let s): step(s)
            case .loopBegin(let lb):
                if let label = lb.label { labels[label] = steps.count + 1 }
                open.append((lb, steps.count + 1))
            case .loopEnd(let le): loopEnd(le)
            }
        }
        steps.append(NewareStep(id: steps.count + 1, type: .end))
        entries.append(.end)
        if steps.count - 1 > NewareStepFile.maxSteps {
            fail(nil, nil, .unknown, "the program needs \(steps.count - 1) tester steps; BTS accepts at most \(NewareStepFile.maxSteps)")
        }
    }

    // MARK: - Program-wide rules

    private mutating func programWide() {
        let s = program.safety
        wholeProtection = NewareProtection(maxVolts: s.maxVolts, minVolts: s.minVolts, maxAmperes: s.maxAbsCurrent,
                                           minAmperes: s.maxAbsCurrent.map { -$0 }, maxCapacity: s.maxStepCapacity,
                                           delay: s.debounceSeconds > 0 ? s.debounceSeconds : nil)
        notes += unenforced(s, scope: "program")
        if s.action == .stop, !wholeProtection.isEmpty {
            notes.append("a protection breach leaves the channel in 'protect' (resumable); the program asks for a stop, "
                         + "so the supervisor should stop the test when it sees 'protect'")
        }
        let r = program.record
        record = NewareRecordRule(seconds: r.everySeconds, deltaVolts: r.deltaVolts, deltaAmperes: r.deltaAmperes)
        if record.seconds == nil && record.deltaVolts == nil && record.deltaAmperes == nil { record.seconds = 1 }
        if let q = r.deltaAmpereHours {
            notes.append("recording on a capacity change (dQ \(SIFormat.format(q, unit: "Ah"))) is not in the step file; rows follow time, ΔV and ΔI")
        }
        for e in program.cycleEvents {
            fail(nil, nil, e.location, "events after chosen cycles (a sub-program such as EIS after cycle N) have no step-file form; "
                 + "run them on a channel in scheduler mode, or as separate jobs")
        }
    }

    /// Safety fields a step file has no place for.
    private func unenforced(_ s: SafetyLimits, scope: String) -> [String] {
        var out: [String] = []
        if let t = s.maxStepSeconds {
            out.append("\(scope) step-time limit \(SIFormat.duration(t)) is not in the step file: the supervisor must stop a step that runs longer")
        }
        if s.minCelsius != nil || s.maxCelsius != nil {
            out.append("\(scope) temperature limits are not in the step file: the supervisor must watch the temperature")
        }
        return out
    }

    // MARK: - Loops

    private mutating func loopEnd(_ le: LoopEnd) {
        guard let (lb, start) = open.popLast() else { return }
        if case .until = lb.kind {
            failLoop(lb, "a loop until a condition (repeat … until, as in GITT) needs a conditional jump; "
                     + "a Neware cycle step repeats a fixed number of times")
            return
        }
        guard case .counted(let count) = lb.kind else { return }
        guard start <= steps.count else {
            failLoop(lb, "the loop has no steps")
            return
        }
        guard count >= 1 else {
            failLoop(lb, "a loop count of \(count); a cycle step needs ≥ 1")
            return
        }
        let id = steps.count + 1
        steps.append(NewareStep(id: id, type: .cycle, cycleStart: start, cycleCount: count))
        entries.append(.loopEnd(loopID: lb.id, label: lb.label, start: start, count: count, advancesCycle: lb.advancesCycle))
    }

    // MARK: - Steps

    private mutating func step(_ s: Step) {
        let id = steps.count + 1
        if let label = s.label { labels[label] = id }
        var n = NewareStep(id: id, type: .rest)
        var direction = CurrentDirection.none
        var isPause = false
        switch s.control {
        case .rest:
            n.type = .rest
        case .current(let a) where a == 0:
            n.type = .rest
        case .current(let a):
            n.type = a > 0 ? .ccCharge : .ccDischarge
            n.current = abs(a)
            direction = a > 0 ? .charge : .discharge
            checkCurrent(a, s)
        case .cccv(let a, let v):
            guard a != 0 else { return fail(s, "a CCCV step needs a non-zero current") }
            n.type = a > 0 ? .cccvCharge : .cccvDischarge
            n.current = abs(a)
            n.voltage = v
            direction = a > 0 ? .charge : .discharge
            checkCurrent(a, s)
            checkVoltage(v, s)
        case .voltage(let v, let limit):
            switch lastDirection {
            case .charge: n.type = .cvCharge
            case .discharge: n.type = .cvDischarge
            case .none:
                return fail(s, "a CV hold is either CV_Chg or CV_DChg on Neware, and nothing before it says which: "
                            + "put it after a charge or discharge step, or write it as a CCCV step")
            }
            direction = lastDirection
            guard let i = limit ?? program.safety.maxAbsCurrent else {
                return fail(s, "a Neware CV step needs a current limit: give the hold a current limit or the program a safety current")
            }
            n.current = abs(i)
            n.voltage = v
            checkVoltage(v, s)
        case .operatorPause:
            n.type = .pause
            isPause = true
        case .power:
            return fail(s, "constant-power steps: the step-file fields for CP_Chg/CP_DChg are not documented in the sources this driver follows, "
                        + "so echemd does not write them")
        case .resistance:
            return fail(s, "constant-resistance steps: the step-file fields for CR_DChg are not documented in the sources this driver follows, "
                        + "so echemd does not write them")
        case .sweep(let sw):
            let what = sw.vertices.count > 1 || (sw.returnsToStart ?? true) ? "a cyclic voltammetry sweep" : "a potential sweep"
            return fail(s, "\(what) has no Neware step form (the voltage-scan step is a single ramp on some models only); "
                        + "run CV on a potentiostat channel")
        case .eis:
            return fail(s, "impedance spectroscopy has no Neware step form; run EIS on a potentiostat channel")
        case .temperature:
            return fail(s, "chamber temperature steps are not part of a Neware step file")
        }
        if !s.timerEvents.isEmpty {
            fail(s, "events on a timer during a step (e.g. EIS every 30 min) have no step-file form")
        }
        if direction != .none { lastDirection = direction }
        ends(s, into: &n)
        if let limits = s.limits {
            let p = NewareProtection(maxVolts: limits.maxVolts, minVolts: limits.minVolts, maxAmperes: limits.maxAbsCurrent,
                                     minAmperes: limits.maxAbsCurrent.map { -$0 }, maxCapacity: limits.maxStepCapacity,
                                     delay: limits.debounceSeconds > 0 ? limits.debounceSeconds : nil)
            if !p.isEmpty { n.protection = p }
            notes += unenforced(limits, scope: "step \(s.id)")
        }
        if s.record != nil, s.record != program.record {
            notes.append("step \(s.id): its own recording rule is not carried; the program's rule applies to it on the tester")
        }
        steps.append(n)
        entries.append(.step(programStepID: s.id, label: s.label, direction: direction, isPause: isPause))
    }

    /// End conditions into limit fields; anything without a field, or not leading to the next
    /// step, is a problem.
    private mutating func ends(_ s: Step, into n: inout NewareStep) {
        let cv = [.cvCharge, .cvDischarge, .cccvCharge, .cccvDischarge].contains(n.type)
        for end in s.ends {
            let c = end.condition
            switch end.action {
            case .next: break
            case .goto(let label, _):
                fail(s, "'\(c.text) then goto \(label)': a Neware limit always leads to the next step; "
                     + "a jump on a condition is not in the step-file format this driver writes")
                continue
            case .end:
                fail(s, "'\(c.text) then end': a Neware limit always leads to the next step; ending the test on a condition "
                     + "is not in the step-file format this driver writes (a protection limit would leave the channel in 'protect')")
                continue
            case .pause:
                fail(s, "'\(c.text) then pause': a Neware limit always leads to the next step")
                continue
            }
            if n.type == .pause {
                fail(s, "an operator pause ends when the operator continues; '\(c.text)' cannot apply to it")
                continue
            }
            let rising = c.comparison == .greaterOrEqual || c.comparison == .greater
            switch c.quantity {
            case .stepTime where rising:
                set(&n.time, c.threshold, "time", s)
            case .voltage where n.type == .ccCharge && rising, .voltage where n.type == .ccDischarge && !rising:
                set(&n.stopVoltage, c.threshold, "voltage", s)
            case .voltage where n.type == .ccCharge || n.type == .ccDischarge:
                let dir = n.type == .ccCharge ? "charge" : "discharge"
                fail(s, "'\(c.text)' on a \(dir) step: Neware's Stop_Volt ends a \(dir) when the voltage "
                     + (n.type == .ccCharge ? "rises" : "falls") + " to it")
            case .absCurrent where cv && !rising:
                set(&n.stopCurrent, abs(c.threshold), "cut-off current", s)
            case .current where cv && !rising && n.type.sign > 0, .current where cv && rising && n.type.sign < 0:
                set(&n.stopCurrent, abs(c.threshold), "cut-off current", s)
            case .stepCapacity where rising:
                set(&n.stopCapacity, c.threshold, "capacity", s)
            default:
                fail(s, "the end condition '\(c.text)' has no Neware limit field on a \(typeName(n.type)) step "
                     + "(limits here: time ≥, voltage in the step's direction, cut-off current on CV/CCCV, step capacity ≥)")
            }
        }
        if n.type == .rest && n.time == nil && !problems.contains(where: { $0.stepID == s.id && !$0.isLoop }) {
            fail(s, "a rest on Neware must end by time; give it a duration")
        }
    }

    private mutating func set(_ field: inout Double?, _ value: Double, _ what: String, _ s: Step) {
        if let old = field, old != value {
            fail(s, "two \(what) end conditions (\(old) and \(value)); a Neware step has one \(what) field")
            return
        }
        guard value.isFinite, value >= 0 || what == "voltage" else {
            fail(s, "\(what) limit \(value) is not a usable number")
            return
        }
        field = value
    }

    private mutating func checkCurrent(_ a: Double, _ s: Step) {
        if let maxI = options.maxAbsCurrent, abs(a) > maxI * (1 + 1e-12) {
            fail(s, "\(SIFormat.format(a, unit: "A")) is beyond the channel's ±\(SIFormat.format(maxI, unit: "A"))")
        }
    }

    private mutating func checkVoltage(_ v: Double, _ s: Step) {
        if let lo = options.minVolts, v < lo { fail(s, "\(SIFormat.format(v, unit: "V")) is below the channel's \(SIFormat.format(lo, unit: "V"))") }
        if let hi = options.maxVolts, v > hi { fail(s, "\(SIFormat.format(v, unit: "V")) is above the channel's \(SIFormat.format(hi, unit: "V"))") }
    }

    private func typeName(_ t: NewareStepType) -> String {
        switch t {
        case .ccCharge: return "CC charge"
        case .ccDischarge: return "CC discharge"
        case .cvCharge: return "CV charge"
        case .cvDischarge: return "CV discharge"
        case .cccvCharge: return "CCCV charge"
        case .cccvDischarge: return "CCCV discharge"
        case .rest: return "rest"
        case .pause: return "pause"
        default: return "\(t)"
        }
    }

    private mutating func failLoop(_ lb: LoopBegin, _ reason: String) {
        problems.append(NewareCompileProblem(stepID: lb.id, label: lb.label, isLoop: true, location: lb.location, reason: reason))
    }

    private mutating func fail(_ s: Step, _ reason: String) {
        fail(s.id, s.label, s.location, reason)
    }

    private mutating func fail(_ id: Int?, _ label: String?, _ location: SourceLocation, _ reason: String) {
        problems.append(NewareCompileProblem(stepID: id, label: label, location: location, reason: reason))
    }
}
