/// A Neware step file as data, in SI units (research §1.6).
///
/// The file itself is XML whose numbers are in 0.1 mV, mA, ms and mA·s; `NewareStepFileWriter`
/// and `NewareStepFileReader` convert. Steps are numbered 1…N by `Step_ID`; a `cycle` step
/// sends execution back to `cycleStart` until its body has run `cycleCount` times in all (the
/// count aurora-unicycler writes for BTS 8: the total, not the repeats); an `end` step ends the test.
public struct NewareStepTable: Sendable, Hashable {
    public var steps: [NewareStep]
    public var protection: NewareProtection
    public var record: NewareRecordRule
    /// `Head_Info/Start_Step`.
    public var startStep: Int
    /// `Head_Info/MultCap`: the nominal capacity the C-rates refer to (Ah).
    public var nominalCapacityAh: Double?
    public var creator: String
    /// `Head_Info/Remark`: the sample name.
    public var remark: String

    public init(steps: [NewareStep], protection: NewareProtection = NewareProtection(),
                record: NewareRecordRule = NewareRecordRule(), startStep: Int = 1, nominalCapacityAh: Double? = nil,
                creator: String = "echemd", remark: String = "") {
        self.steps = steps
        self.protection = protection
        self.record = record
        self.startStep = startStep
        self.nominalCapacityAh = nominalCapacityAh
        self.creator = creator
        self.remark = remark
    }

    /// The step with this `Step_ID`.
    public func step(_ id: Int) -> NewareStep? {
        id >= 1 && id <= steps.count && steps[id - 1].id == id ? steps[id - 1] : steps.first { $0.id == id }
    }
}

/// `Step_Type` codes (NewareNDA `state_dict`; aurora-unicycler for 6 and 25).
public enum NewareStepType: Int, Sendable, Hashable, Codable, CaseIterable {
    case ccCharge = 1
    case ccDischarge = 2
    case cvCharge = 3
    case rest = 4
    case cycle = 5
    case end = 6
    case cccvCharge = 7
    case cpDischarge = 8
    case cpCharge = 9
    case crDischarge = 10
    case pause = 13
    case simulation = 17
    case cvDischarge = 19
    case cccvDischarge = 20
    case voltageScan = 25

    /// The `steptype` string `inquire` and `download` report for steps of this type.
    public var apiName: String {
        switch self {
        case .ccCharge: return "cc"
        case .ccDischarge: return "dc"
        case .cvCharge: return "cv"
        case .cvDischarge: return "dv"
        case .cccvCharge: return "cccv"
        case .cccvDischarge: return "cccd"
        case .cpCharge: return "cp"
        case .cpDischarge: return "dp"
        case .crDischarge: return "dr"
        case .rest: return "rest"
        case .pause: return "pause"
        case .simulation: return "sim"
        case .cycle: return "control"
        case .end: return "end"
        case .voltageScan: return "pulse"
        }
    }

    /// +1 for charging steps, −1 for discharging steps, 0 otherwise.
    public var sign: Double {
        switch self {
        case .ccCharge, .cvCharge, .cccvCharge, .cpCharge: return 1
        case .ccDischarge, .cvDischarge, .cccvDischarge, .cpDischarge, .crDischarge: return -1
        default: return 0
        }
    }

    /// Steps that take time and produce detail rows.
    public var isTimed: Bool { self != .cycle && self != .end && self != .pause }
}

/// One step of a step file, SI units. Currents are magnitudes; the type gives the direction.
public struct NewareStep: Sendable, Hashable {
    public var id: Int
    public var type: NewareStepType
    /// `Curr`: the CC set-point, or a CV step's current limit (A).
    public var current: Double?
    /// `Volt`: the CV set-point of CV and CCCV steps (V).
    public var voltage: Double?
    /// `Time`: the step's duration limit (s).
    public var time: Double?
    /// `Stop_Volt`: ends a CC step when reached (V).
    public var stopVoltage: Double?
    /// `Stop_Curr`: ends a CV or CCCV step when |I| falls to it (A).
    public var stopCurrent: Double?
    /// `Cap`: ends the step when its capacity reaches it (Ah).
    public var stopCapacity: Double?
    /// Cycle steps: `Start_Step` and `Cycle_Count`.
    public var cycleStart: Int?
    public var cycleCount: Int?
    /// The step's own `<Protect>`, if any.
    public var protection: NewareProtection?

    public init(id: Int, type: NewareStepType, current: Double? = nil, voltage: Double? = nil, time: Double? = nil,
                stopVoltage: Double? = nil, stopCurrent: Double? = nil, stopCapacity: Double? = nil,
                cycleStart: Int? = nil, cycleCount: Int? = nil, protection: NewareProtection? = nil) {
        self.id = id
        self.type = type
        self.current = current
        self.voltage = voltage
        self.time = time
        self.stopVoltage = stopVoltage
        self.stopCurrent = stopCurrent
        self.stopCapacity = stopCapacity
        self.cycleStart = cycleStart
        self.cycleCount = cycleCount
        self.protection = protection
    }
}

/// `<Protect>`: the tester stops the test (state `protect`) when a value leaves these bounds for
/// longer than `delay`.
public struct NewareProtection: Sendable, Hashable {
    public var maxVolts: Double?
    public var minVolts: Double?
    /// Signed bounds on current (A): upper is the most positive, lower the most negative.
    public var maxAmperes: Double?
    public var minAmperes: Double?
    /// Largest step capacity (Ah).
    public var maxCapacity: Double?
    /// How long a breach must last (s).
    public var delay: Double?

    public init(maxVolts: Double? = nil, minVolts: Double? = nil, maxAmperes: Double? = nil, minAmperes: Double? = nil,
                maxCapacity: Double? = nil, delay: Double? = nil) {
        self.maxVolts = maxVolts
        self.minVolts = minVolts
        self.maxAmperes = maxAmperes
        self.minAmperes = minAmperes
        self.maxCapacity = maxCapacity
        self.delay = delay
    }

    public var isEmpty: Bool {
        maxVolts == nil && minVolts == nil && maxAmperes == nil && minAmperes == nil && maxCapacity == nil
    }
}

/// `<Record>`: a detail row every `seconds`, or sooner when V or I moved by the deltas.
public struct NewareRecordRule: Sendable, Hashable {
    public var seconds: Double?
    public var deltaVolts: Double?
    public var deltaAmperes: Double?

    public init(seconds: Double? = 1, deltaVolts: Double? = nil, deltaAmperes: Double? = nil) {
        self.seconds = seconds
        self.deltaVolts = deltaVolts
        self.deltaAmperes = deltaAmperes
    }
}
