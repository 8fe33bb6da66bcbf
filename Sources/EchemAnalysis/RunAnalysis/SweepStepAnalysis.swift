import EchemCore

/// CV peaks per sweep cycle of one stored sweep step.
enum SweepStepAnalysis {
    /// `step` is the program's definition (nil when the stored program lacks the id); `samples` are
    /// the step's own, in seq order.
    static func analyse(_ record: StepRecord, step: Step?, samples: [Sample],
                        options: RunAnalysis.Options) throws -> CVStepReport {
        var sweep: Sweep?
        if case .sweep(let s)? = step?.control { sweep = s }
        var notes: [String] = []
        guard samples.count >= 3 else {
            throw RunAnalysisError("\(samples.count) stored samples; CV peaks need at least 3 (was the sweep stopped "
                                   + "at once?)")
        }
        let volts = samples.map(\.volts)
        var split: SweepCycleSplitter.Split
        // The engine's own words for a sweep that ran its whole path.
        let finished = record.endReason == "sweep complete"
        if let sweep {
            let start = startVolts(sweep, volts: volts, finished: finished)
            split = SweepCycleSplitter.split(volts: volts, sweep: sweep, start: start,
                                             reachVolts: max(0.001, sweep.stepVolts) * (1 + 1e-6),
                                             reversalVolts: options.reversalVolts)
            if finished { split.completed.insert(max(1, sweep.cycles)) }
        } else {
            notes.append("the stored program has no sweep with step id \(record.stepID): the step is analysed as one "
                         + "cycle and its scan rate measured from the samples")
            split = SweepCycleSplitter.Split(cycles: [Int](repeating: 1, count: samples.count), completed: [1])
        }
        let peaks = try CVAnalysis.peaks(time: samples.map(\.testTime), volts: volts, amperes: samples.map(\.amperes),
                                         cycle: split.cycles, options: options.cvOptions)
        let cycles = peaks.map { p -> CVCycleReport in
            let programmed = sweep.map { $0.rate(ofCycle: p.cycle) }
            return CVCycleReport(cycle: p.cycle, complete: split.completed.contains(p.cycle),
                                 scanRateVoltsPerSecond: programmed ?? p.scanRateVoltsPerSecond,
                                 scanRateSource: programmed == nil ? .samples : .program, peaks: p)
        }
        if let sweep, split.completed.count < max(1, sweep.cycles) {
            notes.append("\(split.completed.count) of \(max(1, sweep.cycles)) programmed cycles completed")
        }
        return CVStepReport(stepCount: record.stepCount, stepID: record.stepID, label: record.label, runCycle: record.cycle,
                            programScanRateVoltsPerSecond: sweep.map { abs($0.scanRateVoltsPerSecond) },
                            sampleCount: samples.count, cycles: cycles, notes: notes)
    }

    /// Where the path starts. `start: ocv` is resolved by the instrument when the step begins: a
    /// finished cyclic sweep ends exactly there; otherwise the first sample is the best estimate
    /// (one sample period along the ramp).
    static func startVolts(_ sweep: Sweep, volts: [Double], finished: Bool) -> Double {
        guard sweep.startsAtOpenCircuit == true || !sweep.startVolts.isFinite else { return sweep.startVolts }
        if finished, sweep.endVolts == nil, sweep.returnsToStart != false, let last = volts.last { return last }
        return volts[0]
    }
}

extension Sweep {
    /// The programmed scan rate of a cycle (V/s): the first may have its own.
    func rate(ofCycle cycle: Int) -> Double {
        abs(cycle == 1 ? (firstCycleScanRate ?? scanRateVoltsPerSecond) : scanRateVoltsPerSecond)
    }
}
