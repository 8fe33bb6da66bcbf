/// The compiled, validated program the engine runs: every quantity in SI (A, V, W, Ω, s, Ah, Wh,
/// V/s, Hz, °C), labels resolved to instruction indices, loops explicit as begin/end pairs.
///
/// A flat instruction list (the Maccor model) keeps goto, nested loops and checkpoints simple:
/// the engine's position is one index plus the loop counters.
public struct StepProgram: Sendable, Codable, Hashable {
    public var name: String
    /// The file it was compiled from, for messages.
    public var source: String
    public var instructions: [Instruction]
    /// Label -> instruction index (steps and loops may carry labels).
    public var labels: [String: Int]
    public var safety: SafetyLimits
    public var record: RecordingRule
    /// Sub-programs run by events; indices into this array are `EventBody.id`.
    public var subroutines: [[Instruction]]
    public var cycleEvents: [CycleEvent]
    public var cycleDefinition: CycleDefinition
    /// The cell the amperes were resolved against, if any.
    public var cell: CellMetadata?
    /// Human-readable notes on how relative quantities were resolved ("140 mA/g × 0.79 mg = 110.6 µA").
    public var resolutions: [String]

    public init(name: String, source: String, instructions: [Instruction], labels: [String: Int] = [:],
                safety: SafetyLimits = .none, record: RecordingRule = .default,
                subroutines: [[Instruction]] = [], cycleEvents: [CycleEvent] = [],
                cycleDefinition: CycleDefinition = .loops, cell: CellMetadata? = nil,
                resolutions: [String] = []) {
        self.name = name
        self.source = source
        self.instructions = instructions
        self.labels = labels
        self.safety = safety
        self.record = record
        self.subroutines = subroutines
        self.cycleEvents = cycleEvents
        self.cycleDefinition = cycleDefinition
        self.cell = cell
        self.resolutions = resolutions
    }
}

public enum Instruction: Sendable, Codable, Hashable {
    case step(Step)
    case loopBegin(LoopBegin)
    case loopEnd(LoopEnd)
}

/// How the cycle index advances.
public enum CycleDefinition: String, Sendable, Codable, Hashable {
    /// Each pass through a loop whose `advancesCycle` is true ends a cycle (Maccor `AdvCycle`).
    case loops
    /// A new cycle starts at each charge step that follows a discharge (Neware/BTSDA habit).
    case chargeAfterDischarge = "charge_after_discharge"
    /// A new cycle starts at each discharge step that follows a charge (anode half cells, Li‖Cu).
    case dischargeAfterCharge = "discharge_after_charge"
}

public struct LoopBegin: Sendable, Codable, Hashable {
    public var id: Int
    public var label: String?
    public var kind: LoopKind
    /// Whether finishing one pass advances the cycle index (with `CycleDefinition.loops`).
    public var advancesCycle: Bool
    /// Index of the matching `loopEnd`.
    public var endIndex: Int
    public var location: SourceLocation

    public init(id: Int, label: String? = nil, kind: LoopKind, advancesCycle: Bool, endIndex: Int,
                location: SourceLocation = .unknown) {
        self.id = id
        self.label = label
        self.kind = kind
        self.advancesCycle = advancesCycle
        self.endIndex = endIndex
        self.location = location
    }
}

public struct LoopEnd: Sendable, Codable, Hashable {
    public var id: Int
    /// Index of the matching `loopBegin`.
    public var beginIndex: Int

    public init(id: Int, beginIndex: Int) {
        self.id = id
        self.beginIndex = beginIndex
    }
}

public enum LoopKind: Sendable, Codable, Hashable {
    /// Runs the body `count` times in all (unicycler's `cycle_count` meaning: the total).
    case counted(count: Int)
    /// Runs the body until one of `conditions` has held on any sample of a pass (latched); the pass
    /// in progress then finishes (the step in progress ends by its own end conditions) and the
    /// loop exits. `maxPasses` bounds it (GITT: pulse + rest until the cut-off).
    case until(conditions: [Condition], maxPasses: Int)
}
