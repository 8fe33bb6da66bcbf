/// What a vendor column holds, after its unit is applied (SI: V, A, Ah, Wh, s, °C).
enum Field: String, Sendable, Hashable, CaseIterable {
    case index, cycle, step, stepType, stepTime, testTime, dateTime, voltage, current
    case stepCapacity, chargeCapacity, dischargeCapacity, stepEnergy, chargeEnergy, dischargeEnergy
    case temperature

    /// How the field is named in messages ("no current column").
    var phrase: String {
        switch self {
        case .index: return "record index"
        case .cycle: return "cycle"
        case .step: return "step index"
        case .stepType: return "step type"
        case .stepTime: return "step time"
        case .testTime: return "test time"
        case .dateTime: return "date-time"
        case .voltage: return "voltage"
        case .current: return "current"
        case .stepCapacity: return "capacity"
        case .chargeCapacity: return "charge capacity"
        case .dischargeCapacity: return "discharge capacity"
        case .stepEnergy: return "energy"
        case .chargeEnergy: return "charge energy"
        case .dischargeEnergy: return "discharge energy"
        case .temperature: return "temperature"
        }
    }

    var dimension: UnitTable? {
        switch self {
        case .voltage: return .voltage
        case .current: return .current
        case .stepCapacity, .chargeCapacity, .dischargeCapacity: return .charge
        case .stepEnergy, .chargeEnergy, .dischargeEnergy: return .energy
        case .stepTime, .testTime: return .time
        case .temperature: return .temperature
        case .index, .cycle, .step, .stepType, .dateTime: return nil
        }
    }
}

/// Units a column may carry, folded (see `HeaderCell.foldUnit`, then lower-cased), and the
/// factor to SI. Time columns also take clock units such as `h:min:s.ms`: their cells are read
/// as clock strings whatever the unit says.
struct UnitTable: Sendable {
    var factors: [String: Double]
    /// How messages list the accepted units.
    var shown: String

    static let voltage = UnitTable(factors: ["v": 1, "mv": 1e-3, "uv": 1e-6], shown: "V, mV")
    static let current = UnitTable(factors: ["a": 1, "ma": 1e-3, "ua": 1e-6, "na": 1e-9], shown: "A, mA, uA (µA)")
    static let charge = UnitTable(factors: ["ah": 1, "mah": 1e-3, "uah": 1e-6, "as": 1 / 3600.0,
                                            "mas": 1e-3 / 3600, "c": 1 / 3600.0],
                                  shown: "Ah, mAh, uAh, As, mAs")
    static let energy = UnitTable(factors: ["wh": 1, "mwh": 1e-3, "uwh": 1e-6, "ws": 1 / 3600.0,
                                            "mws": 1e-3 / 3600, "j": 1 / 3600.0],
                                  shown: "Wh, mWh, uWh, Ws, mWs")
    static let time = UnitTable(factors: ["s": 1, "sec": 1, "second": 1, "seconds": 1, "ms": 1e-3, "min": 60,
                                          "h": 3600, "hr": 3600, "hour": 3600],
                                shown: "s (Sec.), ms, min, h, or a clock such as h:min:s.ms")
    static let temperature = UnitTable(factors: ["°c": 1, "℃": 1, "c": 1, "degc": 1], shown: "°C")

    func factor(_ unit: String) -> Double? {
        let folded = HeaderCell.foldUnit(unit).lowercased()
        if let f = factors[folded] { return f }
        // h:min:s.ms, hh:mm:ss and friends: the cells say it all.
        if shown.contains("clock"), folded.contains(":") { return 1 }
        return nil
    }
}

/// The column names one vendor's exports use, folded (`HeaderCell.key`) → field, and how a
/// message shows the expected set.
struct ColumnCatalog: Sendable {
    var format: TesterVendor
    var keys: [String: Field]
    /// Header examples for messages, field → as the vendor writes it.
    var examples: [Field: String]
    /// A header needs voltage, current and one of these.
    var timeFields: [Field]

    func field(for cell: HeaderCell) -> Field? { keys[cell.key] }

    /// The column set as a user would see it in an export.
    var expectedColumns: String {
        Field.allCases.compactMap { examples[$0] }.joined(separator: ", ")
    }

    static func of(_ vendor: TesterVendor) -> ColumnCatalog { vendor == .neware ? neware : land }

    /// BTSDA 8 record layer and the older BTSDA 7 layout (wire-and-physics.md §8.2).
    static let neware = ColumnCatalog(
        format: .neware,
        keys: [
            "datapoint": .index, "recordid": .index, "recordindex": .index, "record": .index, "index": .index,
            "dataserial": .index,
            "cycleindex": .cycle, "cycleid": .cycle, "cycle": .cycle,
            "stepindex": .step, "stepid": .step, "step": .step,
            "steptype": .stepType, "stepname": .stepType, "status": .stepType,
            "time": .stepTime, "steptime": .stepTime, "relativetime": .stepTime,
            "totaltime": .testTime, "cumulativetime": .testTime,
            "date": .dateTime, "realtime": .dateTime, "absolutetime": .dateTime, "systemtime": .dateTime,
            "datetime": .dateTime,
            "voltage": .voltage, "volt": .voltage,
            "current": .current, "cur": .current,
            "capacity": .stepCapacity, "cap": .stepCapacity,
            "chgcap": .chargeCapacity, "chgcapacity": .chargeCapacity, "capacitancechg": .chargeCapacity,
            "chargecapacity": .chargeCapacity,
            "dchgcap": .dischargeCapacity, "dchgcapacity": .dischargeCapacity,
            "capacitancedchg": .dischargeCapacity, "dischargecapacity": .dischargeCapacity,
            "energy": .stepEnergy, "engy": .stepEnergy,
            "chgenergy": .chargeEnergy, "engychg": .chargeEnergy, "chargeenergy": .chargeEnergy,
            "dchgenergy": .dischargeEnergy, "engydchg": .dischargeEnergy, "dischargeenergy": .dischargeEnergy,
            "t1": .temperature, "temperature": .temperature, "temp": .temperature,
        ],
        examples: [
            .index: "DataPoint", .cycle: "Cycle Index", .step: "Step Index", .stepType: "Step Type",
            .stepTime: "Time", .testTime: "Total Time", .dateTime: "Date", .voltage: "Voltage(V)",
            .current: "Current(A) or Current(mA)", .stepCapacity: "Capacity(Ah)", .chargeCapacity: "Chg. Cap.(Ah)",
            .dischargeCapacity: "DChg. Cap.(Ah)", .stepEnergy: "Energy(Wh)", .chargeEnergy: "Chg. Energy(Wh)",
            .dischargeEnergy: "DChg. Energy(Wh)",
        ],
        timeFields: [.testTime, .dateTime, .stepTime])

    /// LANDdt raw-data exports (wire-and-physics.md §2).
    static let land = ColumnCatalog(
        format: .land,
        keys: [
            "index": .index, "record": .index, "recordindex": .index,
            "cycleindex": .cycle, "cycle": .cycle,
            "stepindex": .step, "step": .step,
            "state": .stepType, "workmode": .stepType, "mode": .stepType,
            "steptime": .stepTime,
            "testtime": .testTime,
            "systime": .dateTime, "systemtime": .dateTime, "realtime": .dateTime, "datetime": .dateTime,
            "voltage": .voltage,
            "current": .current,
            "capacity": .stepCapacity,
            "energy": .stepEnergy,
            "temperature": .temperature, "temp": .temperature,
        ],
        examples: [
            .index: "Index", .cycle: "Cycle-Index", .step: "Step-Index", .stepType: "State",
            .stepTime: "StepTime/Sec.", .testTime: "TestTime/Sec.", .dateTime: "SysTime", .voltage: "Voltage/V",
            .current: "Current/mA", .stepCapacity: "Capacity/mAh", .stepEnergy: "Energy/mWh",
        ],
        timeFields: [.testTime, .dateTime, .stepTime])
}
