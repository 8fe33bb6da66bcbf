/// What a condition watches. Capacities and energies are magnitudes within the step.
public enum ConditionQuantity: String, Sendable, Codable, Hashable, CaseIterable {
    case stepTime = "step_time"        // s
    case testTime = "test_time"        // s, since the run started
    case voltage                       // V
    case current                       // A, signed
    case absCurrent = "abs_current"    // A, |I| (CV taper)
    case stepCapacity = "step_capacity" // Ah, |∫I dt| within the step
    case stepEnergy = "step_energy"    // Wh, |∫V I dt| within the step
    case deltaVoltage = "delta_voltage" // V, V − V at step start (signed)
    case dVdt = "dv_dt"                 // V/s, over the last sample interval
    case cycleIndex = "cycle_index"    // 1-based cycle number
    case temperature                   // °C
}

public enum Comparison: String, Sendable, Codable, Hashable {
    case greaterOrEqual = ">="
    case lessOrEqual = "<="
    case greater = ">"
    case less = "<"

    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greaterOrEqual: return value >= threshold
        case .lessOrEqual: return value <= threshold
        case .greater: return value > threshold
        case .less: return value < threshold
        }
    }
}

public struct Condition: Sendable, Codable, Hashable {
    public var quantity: ConditionQuantity
    public var comparison: Comparison
    /// SI units of the quantity (see `ConditionQuantity`).
    public var threshold: Double
    /// As written, for messages ("V <= 0.01 V").
    public var text: String
    public var location: SourceLocation

    public init(quantity: ConditionQuantity, comparison: Comparison, threshold: Double, text: String,
                location: SourceLocation = .unknown) {
        self.quantity = quantity
        self.comparison = comparison
        self.threshold = threshold
        self.text = text
        self.location = location
    }
}

public enum EndAction: Sendable, Codable, Hashable {
    case next
    /// Resolved instruction index of the label.
    case goto(label: String, index: Int)
    case end
    case pause
}

public struct EndCondition: Sendable, Codable, Hashable {
    public var condition: Condition
    public var action: EndAction

    public init(_ condition: Condition, action: EndAction = .next) {
        self.condition = condition
        self.action = action
    }
}
