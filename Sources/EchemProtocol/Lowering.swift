import EchemCore

/// `ProtocolSyntax` into a `StepProgram`: resolves relative units against the cell, flattens
/// loops into begin/end pairs, numbers steps in file order, resolves labels and runs every check.
struct Lowering {
    let r: NodeReader
    let cell: CellMetadata?
    let options: CompileOptions
    let checks: ProgramChecks
    /// Quantities that need a cell when there is none: reported as warnings, program withheld.
    var missingCell: [(LocatedQuantity, CellRequirement)] = []
    var resolutions: [String] = []
    /// Ids by traversal ordinal (aliased YAML nodes share a location, so ordinals, not locations, key them).
    var stepIDs: [Int] = []
    var loopIDs: [Int] = []
    var stepOrdinal = 0
    var loopOrdinal = 0
    var subroutines: [[Instruction]] = []
    var labels: [String: LabelTarget] = [:]
    var gotos: [PendingGoto] = []
    var globalSafety = SafetyLimits.none
    var globalDebounce: Double?

    struct LabelTarget { var list: Int; var index: Int; var chain: [Int]; var location: SourceLocation }
    struct PendingGoto { var list: Int; var index: Int; var end: Int; var label: String; var chain: [Int]; var location: SourceLocation }

    init(_ r: NodeReader, cell: CellMetadata?, options: CompileOptions) {
        self.r = r
        self.cell = cell
        self.options = options
        self.checks = ProgramChecks(r: r, capabilities: options.capabilities)
    }

    mutating func lower(_ doc: ProtocolSyntax, source: String, cellDerivations: [String]) -> StepProgram? {
        numberSteps(doc)
        resolutions = cellDerivations
        let record = doc.record.map { lowerRecord($0) } ?? .default
        if doc.record == nil { checks.defaultRecord(at: doc.location) }
        globalSafety = doc.safety.map { lowerSafety($0, global: nil) } ?? .none
        globalDebounce = doc.safety?.debounce?.quantity.value

        var main: [Instruction] = []
        flatten(doc.steps, list: 0, chain: [], into: &main)
        var events: [CycleEvent] = []
        for e in doc.events {
            let body = newSubroutine(e.steps)
            var after = e.afterCycles
            var every = e.everyCycles
            if let cap = options.loopCountCap {
                after = Array(Set(after.map { min($0, max(1, cap)) })).sorted()
                every = every.map { min($0, max(1, cap)) }
            }
            events.append(CycleEvent(afterCycles: after, everyCycles: every, body: body, location: e.location))
        }
        resolveGotos(main: &main)

        if !missingCell.isEmpty {
            for (q, need) in missingCell {
                r.warning(q.location, "'\(q.text)' needs \(need); no cell given, so the program is not resolved",
                          expected: "a cell: header or --cell CELL.yaml")
            }
        }
        guard !r.diagnostics.contains(where: { $0.severity == .error }), missingCell.isEmpty else { return nil }
        var mainLabels: [String: Int] = [:]
        for (name, t) in labels where t.list == 0 { mainLabels[name] = t.index }
        return StepProgram(name: doc.name, source: source, instructions: main, labels: mainLabels,
                           safety: globalSafety, record: record, subroutines: subroutines, cycleEvents: events,
                           cycleDefinition: doc.cycleDefinition, cell: cell, resolutions: resolutions)
    }

    // MARK: numbering

    /// Step and loop ids are 1-based in file order over everything, event bodies included.
    mutating func numberSteps(_ doc: ProtocolSyntax) {
        var steps: [SourceLocation] = []
        var loops: [SourceLocation] = []
        func walk(_ items: [ItemSyntax]) {
            for item in items {
                switch item {
                case .step(let s):
                    steps.append(s.location)
                    for t in s.timers { walk(t.steps) }
                case .loop(let l):
                    loops.append(l.location)
                    walk(l.body)
                }
            }
        }
        walk(doc.steps)
        for e in doc.events { walk(e.steps) }
        stepIDs = Self.fileOrder(steps)
        loopIDs = Self.fileOrder(loops)
    }

    /// 1-based rank of each entry by (line, column), ties kept in traversal order.
    static func fileOrder(_ locations: [SourceLocation]) -> [Int] {
        let ranked = locations.indices.sorted {
            (locations[$0].line, locations[$0].column, $0) < (locations[$1].line, locations[$1].column, $1)
        }
        var ids = Array(repeating: 0, count: locations.count)
        for (rank, ordinal) in ranked.enumerated() { ids[ordinal] = rank + 1 }
        return ids
    }

    // MARK: structure

    mutating func newSubroutine(_ items: [ItemSyntax]) -> Int {
        let index = subroutines.count
        subroutines.append([])
        var body: [Instruction] = []
        flatten(items, list: index + 1, chain: [], into: &body)
        resolveGotos(list: index + 1, instructions: &body)
        subroutines[index] = body
        return index
    }

    mutating func flatten(_ items: [ItemSyntax], list: Int, chain: [Int], into out: inout [Instruction]) {
        for item in items {
            switch item {
            case .step(let s):
                if let step = lowerStep(s, list: list, chain: chain, index: out.count) { out.append(.step(step)) }
            case .loop(let l):
                let id = loopOrdinal < loopIDs.count ? loopIDs[loopOrdinal] : 0
                loopOrdinal += 1
                let begin = out.count
                if let label = l.label { define(label, list: list, index: begin, chain: chain, at: l.labelLocation ?? l.location) }
                out.append(.loopBegin(LoopBegin(id: id, label: l.label, kind: .counted(count: 1), advancesCycle: l.advancesCycle,
                                                endIndex: begin, location: l.location)))
                flatten(l.body, list: list, chain: chain + [id], into: &out)
                let end = out.count
                out.append(.loopEnd(LoopEnd(id: id, beginIndex: begin)))
                out[begin] = .loopBegin(LoopBegin(id: id, label: l.label, kind: lowerLoopKind(l.kind), advancesCycle: l.advancesCycle,
                                                  endIndex: end, location: l.location))
            }
        }
    }

    mutating func lowerLoopKind(_ k: LoopKindSyntax) -> LoopKind {
        switch k {
        case .counted(let n, _):
            return .counted(count: options.loopCountCap.map { min(n, max(1, $0)) } ?? n)
        case .until(let conds, let maxPasses, _):
            let cs = conds.compactMap { lowerCondition($0) }
            return .until(conditions: cs, maxPasses: options.loopCountCap.map { min(maxPasses, max(1, $0)) } ?? maxPasses)
        }
    }

    mutating func define(_ label: String, list: Int, index: Int, chain: [Int], at: SourceLocation) {
        if let prior = labels[label] {
            r.error(at, "duplicate label '\(label)' (first at line \(prior.location.line))", expected: "unique labels")
            return
        }
        labels[label] = LabelTarget(list: list, index: index, chain: chain, location: at)
    }

    mutating func resolveGotos(main: inout [Instruction]) { resolveGotos(list: 0, instructions: &main) }

    /// Gotos jump within their own part (main program or one event body) and never into a loop
    /// from outside it (the loop's counter would not exist).
    mutating func resolveGotos(list: Int, instructions: inout [Instruction]) {
        let mine = gotos.filter { $0.list == list }
        gotos.removeAll { $0.list == list }
        for g in mine {
            guard let t = labels[g.label] else {
                let known = labels.filter { $0.value.list == list }.keys.sorted()
                r.error(g.location, "goto to unknown label '\(g.label)'",
                        expected: known.isEmpty ? "a label defined with 'label:'" : "one of: \(known.joined(separator: ", "))")
                continue
            }
            guard t.list == list else {
                r.error(g.location, "goto '\(g.label)' leaves its \(list == 0 ? "program" : "event body")",
                        expected: "a label in the same \(list == 0 ? "main program" : "event body")")
                continue
            }
            guard t.chain.count <= g.chain.count, Array(g.chain.prefix(t.chain.count)) == t.chain else {
                r.error(g.location, "goto '\(g.label)' jumps into a loop from outside it",
                        expected: "a label at the same loop level or outside the current loop")
                continue
            }
            guard case .step(var s) = instructions[g.index] else { continue }
            s.ends[g.end].action = .goto(label: g.label, index: t.index)
            instructions[g.index] = .step(s)
        }
    }

    // MARK: steps

    mutating func lowerStep(_ s: StepSyntax, list: Int, chain: [Int], index: Int) -> Step? {
        let id = stepOrdinal < stepIDs.count ? stepIDs[stepOrdinal] : 0
        stepOrdinal += 1
        if let label = s.label { define(label, list: list, index: index, chain: chain, at: s.labelLocation ?? s.location) }
        let control = lowerMode(s.mode, at: s.location)
        var ends: [EndCondition] = []
        for c in s.ends {
            guard let cond = lowerCondition(c) else { continue }
            var action = EndAction.next
            switch c.action {
            case .next: action = .next
            case .end: action = .end
            case .pause: action = .pause
            case .goto(let label, let at):
                action = .goto(label: label, index: -1)
                gotos.append(PendingGoto(list: list, index: index, end: ends.count, label: label, chain: chain, location: at))
            }
            ends.append(EndCondition(cond, action: action))
        }
        let record = s.record.map { lowerRecord($0) }
        let limits = s.limits.map { lowerSafety($0, global: globalSafety) }
        var timers: [TimerEvent] = []
        for t in s.timers {
            let interval = t.interval.quantity.value
            checks.plausible(t.interval, interval, .time)
            let body = newSubroutine(t.steps)
            timers.append(TimerEvent(intervalSeconds: interval, body: body, location: t.location))
        }
        guard let control else { return nil }
        checks.control(control, at: s.location)
        return Step(id: id, label: s.label, summary: s.summary, control: control, ends: ends, record: record,
                    limits: limits, timerEvents: timers, location: s.location)
    }

    mutating func lowerMode(_ m: ModeSyntax, at: SourceLocation) -> Control? {
        switch m {
        case .rest: return .rest
        case .current(let q):
            guard let a = amperes(q) else { return nil }
            return .current(amperes: a)
        case .voltage(let v, let limit):
            let volts = si(v, .voltage)
            let lim = limit.flatMap { amperes($0) }.map(abs)
            guard let volts else { return nil }
            return .voltage(volts: volts, currentLimit: lim)
        case .cccv(let c, let v):
            let a = amperes(c), volts = si(v, .voltage)
            guard let a, let volts else { return nil }
            return .cccv(amperes: a, volts: volts)
        case .power(let p):
            return si(p, .power).map { .power(watts: $0) }
        case .resistance(let o):
            return si(o, .resistance).map { .resistance(ohms: $0) }
        case .sweep(let s):
            return lowerSweep(s).map(Control.sweep)
        case .eis(let e):
            return lowerEIS(e).map(Control.eis)
        case .temperature(let sp, let soak):
            let c = si(sp, .temperature)
            let soakS = soak.flatMap { si($0, .time) } ?? 0
            return c.map { .temperature(celsius: $0, soakSeconds: soakS) }
        case .operatorPause(let msg):
            return .operatorPause(message: msg)
        }
    }

    mutating func lowerSweep(_ s: SweepSyntax) -> Sweep? {
        let vertices = s.vertices.compactMap { si($0, .voltage) }
        let rate = si(s.scanRate, .scanRate)
        let start = s.start.flatMap { si($0, .voltage) }
        let firstV = s.firstCycleVertices.map { $0.compactMap { si($0, .voltage) } }
        let firstRate = s.firstCycleScanRate.flatMap { si($0, .scanRate) }
        let end = s.end.flatMap { si($0, .voltage) }
        let step = s.step.flatMap { si($0, .voltage) } ?? 0.001
        guard vertices.count == s.vertices.count, let rate else { return nil }
        return Sweep(startVolts: start ?? vertices[0], vertices: vertices, scanRateVoltsPerSecond: rate,
                     cycles: s.cycles, firstCycleVertices: firstV, firstCycleScanRate: firstRate, endVolts: end,
                     stepVolts: step, startsAtOpenCircuit: s.start == nil ? true : nil,
                     returnsToStart: s.returnsToStart ? nil : false)
    }

    mutating func lowerEIS(_ e: EISSyntax) -> EISSpec? {
        let from = si(e.from, .frequency), to = si(e.to, .frequency)
        let amp: Double?
        let dc: Double?
        if e.mode == .galvanostatic {
            amp = amperes(e.amplitude).map(abs)
            dc = e.dc.flatMap { amperes($0) }
        } else {
            amp = si(e.amplitude, .voltage)
            dc = e.dc.flatMap { si($0, .voltage) }
        }
        guard let from, let to, let amp else { return nil }
        if from == to { r.error(e.to.location, "eis 'from' and 'to' are the same frequency", expected: "a range, e.g. 100 kHz to 10 mHz") }
        return EISSpec(mode: e.mode, startHz: from, endHz: to, pointsPerDecade: e.pointsPerDecade, amplitude: amp,
                       dcLevel: dc, settleCycles: e.settleCycles, integrationCycles: e.integrationCycles)
    }

    mutating func lowerCondition(_ c: ConditionSyntax) -> Condition? {
        let value: Double?
        switch c.quantity {
        case .current, .absCurrent: value = amperes(c.value)
        case .stepCapacity: value = resolve(c.value, as: .capacity)
        default: value = si(c.value, c.value.quantity.resolvedDimension)
        }
        guard let value else { return nil }
        return Condition(quantity: c.quantity, comparison: c.comparison, threshold: value, text: c.text, location: c.location)
    }

    // MARK: rules

    mutating func lowerRecord(_ rec: RecordSyntax) -> RecordingRule {
        let rule = RecordingRule(everySeconds: rec.every.flatMap { si($0, .time) },
                                 deltaVolts: rec.dV.flatMap { si($0, .voltage) }.map(abs),
                                 deltaAmperes: rec.dI.flatMap { amperes($0) }.map(abs),
                                 deltaAmpereHours: rec.dQ.flatMap { resolve($0, as: .capacity) }.map(abs))
        checks.record(rule, rec)
        return rule
    }

    mutating func lowerSafety(_ s: SafetySyntax, global: SafetyLimits?) -> SafetyLimits {
        var l = SafetyLimits(minVolts: s.minVolts.flatMap { si($0, .voltage) },
                             maxVolts: s.maxVolts.flatMap { si($0, .voltage) },
                             maxAbsCurrent: s.current.flatMap { amperes($0) }.map(abs),
                             maxStepCapacity: s.capacity.flatMap { resolve($0, as: .capacity) }.map(abs),
                             minCelsius: s.minCelsius.flatMap { si($0, .temperature) },
                             maxCelsius: s.maxCelsius.flatMap { si($0, .temperature) },
                             maxStepSeconds: s.stepTime.flatMap { si($0, .time) },
                             debounceSeconds: s.debounce.flatMap { si($0, .time) } ?? global?.debounceSeconds ?? 0,
                             action: s.action ?? global?.action ?? .stop)
        if let g = global { checks.tightens(l, s, global: g, globalDebounce: globalDebounce) }
        if l.minVolts == nil, l.maxVolts == nil, l.maxAbsCurrent == nil, l.maxStepCapacity == nil,
           l.minCelsius == nil, l.maxCelsius == nil, l.maxStepSeconds == nil, s.debounce == nil, s.action == nil {
            r.warning(s.location, "the limits set nothing", expected: "voltage, current, capacity, temperature or step_time")
        }
        l.debounceSeconds = max(0, l.debounceSeconds)
        return l
    }

    // MARK: quantities

    /// A current in A (relative kinds resolved), checked for plausibility.
    mutating func amperes(_ q: LocatedQuantity) -> Double? { resolve(q, as: .current) }

    /// The SI value of an absolute quantity, checked for plausibility.
    mutating func si(_ q: LocatedQuantity, _ dim: PhysicalDimension) -> Double? { resolve(q, as: dim) }

    mutating func resolve(_ q: LocatedQuantity, as dim: PhysicalDimension) -> Double? {
        guard q.quantity.dimension.isRelative else {
            checks.plausible(q, q.quantity.value, dim)
            return q.quantity.value
        }
        if cell == nil {
            if let need = q.quantity.cellRequirement { missingCell.append((q, need)) }
            return nil
        }
        // a discharge magnitude was negated after it was written: explain the magnitude, then sign it
        let flipped = q.quantity.value < 0 && !q.text.hasPrefix("-")
        switch (flipped ? q.quantity.magnitude : q.quantity).resolved(against: cell) {
        case .success(let res):
            if let e = res.explanation, !resolutions.contains(e) { resolutions.append(e) }
            let value = flipped ? -res.value : res.value
            checks.plausible(q, value, dim)
            return value
        case .failure(let need):
            r.error(q.location, "'\(q.text)' needs \(need), which the cell '\(cell?.name ?? "")' does not give",
                    expected: "the cell metadata, or an absolute value")
            return nil
        }
    }
}
