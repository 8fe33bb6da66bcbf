import Foundation

/// A run as the store keeps it: globally unique id, where it ran, what it ran.
public struct RunInfo: Sendable, Hashable, Codable {
    public var id: UUID
    public var bench: String
    public var channel: String
    public var protocolName: String
    public var protocolText: String
    public var program: StepProgram
    public var cell: CellMetadata?
    public var startedUnix: Double

    public init(id: UUID = UUID(), bench: String, channel: String, protocolName: String, protocolText: String,
                program: StepProgram, cell: CellMetadata?, startedUnix: Double) {
        self.id = id
        self.bench = bench
        self.channel = channel
        self.protocolName = protocolName
        self.protocolText = protocolText
        self.program = program
        self.cell = cell
        self.startedUnix = startedUnix
    }
}

/// How a run ended.
public enum RunStatus: String, Sendable, Hashable, Codable {
    case running, paused, completed, stopped, safetyStop = "safety_stop", failed
}

/// A step transition, as logged (BDF step rows, the socket's step_start/step_end).
public struct StepRecord: Sendable, Hashable, Codable {
    public var stepCount: Int
    public var stepID: Int
    public var label: String?
    public var kind: ControlKind
    public var cycle: Int
    public var startTestTime: Double
    public var endTestTime: Double?
    /// Why it ended ("V <= 0.01 V", "safety: V > 3.3 V", "operator stop").
    public var endReason: String?
    public var capacity: Double
    public var energy: Double

    public init(stepCount: Int, stepID: Int, label: String?, kind: ControlKind, cycle: Int, startTestTime: Double,
                endTestTime: Double? = nil, endReason: String? = nil, capacity: Double = 0, energy: Double = 0) {
        self.stepCount = stepCount
        self.stepID = stepID
        self.label = label
        self.kind = kind
        self.cycle = cycle
        self.startTestTime = startTestTime
        self.endTestTime = endTestTime
        self.endReason = endReason
        self.capacity = capacity
        self.energy = energy
    }
}

/// Something that happened during a run worth a line in the log (pause, safety breach, event fired).
public struct RunEvent: Sendable, Hashable, Codable {
    public var testTime: Double
    public var kind: String
    public var message: String

    public init(testTime: Double, kind: String, message: String) {
        self.testTime = testTime
        self.kind = kind
        self.message = message
    }
}

/// One EIS spectrum with where in the run it was taken.
public struct ImpedanceSpectrum: Sendable, Hashable, Codable {
    public var index: Int
    public var stepCount: Int
    public var cycle: Int
    public var testTime: Double
    public var points: [ImpedancePoint]

    public init(index: Int, stepCount: Int, cycle: Int, testTime: Double, points: [ImpedancePoint]) {
        self.index = index
        self.stepCount = stepCount
        self.cycle = cycle
        self.testTime = testTime
        self.points = points
    }
}

/// The engine's whole position, saved at every step transition so a run can resume after a crash.
public struct EngineCheckpoint: Sendable, Hashable, Codable {
    /// Instruction index to start (the step about to run).
    public var pc: Int
    /// Loop id -> passes completed, and latched until-flags.
    public var loopPasses: [Int: Int]
    public var loopLatched: [Int: Bool]
    /// Return stack when inside an event body: (subroutine, index) frames.
    public var callStack: [CallFrame]
    public var cycle: Int
    public var stepCount: Int
    public var testTime: Double
    public var nextSeq: Int64
    public var chargeCapacity: Double
    public var dischargeCapacity: Double
    public var chargeEnergy: Double
    public var dischargeEnergy: Double
    public var cycleChargeCapacity: Double
    public var cycleDischargeCapacity: Double
    public var cycleChargeEnergy: Double
    public var cycleDischargeEnergy: Double
    public var lastDirection: CurrentDirection
    public var eisCount: Int
    /// The routine `pc` indexes: nil = main program, else a subroutine (an event body).
    public var routine: Int? = nil
    /// Progress of the step at `pc` when the checkpoint was taken mid-step (nil at a boundary),
    /// so a resumed run continues the step instead of repeating it.
    public var stepProgress: StepProgress? = nil

    public init(pc: Int, loopPasses: [Int: Int] = [:], loopLatched: [Int: Bool] = [:], callStack: [CallFrame] = [],
                cycle: Int = 1, stepCount: Int = 0, testTime: Double = 0, nextSeq: Int64 = 0,
                chargeCapacity: Double = 0, dischargeCapacity: Double = 0, chargeEnergy: Double = 0,
                dischargeEnergy: Double = 0, cycleChargeCapacity: Double = 0, cycleDischargeCapacity: Double = 0,
                cycleChargeEnergy: Double = 0, cycleDischargeEnergy: Double = 0,
                lastDirection: CurrentDirection = .none, eisCount: Int = 0) {
        self.pc = pc
        self.loopPasses = loopPasses
        self.loopLatched = loopLatched
        self.callStack = callStack
        self.cycle = cycle
        self.stepCount = stepCount
        self.testTime = testTime
        self.nextSeq = nextSeq
        self.chargeCapacity = chargeCapacity
        self.dischargeCapacity = dischargeCapacity
        self.chargeEnergy = chargeEnergy
        self.dischargeEnergy = dischargeEnergy
        self.cycleChargeCapacity = cycleChargeCapacity
        self.cycleDischargeCapacity = cycleDischargeCapacity
        self.cycleChargeEnergy = cycleChargeEnergy
        self.cycleDischargeEnergy = cycleDischargeEnergy
        self.lastDirection = lastDirection
        self.eisCount = eisCount
    }
}

/// How far a step had got: enough to continue it with the same end conditions after a crash.
public struct StepProgress: Sendable, Hashable, Codable {
    public var stepCount: Int
    public var stepSeconds: Double
    public var stepCapacity: Double
    public var stepEnergy: Double
    public var stepStartVolts: Double
    public var nextTimerSeconds: Double?

    public init(stepCount: Int, stepSeconds: Double, stepCapacity: Double, stepEnergy: Double,
                stepStartVolts: Double, nextTimerSeconds: Double?) {
        self.stepCount = stepCount
        self.stepSeconds = stepSeconds
        self.stepCapacity = stepCapacity
        self.stepEnergy = stepEnergy
        self.stepStartVolts = stepStartVolts
        self.nextTimerSeconds = nextTimerSeconds
    }
}

public struct CallFrame: Sendable, Hashable, Codable {
    /// nil = the main program, else a subroutine index.
    public var routine: Int?
    /// Where to continue in that routine when the callee returns.
    public var returnPC: Int

    public init(routine: Int?, returnPC: Int) {
        self.routine = routine
        self.returnPC = returnPC
    }
}

/// Where the engine writes everything it produces. The store implements it; the engine never
/// reads back through it. `commit` returns once the batch is durable, so a sample is only
/// streamed after it is stored.
public protocol RunJournal: Sendable {
    func begin(_ run: RunInfo) async throws
    /// Durably store a batch: samples, step transitions, events, spectra, and the checkpoint
    /// reached (all in one transaction, so a checkpoint never points past stored data).
    func commit(runID: UUID, samples: [Sample], steps: [StepRecord], events: [RunEvent],
                spectra: [ImpedanceSpectrum], checkpoint: EngineCheckpoint?) async throws
    func finish(runID: UUID, status: RunStatus, reason: String, testTime: Double) async throws
}
