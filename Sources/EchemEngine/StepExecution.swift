import Foundation
import EchemCore

extension EngineRun {
    /// Runs one step: applies its setpoint, then on every sample integrates charge and energy,
    /// checks end conditions, safety limits and until-loops, fires timer events, and records.
    func runStep(_ step: Step, progress: StepProgress?) async throws -> StepExit {
        if progress == nil { stepCount += 1 }
        let limits = program.safety.tightened(by: step.limits)
        let stepStartTest = testTime - (progress?.stepSeconds ?? 0)
        var record = StepRecord(stepCount: stepCount, stepID: step.id, label: step.label, kind: step.control.kind,
                                cycle: cycle, startTestTime: stepStartTest)
        if progress == nil {
            pendingSteps.append(record)
            try await flush(progress: nil) // checkpoint at every step transition
            engine.observer?(.stepStarted(record, summary: step.summary))
        }

        let setpoint: Setpoint
        do {
            setpoint = try planner.setpoint(for: step, limits: limits)
        } catch let v as LimitViolation {
            try await channel.outputOff()
            log("refused", v.message)
            return .terminated(.failed, v.message)
        }

        var ctx = StepContext(step: step, limits: limits, rule: step.record ?? program.record,
                              startVolts: progress?.stepStartVolts ?? lastReading.volts)
        if let p = progress {
            ctx.seconds = p.stepSeconds; ctx.capacity = p.stepCapacity; ctx.energy = p.stepEnergy
            if let t = p.nextTimerSeconds, !ctx.timerDue.isEmpty { ctx.timerDue[0] = t; ctx.nextTimer = ctx.timerDue.min()! }
        }

        switch step.control {
        case .eis(let spec):
            try await channel.outputOff()
            let points = try await channel.measureImpedance(spec)
            eisCount += 1
            let spectrum = ImpedanceSpectrum(index: eisCount, stepCount: stepCount, cycle: cycle, testTime: testTime,
                                             points: points)
            pendingSpectra.append(spectrum)
            engine.observer?(.spectrum(spectrum))
            let exit = try await sampleOnce(&ctx)
            return finishStep(&record, ctx: ctx, reason: "spectrum measured", exit: exit)
        case .operatorPause(let message):
            try await channel.outputOff()
            if let t = try await pauseRun("operator: \(message)") { return .terminated(t.0, t.1) }
            let exit = try await sampleOnce(&ctx)
            return finishStep(&record, ctx: ctx, reason: "operator resumed", exit: exit)
        case .temperature(let celsius, _):
            try await channel.setChamberTemperature(celsius)
            try await channel.apply(setpoint)
        default:
            try await channel.apply(setpoint)
        }
        return try await sampleLoop(step, setpoint: setpoint, ctx: &ctx, record: &record)
    }

    /// The per-sample path. Allocation-free apart from appending to the pending batch.
    private func sampleLoop(_ step: Step, setpoint: Setpoint, ctx: inout StepContext,
                            record: inout StepRecord) async throws -> StepExit {
        let mailbox = engine.mailbox
        let until = scopes(routine, pc)
        let isSweep: Bool = { if case .sweep = step.control { return true } else { return false } }()
        var soakStart: Double?
        var first = true
        while true {
            switch mailbox.poll() {
            case nil:
                break
            case .interrupt(let reason):
                try await channel.outputOff()
                try await flush(progress: ctx.progress(stepCount: stepCount))
                throw EngineInterrupted(reason: reason)
            case .stop(let reason):
                try await channel.outputOff()
                storeBoundary(&ctx)
                _ = finishStep(&record, ctx: ctx, reason: reason, exit: .next)
                return .terminated(.stopped, reason)
            case .pauseNow:
                storeBoundary(&ctx)
                if let t = try await pauseRun("pause now, in step \(step.id)") { return .terminated(t.0, t.1) }
                try await channel.apply(setpoint)
            case .goto(let label):
                guard let target = program.labels[label] else {
                    log("goto", "no label \(label); ignored")
                    continue
                }
                storeBoundary(&ctx)
                return finishStep(&record, ctx: ctx, reason: "operator goto \(label)", exit: .gotoMain(target))
            }

            let r = try await channel.nextReading()
            if let note = r.note { log("channel", note) }
            let dvdt = advance(&ctx, reading: r)

            var exit: StepExit?
            var reason = ""
            for end in step.ends where holds(end.condition, ctx: ctx, reading: r, dvdt: dvdt) {
                reason = end.condition.text
                switch end.action {
                case .next: exit = .next
                case .goto(_, let index): exit = .goto(index)
                case .end: exit = .end("end condition: \(end.condition.text)")
                case .pause: exit = .pause("pause condition: \(end.condition.text)")
                }
                break
            }
            if exit == nil, isSweep, r.sweepDone { exit = .next; reason = "sweep complete" }
            if exit == nil, case .temperature(let target, let soak) = step.control, let t = r.celsius {
                if soakStart == nil, abs(t - target) <= 0.5 { soakStart = ctx.seconds }
                if let s = soakStart, ctx.seconds - s >= soak { exit = .next; reason = "soaked \(fmt(soak)) s at \(fmt(target)) °C" }
            }
            for scope in until where !(loopLatched[scope.loopID] ?? false) {
                if scope.conditions.contains(where: { holds($0, ctx: ctx, reading: r, dvdt: dvdt) }) {
                    loopLatched[scope.loopID] = true
                }
            }
            if let breach = ctx.safety.check(time: r.time, volts: r.volts, amperes: r.amperes,
                                               stepCapacity: ctx.capacity, celsius: r.celsius, stepSeconds: ctx.seconds) {
                try await channel.outputOff() // the safe state comes first
                appendSample(&ctx, r)
                let message = "safety: \(breach) in step \(step.id)"
                log("safety", message)
                _ = finishStep(&record, ctx: ctx, reason: message, exit: .next)
                if ctx.limits.action == .pause {
                    if let t = try await pauseRun(message) { return .terminated(t.0, t.1) }
                    return .next
                }
                return .terminated(.safetyStop, message)
            }

            if first || exit != nil || ctx.filter.wants(time: ctx.seconds, volts: r.volts, amperes: r.amperes,
                                                         charge: ctx.capacity) {
                appendSample(&ctx, r)
            }
            first = false
            if let exit {
                return finishStep(&record, ctx: ctx, reason: reason, exit: exit)
            }
            if ctx.seconds >= ctx.nextTimer {
                if let t = try await runTimerEvents(step, ctx: &ctx, record: &record) { return .terminated(t.0, t.1) }
                try await channel.apply(setpoint)
            }
            if pendingSamples.count >= engine.options.batchSize
                || Date().timeIntervalSince(lastFlushWall) >= engine.options.flushSeconds {
                try await flush(progress: ctx.progress(stepCount: stepCount))
            }
        }
    }

    /// Integrates one reading into the step and run totals; returns dV/dt over the interval.
    @inline(__always)
    private func advance(_ ctx: inout StepContext, reading r: ChannelReading) -> Double {
        let dt = max(0, r.time - lastReading.time)
        let (dq, de) = acc.add(volts: r.volts, amperes: r.amperes, seconds: dt)
        ctx.capacity += dq
        ctx.energy += de
        ctx.seconds += dt
        let dvdt = dt > 0 ? (r.volts - lastReading.volts) / dt : 0
        testTime = testTimeBase + (r.time - channelTimeBase)
        lastReading = r
        return dvdt
    }

    @inline(__always)
    private func holds(_ c: Condition, ctx: StepContext, reading r: ChannelReading, dvdt: Double) -> Bool {
        let value: Double
        switch c.quantity {
        case .stepTime: value = ctx.seconds
        case .testTime: value = testTime
        case .voltage: value = r.volts
        case .current: value = r.amperes
        case .absCurrent: value = abs(r.amperes)
        case .stepCapacity: value = abs(ctx.capacity)
        case .stepEnergy: value = abs(ctx.energy)
        case .deltaVoltage: value = r.volts - ctx.startVolts
        case .dVdt: value = dvdt
        case .cycleIndex: value = Double(cycle)
        case .temperature: value = r.celsius ?? .nan
        }
        // Time-like thresholds tolerate floating accumulation (3600 × 1 s must end at 3600 s).
        if c.quantity == .stepTime || c.quantity == .testTime {
            return c.comparison.holds(value + 1e-9 * max(1, abs(c.threshold)), c.threshold)
        }
        return c.comparison.holds(value, c.threshold)
    }

    private func appendSample(_ ctx: inout StepContext, _ r: ChannelReading) {
        let unix = engine.options.unixTimeFromWallClock ? Date().timeIntervalSince1970 : engine.run.startedUnix + testTime
        pendingSamples.append(Sample(
            seq: nextSeq, testTime: testTime, unixTime: unix, stepTime: ctx.seconds, volts: r.volts, amperes: r.amperes,
            celsius: r.celsius, stepID: ctx.step.id, stepCount: stepCount, cycle: cycle,
            chargeCapacity: acc.chargeQ, dischargeCapacity: acc.dischargeQ, chargeEnergy: acc.chargeE,
            dischargeEnergy: acc.dischargeE, cycleChargeCapacity: acc.cycleChargeQ,
            cycleDischargeCapacity: acc.cycleDischargeQ, cycleChargeEnergy: acc.cycleChargeE,
            cycleDischargeEnergy: acc.cycleDischargeE, stepCapacity: ctx.capacity, stepEnergy: ctx.energy))
        nextSeq += 1
        ctx.filter.stored(time: ctx.seconds, volts: r.volts, amperes: r.amperes, charge: ctx.capacity)
    }

    /// Takes one reading and stores it as the step's boundary sample.
    private func sampleOnce(_ ctx: inout StepContext) async throws -> StepExit {
        let r = try await channel.nextReading()
        _ = advance(&ctx, reading: r)
        appendSample(&ctx, r)
        return .next
    }

    /// Stores the last reading as a boundary sample when the step is interrupted between readings.
    private func storeBoundary(_ ctx: inout StepContext) {
        if pendingSamples.last?.testTime != testTime || pendingSamples.last?.stepCount != stepCount {
            appendSample(&ctx, lastReading)
        }
    }

    private func finishStep(_ record: inout StepRecord, ctx: StepContext, reason: String, exit: StepExit) -> StepExit {
        record.endTestTime = testTime
        record.endReason = reason
        record.capacity = ctx.capacity
        record.energy = ctx.energy
        pendingSteps.append(record)
        engine.observer?(.stepEnded(record))
        return exit
    }

    /// Suspends the step, runs each due timer-event body, and schedules the next firing. The step
    /// then continues as a new step segment (a new step count, as BDF counts step changes) with
    /// its own time, capacity and end conditions carried over.
    private func runTimerEvents(_ step: Step, ctx: inout StepContext,
                                record: inout StepRecord) async throws -> (RunStatus, String)? {
        _ = finishStep(&record, ctx: ctx, reason: "suspended for a timer event", exit: .next)
        for (k, event) in step.timerEvents.enumerated() where ctx.seconds >= ctx.timerDue[k] {
            ctx.timerDue[k] += event.intervalSeconds
            log("event", "timer event during step \(step.id) at step time \(fmt(ctx.seconds)) s")
            let depth = callStack.count
            callStack.append(CallFrame(routine: routine, returnPC: pc))
            routine = event.body
            pc = 0
            if let t = try await interpret(returnDepth: depth) { return t }
        }
        ctx.nextTimer = ctx.timerDue.min() ?? .infinity
        stepCount += 1
        record = StepRecord(stepCount: stepCount, stepID: step.id, label: step.label, kind: step.control.kind,
                            cycle: cycle, startTestTime: testTime)
        pendingSteps.append(record)
        engine.observer?(.stepStarted(record, summary: step.summary + " (continued)"))
        return nil
    }
}

/// Per-step mutable state, kept in one value so the sample loop touches few memory locations.
struct StepContext {
    let step: Step
    let limits: SafetyLimits
    var safety: SafetyMonitor
    var filter: RecordingFilter
    var seconds = 0.0
    var capacity = 0.0
    var energy = 0.0
    var startVolts: Double
    var timerDue: [Double]
    /// The earliest of `timerDue` (∞ without timers): one comparison per sample.
    var nextTimer: Double

    init(step: Step, limits: SafetyLimits, rule: RecordingRule, startVolts: Double) {
        self.step = step
        self.limits = limits
        self.safety = SafetyMonitor(limits: limits)
        self.filter = RecordingFilter(rule: rule)
        self.startVolts = startVolts
        self.timerDue = step.timerEvents.map(\.intervalSeconds)
        self.nextTimer = timerDue.min() ?? .infinity
    }

    func progress(stepCount: Int) -> StepProgress {
        StepProgress(stepCount: stepCount, stepSeconds: seconds, stepCapacity: capacity, stepEnergy: energy,
                     stepStartVolts: startVolts, nextTimerSeconds: timerDue.first)
    }
}
