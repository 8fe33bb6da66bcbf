import EchemCore
import EchemDrivers
import EchemSim

/// One test on one simulated channel: a step table run on the channel's cell, with the detail
/// rows (seqid from 1, no gaps) and the step layer the BTS keeps for it.
///
/// Each physics step holds the drive for `dt`, then checks, in the engine's order: the step's
/// limits (time, Stop_Volt, Stop_Curr, Cap), protection (whole-test and the step's own, with
/// its delay), and the record rule (first and last reading of every step, then every Time, ΔV or
/// ΔI, as echemd's own recording filter does). Capacity and energy are magnitudes within the
/// step, integrated exactly over each physics step.
struct NewareTestRun {
    struct Row {
        var seqid: Int
        var stepID: Int
        /// 1-based; `download` reports it − 1.
        var cycleNumber: Int
        var type: NewareStepType
        var testTime: Double
        var volts: Double
        var amperes: Double
        var capacity: Double
        var energy: Double
    }

    struct Layer {
        var startSeqid: Int
        var endSeqid: Int
        var stepIndex: Int
        var stepID: Int
        var cycleNumber: Int
        var type: NewareStepType
        var stepTime: Double
        var endTestTime: Double
        var startVolts: Double
        var endVolts: Double
        var startAmperes: Double
        var endAmperes: Double
        var capacity: Double
        var energy: Double
    }

    enum Phase: Equatable {
        case running
        /// A reserved pause (`setpause`) caught the test before this step started.
        case pausedBefore(Int)
        /// A Pause step (type 13) is waiting for `continue`.
        case pausedAt(Int)
        case stopped
        case protected
        case finished
    }

    let testID: Int
    let barcode: String
    let table: NewareStepTable
    /// Wall-clock Unix time of test time 0 (for `atime`).
    let startUnix: Double
    private(set) var rows: [Row] = []
    private(set) var layers: [Layer] = []
    private(set) var phase: Phase = .running
    private(set) var stepID: Int?
    private(set) var stepTime = 0.0
    private(set) var testTime = 0.0
    private(set) var stepCapacity = 0.0
    private(set) var stepEnergy = 0.0
    private(set) var cycleNumber = 1
    private(set) var lastVolts = 0.0
    private(set) var lastAmperes = 0.0
    private(set) var stopReason = ""
    /// (cycle, step), −1 meaning any.
    var reservation: (cycle: Int, step: Int)?
    private var counters = NewareLoopCounters()
    private var stepIndex = 0
    private var breachSince: Double?
    private var recorded = (time: -Double.infinity, volts: 0.0, amperes: 0.0)
    private var layerOpen = false

    init(testID: Int, barcode: String, table: NewareStepTable, startUnix: Double, cell: CellModel) {
        self.testID = testID
        self.barcode = barcode
        self.table = table
        self.startUnix = startUnix
        lastVolts = cell.state.volts
        arrive(at: table.startStep, passed: [])
    }

    var currentStep: NewareStep? { stepID.flatMap { table.step($0) } }

    // MARK: - Physics

    /// One physics step of `dt` on `cell`; only while running.
    mutating func tick(_ cell: inout CellModel, dt: Double, limits: NewareChannelLimits) {
        guard phase == .running, let step = currentStep else { return }
        let r = cell.step(drive(step, limits), dt: dt)
        testTime += dt
        stepTime += dt
        stepCapacity += abs(r.amperes) * dt / 3600
        stepEnergy += abs(r.volts * r.amperes) * dt / 3600
        lastVolts = r.volts
        lastAmperes = r.amperes
        let first = !layerOpen
        let ended = limitReached(step, volts: r.volts, amperes: r.amperes)
        if let breach = protectionBreach(step, volts: r.volts, amperes: r.amperes) {
            if breachSince == nil { breachSince = testTime }
            let delay = (step.protection?.delay ?? table.protection.delay) ?? 0
            if testTime - breachSince! >= delay - 1e-9 {
                record()
                closeLayer()
                stopReason = "protection: \(breach) in step \(step.id)"
                phase = .protected
                return
            }
        } else {
            breachSince = nil
        }
        if first || ended || wantsRecord(volts: r.volts, amperes: r.amperes) { record() }
        if ended { finishStep() }
    }

    private func drive(_ s: NewareStep, _ l: NewareChannelLimits) -> CellDrive {
        let i = s.current ?? 0
        switch s.type {
        case .ccCharge: return CellDrive(.current(i), minVolts: l.minVolts, maxVolts: l.maxVolts, maxAbsCurrent: l.maxAbsCurrent)
        case .ccDischarge: return CellDrive(.current(-i), minVolts: l.minVolts, maxVolts: l.maxVolts, maxAbsCurrent: l.maxAbsCurrent)
        case .cccvCharge:
            return CellDrive(.current(i), minVolts: l.minVolts, maxVolts: s.voltage ?? l.maxVolts, maxAbsCurrent: l.maxAbsCurrent)
        case .cccvDischarge:
            return CellDrive(.current(-i), minVolts: s.voltage ?? l.minVolts, maxVolts: l.maxVolts, maxAbsCurrent: l.maxAbsCurrent)
        case .cvCharge, .cvDischarge:
            return CellDrive(.voltage(s.voltage ?? 0), minVolts: l.minVolts, maxVolts: l.maxVolts,
                             maxAbsCurrent: min(i > 0 ? i : l.maxAbsCurrent, l.maxAbsCurrent))
        default:
            return .open
        }
    }

    private func limitReached(_ s: NewareStep, volts: Double, amperes: Double) -> Bool {
        if let t = s.time, stepTime + 1e-9 * max(1, t) >= t { return true }
        if let v = s.stopVoltage {
            if s.type.sign > 0 && volts >= v { return true }
            if s.type.sign < 0 && volts <= v { return true }
        }
        if let i = s.stopCurrent, [.cvCharge, .cvDischarge, .cccvCharge, .cccvDischarge].contains(s.type), abs(amperes) <= i {
            return true
        }
        if let q = s.stopCapacity, stepCapacity >= q { return true }
        return false
    }

    /// The first protection bound broken, in words; nil when within bounds.
    private func protectionBreach(_ s: NewareStep, volts: Double, amperes: Double) -> String? {
        for p in [table.protection, s.protection].compactMap({ $0 }) {
            if let v = p.maxVolts, volts > v { return "voltage \(volts) V above \(v) V" }
            if let v = p.minVolts, volts < v { return "voltage \(volts) V below \(v) V" }
            if let i = p.maxAmperes, amperes > i * (1 + 1e-9) { return "current \(amperes) A above \(i) A" }
            if let i = p.minAmperes, amperes < i * (1 + 1e-9) { return "current \(amperes) A below \(i) A" }
            if let q = p.maxCapacity, stepCapacity > q { return "step capacity \(stepCapacity) Ah above \(q) Ah" }
        }
        return nil
    }

    private func wantsRecord(volts: Double, amperes: Double) -> Bool {
        let rule = table.record
        if let t = rule.seconds, stepTime - recorded.time >= t - 1e-9 { return true }
        if let dv = rule.deltaVolts, abs(volts - recorded.volts) >= dv { return true }
        if let di = rule.deltaAmperes, abs(amperes - recorded.amperes) >= di { return true }
        return false
    }

    private mutating func record() {
        guard let step = currentStep else { return }
        let row = Row(seqid: rows.count + 1, stepID: step.id, cycleNumber: cycleNumber, type: step.type, testTime: testTime,
                      volts: lastVolts, amperes: lastAmperes, capacity: stepCapacity, energy: stepEnergy)
        if !layerOpen {
            layers.append(Layer(startSeqid: row.seqid, endSeqid: row.seqid, stepIndex: stepIndex, stepID: step.id,
                                cycleNumber: cycleNumber, type: step.type, stepTime: stepTime, endTestTime: testTime,
                                startVolts: lastVolts, endVolts: lastVolts, startAmperes: lastAmperes, endAmperes: lastAmperes,
                                capacity: stepCapacity, energy: stepEnergy))
            layerOpen = true
        }
        rows.append(row)
        recorded = (stepTime, lastVolts, lastAmperes)
        updateLayer()
    }

    private mutating func updateLayer() {
        guard layerOpen, var l = layers.last else { return }
        l.endSeqid = rows.count
        l.stepTime = stepTime
        l.endTestTime = testTime
        l.endVolts = lastVolts
        l.endAmperes = lastAmperes
        l.capacity = stepCapacity
        l.energy = stepEnergy
        layers[layers.count - 1] = l
    }

    private mutating func closeLayer() {
        updateLayer()
        layerOpen = false
    }

    // MARK: - Step transitions

    /// The step in progress ended by a limit: go where the step file says.
    private mutating func finishStep() {
        guard let id = stepID else { return }
        closeLayer()
        let (next, passed) = counters.next(after: id, count: table.steps.count, kind: kind)
        arrive(at: next, passed: passed)
    }

    private func kind(_ id: Int) -> NewareLoopCounters.Kind {
        guard let s = table.step(id) else { return .end }
        switch s.type {
        case .cycle: return .cycle(start: s.cycleStart ?? 1, count: s.cycleCount ?? 1)
        case .end: return .end
        case .pause: return .pause
        default: return .timed
        }
    }

    /// Arrive at `next` (nil: the test is over), after passing cycle steps.
    private mutating func arrive(at next: Int?, passed: [NewareLoopCounters.Pass]) {
        cycleNumber += passed.count
        guard let next, let step = table.step(next) else {
            stepID = nil
            phase = .finished
            stopReason = "end of step file"
            return
        }
        switch step.type {
        case .cycle:
            let (n, more) = counters.next(after: next - 1, count: table.steps.count, kind: kind)
            arrive(at: n, passed: more)
        case .end:
            stepID = nil
            phase = .finished
            stopReason = "end step \(next)"
        case .pause:
            stepID = next
            phase = .pausedAt(next)
        default:
            if let r = reservation, r.step == -1 || r.step == next, r.cycle == -1 || r.cycle == cycleNumber - 1 {
                reservation = nil
                stepID = next
                phase = .pausedBefore(next)
            } else {
                begin(next)
            }
        }
    }

    private mutating func begin(_ id: Int) {
        stepID = id
        stepIndex += 1
        stepTime = 0
        stepCapacity = 0
        stepEnergy = 0
        breachSince = nil
        recorded = (-Double.infinity, 0, 0)
        layerOpen = false
        phase = .running
    }

    // MARK: - Commands

    /// `stop`: output off, a last row if the step has run since the last one.
    mutating func stop() -> Bool {
        switch phase {
        case .running:
            if let last = rows.last, last.testTime < testTime { record() }
            closeLayer()
            phase = .stopped
            stopReason = "stopped by the API"
            return true
        case .pausedBefore(let id):
            begin(id)
            phase = .stopped
            stopReason = "stopped by the API"
            return true
        case .pausedAt:
            phase = .stopped
            stopReason = "stopped by the API"
            return true
        default:
            return false
        }
    }

    /// `continue`: a pause, stop or protection resumes where it left off.
    mutating func resume() -> Bool {
        switch phase {
        case .pausedAt(let id):
            let (next, passed) = counters.next(after: id, count: table.steps.count, kind: kind)
            arrive(at: next, passed: passed)
            return true
        case .pausedBefore(let id):
            begin(id)
            return true
        case .stopped, .protected:
            guard let id = stepID else { return false }
            if table.step(id)?.type == .pause {
                let (next, passed) = counters.next(after: id, count: table.steps.count, kind: kind)
                arrive(at: next, passed: passed)
            } else {
                breachSince = nil
                phase = .running
                if rows.last?.stepID == id, layers.last?.stepID == id { layerOpen = true }
            }
            return true
        default:
            return false
        }
    }

    /// `goto`: end the step in progress and start step `id` afresh (loop counters are kept).
    mutating func goto(_ id: Int) -> Bool {
        guard phase != .finished, let s = table.step(id), s.type != .cycle, s.type != .end else { return false }
        if phase == .running, let last = rows.last, last.testTime < testTime { record() }
        closeLayer()
        if s.type == .pause {
            stepID = id
            phase = .pausedAt(id)
        } else {
            begin(id)
        }
        return true
    }
}

/// A channel's output range, filled into every drive (the instrument's compliance).
struct NewareChannelLimits: Sendable, Hashable {
    var minVolts: Double
    var maxVolts: Double
    var maxAbsCurrent: Double
}
