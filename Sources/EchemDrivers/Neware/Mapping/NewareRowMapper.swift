import EchemCore
import Foundation

/// A step the BTS started, in program terms.
public struct NewareStepTransition: Sendable, Hashable, Codable {
    /// Steps started so far in the test, never reset (BDF `Step Count`).
    public var stepCount: Int
    public var programStepID: Int
    public var label: String?
    /// The step file's `Step_ID`.
    public var newareStep: Int
    public var cycle: Int
    /// Test time the step started at (s): the previous step's last row.
    public var startTestTime: Double
    /// First sample of the step (nil for a pause step, which records nothing).
    public var firstSeq: Int64?
}

/// What one batch of rows became.
public struct NewareMappedRows: Sendable, Hashable {
    public var samples: [Sample] = []
    public var transitions: [NewareStepTransition] = []
    /// Cycles that closed within the batch.
    public var cyclesEnded: [CycleTotals] = []
    /// Anything odd (a seqid gap, a step the replay did not expect), one line each.
    public var notes: [String] = []
}

/// Turns `download` rows into echemd `Sample`s: SI units, positive current charges, `seq` from
/// `seqid` (seq = seqid − 1, so gap-free rows give gap-free samples), program step ids from the
/// `NewareStepMap`, and cycles counted as the program defines them.
///
/// The BTS reports step capacity and energy as magnitudes that restart at every step; cumulative
/// charge/discharge totals are summed from their increments, signed by the step's current.
/// Cycles are found by replaying the step file's cycle steps (`NewareLoopCounters`) between
/// consecutive rows, so a loop that does or does not advance the cycle counter is honoured
/// whatever the BTS's own cycle id does. A row whose step the replay did not predict (an
/// operator goto) is followed as given, with a note.
///
/// Feed rows in seqid order, in batches of any size; rows at or below the last seqid seen are
/// skipped, so re-downloading after a restart is harmless. `state` is Codable: store it with the
/// last committed sample to resume after a daemon restart.
public struct NewareRowMapper: Sendable {
    public struct State: Sendable, Hashable, Codable {
        public var lastSeqid = 0
        public var newareStep: Int?
        public var cycleID: Int?
        public var stepCapacity = 0.0
        public var stepEnergy = 0.0
        public var stepSign = 0.0
        public var stepStartTestTime = 0.0
        public var lastTestTime = 0.0
        public var cycle = 1
        public var stepCount = 0
        public var lastDirection: CurrentDirection = .none
        public var counters = NewareLoopCounters()
        public var chargeAh = 0.0, dischargeAh = 0.0, chargeWh = 0.0, dischargeWh = 0.0
        public var cycleChargeAh = 0.0, cycleDischargeAh = 0.0, cycleChargeWh = 0.0, cycleDischargeWh = 0.0
        /// Unix time of test time 0, from the first row's `atime`.
        public var unixAtTestStart: Double?
        /// `finish()` has run.
        public var finished = false

        public init() {}
    }

    public let map: NewareStepMap
    public var state: State
    /// The BTS machine's time zone, in which `atime` is written.
    public var timeZone: TimeZone

    public init(map: NewareStepMap, state: State = State(), timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.map = map
        self.state = state
        self.timeZone = timeZone
    }

    public mutating func map(_ rows: [BTSDetailRow]) -> NewareMappedRows {
        var out = NewareMappedRows()
        for row in rows where row.seqid > state.lastSeqid {
            if row.seqid != state.lastSeqid + 1 {
                out.notes.append("seqid \(state.lastSeqid + 1)…\(row.seqid - 1) missing before seqid \(row.seqid)")
            }
            add(row, &out)
        }
        return out
    }

    private mutating func add(_ row: BTSDetailRow, _ out: inout NewareMappedRows) {
        if state.unixAtTestStart == nil, let t = WallClockTime.unixSeconds(row.absoluteTime, zone: timeZone) {
            state.unixAtTestStart = (t - row.testTime).rounded()
        }
        if isNewStep(row) { enter(row, &out) }
        // Increments of the step's capacity and energy, attributed by the current's sign.
        if row.amperes != 0 { state.stepSign = row.amperes > 0 ? 1 : -1 }
        let dq = max(0, row.ampereHours - state.stepCapacity)
        let de = max(0, row.wattHours - state.stepEnergy)
        state.stepCapacity = row.ampereHours
        state.stepEnergy = row.wattHours
        if state.stepSign > 0 {
            state.chargeAh += dq; state.cycleChargeAh += dq; state.chargeWh += de; state.cycleChargeWh += de
        } else if state.stepSign < 0 {
            state.dischargeAh += dq; state.cycleDischargeAh += dq; state.dischargeWh += de; state.cycleDischargeWh += de
        }
        state.lastSeqid = row.seqid
        state.cycleID = row.cycleID
        state.lastTestTime = row.testTime
        out.samples.append(Sample(
            seq: Int64(row.seqid - 1), testTime: row.testTime, unixTime: (state.unixAtTestStart ?? 0) + row.testTime,
            stepTime: max(0, row.testTime - state.stepStartTestTime), volts: row.volts, amperes: row.amperes,
            stepID: map.programStepID(row.stepID) ?? 0, stepCount: state.stepCount, cycle: state.cycle,
            chargeCapacity: state.chargeAh, dischargeCapacity: state.dischargeAh, chargeEnergy: state.chargeWh,
            dischargeEnergy: state.dischargeWh, cycleChargeCapacity: state.cycleChargeAh,
            cycleDischargeCapacity: state.cycleDischargeAh, cycleChargeEnergy: state.cycleChargeWh,
            cycleDischargeEnergy: state.cycleDischargeWh, stepCapacity: state.stepSign * row.ampereHours,
            stepEnergy: state.stepSign * row.wattHours))
    }

    /// Call once the BTS reports the test finished (after the last rows are mapped): replays the
    /// cycle steps after the last step, so the loop passes that close the last cycle are counted
    /// as the engine counts them. Idempotent.
    public mutating func finish() -> NewareMappedRows {
        var out = NewareMappedRows()
        guard !state.finished, let last = state.newareStep else { return out }
        state.finished = true
        let (next, passed) = state.counters.next(after: last, count: map.entries.count, kind: map.kind)
        for p in passed { passLoopEnd(p, &out) }
        if let next { out.notes.append("the test finished before step \(next) of the step file (stopped or ended early)") }
        return out
    }

    /// A different step, or the same step again: a loop of one step (the BTS cycle id moved) or a
    /// restart of it (its capacity went back).
    private func isNewStep(_ row: BTSDetailRow) -> Bool {
        guard let last = state.newareStep else { return true }
        if row.stepID != last { return true }
        if let c = state.cycleID, c != row.cycleID { return true }
        return row.ampereHours < state.stepCapacity * (1 - 1e-9) - 1e-15
    }

    /// Replays the cycle steps from the last step to the row's, then starts the row's step.
    private mutating func enter(_ row: BTSDetailRow, _ out: inout NewareMappedRows) {
        let boundary = state.lastTestTime
        if let from = state.newareStep {
            var at = from
            var hops = 0
            while hops < 10_000 {
                hops += 1
                let (next, passed) = state.counters.next(after: at, count: map.entries.count, kind: map.kind)
                for p in passed { passLoopEnd(p, &out) }
                guard let next else {
                    out.notes.append("seqid \(row.seqid): step \(row.stepID) follows step \(from) where the step file ends the test; followed as given")
                    break
                }
                if next == row.stepID { break }
                if case .step(let id, let label, _, true)? = map.entry(next) {
                    // A pause step records nothing: it happened between the rows.
                    startStep(next, programStepID: id, label: label, direction: .none, at: boundary, firstSeq: nil, &out)
                    at = next
                    continue
                }
                out.notes.append("seqid \(row.seqid): step \(row.stepID) follows step \(from) where the step file leads to "
                                 + "\(next); followed as given (an operator goto?)")
                break
            }
        }
        guard case .step(let id, let label, let direction, _)? = map.entry(row.stepID) else {
            out.notes.append("seqid \(row.seqid): Step_ID \(row.stepID) is not a program step of this step file")
            state.newareStep = row.stepID
            state.stepCapacity = 0; state.stepEnergy = 0; state.stepSign = 0
            state.stepStartTestTime = boundary
            return
        }
        startStep(row.stepID, programStepID: id, label: label, direction: direction, at: boundary,
                  firstSeq: Int64(row.seqid - 1), &out)
    }

    private mutating func startStep(_ newareStep: Int, programStepID: Int, label: String?, direction: CurrentDirection,
                                    at time: Double, firstSeq: Int64?, _ out: inout NewareMappedRows) {
        if direction != .none {
            switch map.cycleDefinition {
            case .chargeAfterDischarge where direction == .charge && state.lastDirection == .discharge,
                 .dischargeAfterCharge where direction == .discharge && state.lastDirection == .charge:
                endCycle(at: time, &out)
            default: break
            }
            state.lastDirection = direction
        }
        state.stepCount += 1
        state.newareStep = newareStep
        state.stepCapacity = 0
        state.stepEnergy = 0
        state.stepSign = direction == .charge ? 1 : (direction == .discharge ? -1 : 0)
        state.stepStartTestTime = time
        out.transitions.append(NewareStepTransition(stepCount: state.stepCount, programStepID: programStepID, label: label,
                                                    newareStep: newareStep, cycle: state.cycle, startTestTime: time,
                                                    firstSeq: firstSeq))
    }

    private mutating func passLoopEnd(_ p: NewareLoopCounters.Pass, _ out: inout NewareMappedRows) {
        guard map.cycleDefinition == .loops, case .loopEnd(_, _, _, _, true)? = map.entry(p.cycleStep) else { return }
        endCycle(at: state.lastTestTime, &out)
    }

    private mutating func endCycle(at time: Double, _ out: inout NewareMappedRows) {
        out.cyclesEnded.append(CycleTotals(cycle: state.cycle, chargeAh: state.cycleChargeAh, dischargeAh: state.cycleDischargeAh,
                                           chargeWh: state.cycleChargeWh, dischargeWh: state.cycleDischargeWh, endTestTime: time))
        state.cycle += 1
        state.cycleChargeAh = 0; state.cycleDischargeAh = 0; state.cycleChargeWh = 0; state.cycleDischargeWh = 0
    }
}
