/// One accepted unit spelling: its dimension and how to reach the SI value (`si = value × factor + offset`).
public struct UnitDefinition: Sendable, Hashable {
    public var symbol: String
    public var dimension: PhysicalDimension
    public var factor: Double
    public var offset: Double

    public init(_ symbol: String, _ dimension: PhysicalDimension, _ factor: Double, offset: Double = 0) {
        self.symbol = symbol
        self.dimension = dimension
        self.factor = factor
        self.offset = offset
    }
}

/// Every unit the protocol language accepts, by spelling. Case matters (mHz is not MHz); the
/// Unicode variants (µ/μ, ², ³, Ω/Ω, °) are folded to ASCII before lookup.
public enum UnitCatalog {
    public static let definitions: [UnitDefinition] = {
        var d: [UnitDefinition] = []
        func add(_ symbols: [String], _ dim: PhysicalDimension, _ factor: Double, offset: Double = 0) {
            for s in symbols { d.append(UnitDefinition(s, dim, factor, offset: offset)) }
        }
        // current
        add(["A"], .current, 1); add(["mA"], .current, 1e-3); add(["uA"], .current, 1e-6)
        add(["nA"], .current, 1e-9); add(["pA"], .current, 1e-12)
        // specific current (A/g)
        add(["A/g"], .specificCurrent, 1); add(["mA/g"], .specificCurrent, 1e-3)
        add(["uA/g"], .specificCurrent, 1e-6); add(["A/kg"], .specificCurrent, 1e-3)
        add(["mA/mg"], .specificCurrent, 1)
        // areal current (A/cm²)
        add(["A/cm2"], .arealCurrent, 1); add(["mA/cm2"], .arealCurrent, 1e-3)
        add(["uA/cm2"], .arealCurrent, 1e-6)
        // voltage
        add(["V"], .voltage, 1); add(["mV"], .voltage, 1e-3); add(["uV"], .voltage, 1e-6)
        // power
        add(["W"], .power, 1); add(["mW"], .power, 1e-3); add(["uW"], .power, 1e-6); add(["kW"], .power, 1e3)
        // resistance
        add(["ohm", "ohms", "Ohm", "Ohms"], .resistance, 1)
        add(["mohm", "mOhm"], .resistance, 1e-3)
        add(["kohm", "kOhm"], .resistance, 1e3)
        add(["Mohm", "MOhm"], .resistance, 1e6)
        // time
        add(["ms"], .time, 1e-3)
        add(["s", "sec", "secs", "second", "seconds"], .time, 1)
        add(["m", "min", "mins", "minute", "minutes"], .time, 60)
        add(["h", "hr", "hrs", "hour", "hours"], .time, 3600)
        add(["d", "day", "days"], .time, 86400)
        // frequency
        add(["Hz"], .frequency, 1); add(["mHz"], .frequency, 1e-3); add(["uHz"], .frequency, 1e-6)
        add(["kHz"], .frequency, 1e3); add(["MHz"], .frequency, 1e6)
        // scan rate (also dV/dt thresholds)
        add(["V/s"], .scanRate, 1); add(["mV/s"], .scanRate, 1e-3); add(["uV/s"], .scanRate, 1e-6)
        add(["V/min"], .scanRate, 1.0 / 60); add(["mV/min"], .scanRate, 1e-3 / 60)
        add(["V/h"], .scanRate, 1.0 / 3600); add(["mV/h"], .scanRate, 1e-3 / 3600)
        // capacity
        add(["Ah"], .capacity, 1); add(["mAh"], .capacity, 1e-3); add(["uAh"], .capacity, 1e-6)
        // specific capacity (Ah/g)
        add(["Ah/g"], .specificCapacity, 1); add(["mAh/g"], .specificCapacity, 1e-3)
        add(["uAh/g"], .specificCapacity, 1e-6); add(["Ah/kg"], .specificCapacity, 1e-3)
        // areal capacity (Ah/cm²)
        add(["Ah/cm2"], .arealCapacity, 1); add(["mAh/cm2"], .arealCapacity, 1e-3)
        add(["uAh/cm2"], .arealCapacity, 1e-6)
        // energy
        add(["Wh"], .energy, 1); add(["mWh"], .energy, 1e-3); add(["uWh"], .energy, 1e-6); add(["kWh"], .energy, 1e3)
        // temperature (°C); `C` alone is a C-rate and only means °C where a temperature is expected
        add(["degC", "oC"], .temperature, 1)
        add(["K"], .temperature, 1, offset: -273.15)
        // mass
        add(["g"], .mass, 1); add(["mg"], .mass, 1e-3); add(["ug"], .mass, 1e-6); add(["kg"], .mass, 1e3)
        // area (cm²)
        add(["cm2"], .area, 1); add(["mm2"], .area, 1e-2); add(["m2"], .area, 1e4)
        // loading (g/cm²)
        add(["g/cm2"], .loading, 1); add(["mg/cm2"], .loading, 1e-3); add(["ug/cm2"], .loading, 1e-6)
        // mass fraction (g/g)
        add(["g/g"], .massFraction, 1); add(["mg/g"], .massFraction, 1e-3)
        add(["%", "wt%"], .massFraction, 1e-2)
        // molar volume (cm³/mol)
        add(["cm3/mol", "mL/mol", "ml/mol"], .molarVolume, 1); add(["L/mol", "dm3/mol"], .molarVolume, 1e3)
        add(["m3/mol"], .molarVolume, 1e6)
        // amount (mol)
        add(["mol"], .amount, 1); add(["mmol"], .amount, 1e-3); add(["umol"], .amount, 1e-6)
        add(["nmol"], .amount, 1e-9)
        return d
    }()

    static let bySymbol: [String: UnitDefinition] = {
        var m: [String: UnitDefinition] = [:]
        for d in definitions { m[d.symbol] = d }
        return m
    }()

    /// Fold the typographic spellings to the catalog's ASCII ones (µA → uA, cm² → cm2, Ω → ohm, °C → degC).
    public static func normalize(_ unit: String) -> String {
        var s = ""
        for ch in unit.unicodeScalars {
            switch ch {
            case "\u{00B5}", "\u{03BC}": s += "u"          // micro sign, Greek mu
            case "\u{00B2}": s += "2"
            case "\u{00B3}": s += "3"
            case "\u{03A9}", "\u{2126}": s += "ohm"        // Greek capital omega, ohm sign
            case "\u{00B0}", "\u{00BA}": s += "deg"        // degree sign, ordinal indicator
            case "\u{2103}": s += "degC"                   // ℃
            case "^": continue                              // cm^2
            default: s.unicodeScalars.append(ch)
            }
        }
        return s
    }

    /// The definition for a spelling, after normalisation.
    public static func lookup(_ unit: String) -> UnitDefinition? {
        bySymbol[normalize(unit)]
    }

    /// Spellings that share a dimension, for "expected …" messages.
    public static func examples(for dimension: PhysicalDimension) -> [String] {
        switch dimension {
        case .dimensionless: return ["a plain number"]
        case .current: return ["A", "mA", "µA", "nA"]
        case .cRate: return ["C/10", "0.2C", "2C"]
        case .specificCurrent: return ["A/g", "mA/g", "mA/g sulfur"]
        case .arealCurrent: return ["A/cm2", "mA/cm2", "µA/cm2"]
        case .voltage: return ["V", "mV"]
        case .power: return ["W", "mW"]
        case .resistance: return ["ohm", "Ω", "mohm", "kohm"]
        case .time: return ["s", "min", "h", "d"]
        case .frequency: return ["Hz", "mHz", "kHz", "MHz"]
        case .scanRate: return ["V/s", "mV/s", "mV/min", "mV/h"]
        case .capacity: return ["Ah", "mAh", "µAh"]
        case .specificCapacity: return ["mAh/g", "Ah/g"]
        case .arealCapacity: return ["mAh/cm2", "Ah/cm2"]
        case .energy: return ["Wh", "mWh"]
        case .temperature: return ["degC", "°C"]
        case .mass: return ["g", "mg", "µg"]
        case .area: return ["cm2", "cm²", "mm2"]
        case .loading: return ["mg/cm2"]
        case .massFraction: return ["mg/g", "%"]
        case .molarVolume: return ["cm3/mol"]
        case .amount: return ["mol", "µmol"]
        }
    }
}
