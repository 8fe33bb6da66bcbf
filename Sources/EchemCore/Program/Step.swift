import Foundation

/// One step of a program: a control mode with its setpoint, end conditions, and per-step rules.
public struct Step: Sendable, Codable, Hashable {
    /// Stable id within the program (1-based, in file order), shown as the BDF `Step ID`.
    public var id: Int
    public var label: String?
    /// What the scientist wrote, shown by `explain` ("Discharge at C/3 for 2 hours or until 2.5 V").
    public var summary: String
    public var control: Control
    /// OR-combined; the first that holds ends the step with its action.
    public var ends: [EndCondition]
    /// Overrides the program's rule for this step.
    public var record: RecordingRule?
    /// Tightens the program's safety limits for this step.
    public var limits: SafetyLimits?
    /// Events on a timer during this step (EIS every 30 min during a discharge).
    public var timerEvents: [TimerEvent]
    public var location: SourceLocation

    public init(id: Int, label: String? = nil, summary: String, control: Control, ends: [EndCondition] = [],
                record: RecordingRule? = nil, limits: SafetyLimits? = nil, timerEvents: [TimerEvent] = [],
                location: SourceLocation = .unknown) {
        self.id = id
        self.label = label
        self.summary = summary
        self.control = control
        self.ends = ends
        self.record = record
        self.limits = limits
        self.timerEvents = timerEvents
        self.location = location
    }
}

/// Control modes. Every value is SI; current and power are signed, positive charges the cell.
public enum Control: Sendable, Codable, Hashable {
    /// Open circuit: no current, voltage logged (rest, OCV).
    case rest
    /// Constant current (galvanostatic; chronopotentiometry on a potentiostat).
    case current(amperes: Double)
    /// Constant voltage (potentiostatic hold; chronoamperometry), optional current compliance.
    case voltage(volts: Double, currentLimit: Double?)
    /// CC until `volts`, then CV at `volts`: one step, one time limit for the whole.
    case cccv(amperes: Double, volts: Double)
    /// Constant power, signed (positive charges).
    case power(watts: Double)
    /// Constant resistance load (discharge through `ohms`).
    case resistance(ohms: Double)
    /// Potential sweep (CV/LSV).
    case sweep(Sweep)
    /// Impedance spectrum.
    case eis(EISSpec)
    /// Chamber set-point, held until the soak time has passed after reaching it (output at rest).
    case temperature(celsius: Double, soakSeconds: Double)
    /// Output off and wait for an operator (cell transfer to another instrument).
    case operatorPause(message: String)

    /// The sign of charge this step moves, for cycle counting and step-type labels.
    public var direction: CurrentDirection {
        switch self {
        case .current(let a), .cccv(let a, _): return a > 0 ? .charge : (a < 0 ? .discharge : .none)
        case .power(let w): return w > 0 ? .charge : (w < 0 ? .discharge : .none)
        case .resistance: return .discharge
        default: return .none
        }
    }
}

public enum CurrentDirection: String, Sendable, Codable, Hashable {
    case charge, discharge, none
}

/// A cyclic or linear sweep: from `start` through each vertex in turn, `cycles` times, then to `end`.
public struct Sweep: Sendable, Codable, Hashable {
    public var startVolts: Double
    /// Vertices of one cycle, in order (CV: two; LSV: one).
    public var vertices: [Double]
    public var scanRateVoltsPerSecond: Double
    public var cycles: Int
    /// A different first cycle (seed 004 row 4-5: first scan 1.7–3.2 V, then 1.7–2.8 V).
    public var firstCycleVertices: [Double]?
    public var firstCycleScanRate: Double?
    /// Where the sweep stops after the last cycle; nil stays at the last vertex path's end (= start).
    public var endVolts: Double?
    /// Potential step used to approximate the ramp (staircase), in V.
    public var stepVolts: Double
    /// `start: ocv` (the default): start at the open-circuit voltage measured when the step begins;
    /// `startVolts` then holds only an estimate (the first vertex). nil means false.
    public var startsAtOpenCircuit: Bool?
    /// false for a linear sweep: each cycle goes start -> vertices and does not return to start.
    /// nil means true (cyclic voltammetry).
    public var returnsToStart: Bool?

    public init(startVolts: Double, vertices: [Double], scanRateVoltsPerSecond: Double, cycles: Int,
                firstCycleVertices: [Double]? = nil, firstCycleScanRate: Double? = nil,
                endVolts: Double? = nil, stepVolts: Double = 0.001,
                startsAtOpenCircuit: Bool? = nil, returnsToStart: Bool? = nil) {
        self.startVolts = startVolts
        self.vertices = vertices
        self.scanRateVoltsPerSecond = scanRateVoltsPerSecond
        self.cycles = cycles
        self.firstCycleVertices = firstCycleVertices
        self.firstCycleScanRate = firstCycleScanRate
        self.endVolts = endVolts
        self.stepVolts = stepVolts
        self.startsAtOpenCircuit = startsAtOpenCircuit
        self.returnsToStart = returnsToStart
    }
}

public enum EISMode: String, Sendable, Codable, Hashable {
    case potentiostatic, galvanostatic
}

public struct EISSpec: Sendable, Codable, Hashable {
    public var mode: EISMode
    public var startHz: Double
    public var endHz: Double
    public var pointsPerDecade: Int
    /// Amplitude: volts (potentiostatic) or amperes (galvanostatic), as given (rms by convention).
    public var amplitude: Double
    /// DC level: nil = at open circuit (measured just before), else volts or amperes per mode.
    public var dcLevel: Double?
    public var settleCycles: Double
    public var integrationCycles: Double

    public init(mode: EISMode, startHz: Double, endHz: Double, pointsPerDecade: Int, amplitude: Double,
                dcLevel: Double? = nil, settleCycles: Double = 1, integrationCycles: Double = 3) {
        self.mode = mode
        self.startHz = startHz
        self.endHz = endHz
        self.pointsPerDecade = pointsPerDecade
        self.amplitude = amplitude
        self.dcLevel = dcLevel
        self.settleCycles = settleCycles
        self.integrationCycles = integrationCycles
    }

    /// Log-spaced frequencies from start to end, `pointsPerDecade` per decade, both ends included.
    public var frequencies: [Double] {
        let decades = abs(log10(endHz / startHz))
        let n = max(1, Int((decades * Double(pointsPerDecade)).rounded()))
        return (0...n).map { k in startHz * pow(endHz / startHz, Double(k) / Double(n)) }
    }
}
