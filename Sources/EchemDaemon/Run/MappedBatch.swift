import EchemCore
import EchemDrivers

/// One download's rows as the store takes them: the samples, the step rows that closed and
/// opened among them, the cycles that ended, and the mapper's notes. Step capacity and energy
/// are the signed totals of the step's last sample, as the engine records them.
struct MappedBatch {
    var samples: [Sample] = []
    var closed: [StepRecord] = []
    var started: [StepRecord] = []
    var cycles: [CycleTotals] = []
    var notes: [String] = []
    /// The step in progress after these rows.
    var open: StepRecord?

    init() {}

    init(_ rows: NewareMappedRows, kinds: [Int: ControlKind], open: StepRecord?) {
        self.open = open
        merge(rows, kinds: kinds)
    }

    mutating func merge(_ rows: NewareMappedRows, kinds: [Int: ControlKind]) {
        samples += rows.samples
        cycles += rows.cyclesEnded
        notes += rows.notes
        var last: [Int: Sample] = [:]
        for s in rows.samples { last[s.stepCount] = s }
        for t in rows.transitions {
            if var o = open {
                if let s = last[o.stepCount] { o.capacity = s.stepCapacity; o.energy = s.stepEnergy }
                o.endTestTime = t.startTestTime
                o.endReason = "next step on the tester"
                closed.append(o)
            }
            let record = StepRecord(stepCount: t.stepCount, stepID: t.programStepID, label: t.label,
                                    kind: kinds[t.programStepID] ?? .rest, cycle: t.cycle, startTestTime: t.startTestTime)
            started.append(record)
            open = record
        }
        if var o = open, let s = last[o.stepCount] {
            o.capacity = s.stepCapacity
            o.energy = s.stepEnergy
            open = o
        }
    }
}
