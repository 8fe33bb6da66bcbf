/// What a quantity measures. Relative currents and capacities keep their kind (C-rate, per gram,
/// per cm²) until they are resolved against a cell, so a protocol can be written before the cell exists.
public enum PhysicalDimension: String, Sendable, Hashable, Codable, CaseIterable {
    case dimensionless
    case current            // A
    case cRate              // multiples of the cell's 1C
    case specificCurrent    // A/g on a mass basis
    case arealCurrent       // A/cm²
    case voltage            // V
    case power              // W
    case resistance         // Ω
    case time               // s
    case frequency          // Hz
    case scanRate           // V/s
    case capacity           // Ah
    case specificCapacity   // Ah/g on a mass basis
    case arealCapacity      // Ah/cm²
    case energy             // Wh
    case temperature        // °C
    case mass               // g
    case area               // cm²
    case loading            // g/cm²
    case massFraction       // g/g
    case molarVolume        // cm³/mol
    case amount             // mol

    /// The unit the SI value is expressed in (echemd's SI: cm² for areas, Ah for charge, °C for temperature).
    public var siUnit: String {
        switch self {
        case .dimensionless: return ""
        case .current: return "A"
        case .cRate: return "C"
        case .specificCurrent: return "A/g"
        case .arealCurrent: return "A/cm²"
        case .voltage: return "V"
        case .power: return "W"
        case .resistance: return "Ω"
        case .time: return "s"
        case .frequency: return "Hz"
        case .scanRate: return "V/s"
        case .capacity: return "Ah"
        case .specificCapacity: return "Ah/g"
        case .arealCapacity: return "Ah/cm²"
        case .energy: return "Wh"
        case .temperature: return "°C"
        case .mass: return "g"
        case .area: return "cm²"
        case .loading: return "g/cm²"
        case .massFraction: return "g/g"
        case .molarVolume: return "cm³/mol"
        case .amount: return "mol"
        }
    }

    /// A name for messages ("expected a current").
    public var noun: String {
        switch self {
        case .dimensionless: return "plain number"
        case .current: return "current"
        case .cRate: return "C-rate"
        case .specificCurrent: return "specific current"
        case .arealCurrent: return "areal current"
        case .voltage: return "voltage"
        case .power: return "power"
        case .resistance: return "resistance"
        case .time: return "duration"
        case .frequency: return "frequency"
        case .scanRate: return "scan rate"
        case .capacity: return "capacity"
        case .specificCapacity: return "specific capacity"
        case .arealCapacity: return "areal capacity"
        case .energy: return "energy"
        case .temperature: return "temperature"
        case .mass: return "mass"
        case .area: return "area"
        case .loading: return "loading"
        case .massFraction: return "mass fraction"
        case .molarVolume: return "molar volume"
        case .amount: return "amount of substance"
        }
    }

    /// Currents of every kind: absolute, or relative to the cell.
    public static let anyCurrent: Set<PhysicalDimension> = [.current, .cRate, .specificCurrent, .arealCurrent]
    /// Capacities of every kind: absolute, or relative to the cell.
    public static let anyCapacity: Set<PhysicalDimension> = [.capacity, .specificCapacity, .arealCapacity]

    /// Whether the value needs a cell before it means amperes (or ampere-hours).
    public var isRelative: Bool {
        switch self {
        case .cRate, .specificCurrent, .arealCurrent, .specificCapacity, .arealCapacity: return true
        default: return false
        }
    }

    /// Whether a trailing word may name the mass basis (`mA/g sulfur`).
    public var takesMassBasis: Bool { self == .specificCurrent || self == .specificCapacity }
}
