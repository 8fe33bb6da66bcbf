import EchemCore

// The parsed protocol before lowering: quantities still as written (relative kinds unresolved),
// every part located. Both the YAML reader and the aurora-unicycler importer produce this.

/// A quantity with where it was written.
struct LocatedQuantity: Sendable {
    var quantity: Quantity
    var location: SourceLocation
    var text: String { quantity.text }
}

struct ProtocolSyntax: Sendable {
    var name: String
    var description: String?
    var cell: CellSyntax?
    var job: JobTarget?
    var cycleDefinition: CycleDefinition = .loops
    var record: RecordSyntax?
    var safety: SafetySyntax?
    var events: [CycleEventSyntax] = []
    var steps: [ItemSyntax] = []
    var location: SourceLocation
}

/// A cell as written: the metadata plus how each derived value came about.
struct CellSyntax: Sendable {
    var metadata: CellMetadata
    /// "composite: 0.7 mg/cm2 × 1.131 cm² = 0.7917 mg"
    var derivations: [String]
    var location: SourceLocation
}

indirect enum ItemSyntax: Sendable {
    case step(StepSyntax)
    case loop(LoopSyntax)
}

enum LoopKindSyntax: Sendable {
    case counted(Int, SourceLocation)
    case until([ConditionSyntax], maxPasses: Int, maxPassesLocation: SourceLocation)
}

struct LoopSyntax: Sendable {
    var label: String?
    var labelLocation: SourceLocation?
    var kind: LoopKindSyntax
    var advancesCycle: Bool
    var body: [ItemSyntax]
    var location: SourceLocation
}

struct StepSyntax: Sendable {
    var label: String?
    var labelLocation: SourceLocation?
    var summary: String
    var mode: ModeSyntax
    var ends: [ConditionSyntax] = []
    var record: RecordSyntax?
    var limits: SafetySyntax?
    var timers: [TimerSyntax] = []
    var location: SourceLocation
}

enum ModeSyntax: Sendable {
    case rest
    case current(LocatedQuantity)
    case voltage(LocatedQuantity, currentLimit: LocatedQuantity?)
    case cccv(current: LocatedQuantity, voltage: LocatedQuantity)
    case power(LocatedQuantity)
    case resistance(LocatedQuantity)
    case sweep(SweepSyntax)
    case eis(EISSyntax)
    case temperature(setpoint: LocatedQuantity, soak: LocatedQuantity?)
    case operatorPause(String)

    /// Modes that end by themselves; every other mode needs an end condition.
    var endsByItself: Bool {
        switch self {
        case .sweep, .eis, .temperature, .operatorPause: return true
        default: return false
        }
    }
}

struct SweepSyntax: Sendable {
    var start: LocatedQuantity?          // nil = at OCV
    var vertices: [LocatedQuantity]
    var scanRate: LocatedQuantity
    var cycles: Int
    var cyclesLocation: SourceLocation
    var firstCycleVertices: [LocatedQuantity]?
    var firstCycleScanRate: LocatedQuantity?
    var end: LocatedQuantity?
    var step: LocatedQuantity?
    var returnsToStart: Bool
    var location: SourceLocation
}

struct EISSyntax: Sendable {
    var mode: EISMode
    var from: LocatedQuantity
    var to: LocatedQuantity
    var pointsPerDecade: Int
    var pointsLocation: SourceLocation
    var amplitude: LocatedQuantity
    var dc: LocatedQuantity?             // nil = at OCV
    var settleCycles: Double
    var integrationCycles: Double
    var cyclesLocation: SourceLocation
    var location: SourceLocation
}

enum ActionSyntax: Sendable {
    case next
    case goto(String, SourceLocation)
    case end
    case pause
}

struct ConditionSyntax: Sendable {
    var quantity: ConditionQuantity
    var comparison: Comparison
    var value: LocatedQuantity
    var text: String
    var action: ActionSyntax
    var location: SourceLocation
}

struct RecordSyntax: Sendable {
    var every: LocatedQuantity?
    var dV: LocatedQuantity?
    var dI: LocatedQuantity?
    var dQ: LocatedQuantity?
    var location: SourceLocation
}

struct SafetySyntax: Sendable {
    var minVolts: LocatedQuantity?
    var maxVolts: LocatedQuantity?
    var current: LocatedQuantity?
    var capacity: LocatedQuantity?
    var minCelsius: LocatedQuantity?
    var maxCelsius: LocatedQuantity?
    var stepTime: LocatedQuantity?
    var debounce: LocatedQuantity?
    var action: SafetyAction?
    var location: SourceLocation
}

struct CycleEventSyntax: Sendable {
    var afterCycles: [Int]
    var everyCycles: Int?
    var steps: [ItemSyntax]
    var location: SourceLocation
}

struct TimerSyntax: Sendable {
    var interval: LocatedQuantity
    var steps: [ItemSyntax]
    var location: SourceLocation
}
