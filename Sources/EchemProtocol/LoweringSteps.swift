import EchemCore

/// Steps, modes, conditions, recording and safety rules into the IR, every value resolved to SI.
extension Lowering {
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
