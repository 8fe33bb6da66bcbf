/// One stored sample, in the columns BDF names (positive current charges the cell).
/// Capacities in Ah and energies in Wh are magnitudes, cumulative since the run started
/// (`charge*`/`discharge*`) or since the cycle started (`cycle*`); `stepCapacity` is signed net.
public struct Sample: Sendable, Hashable, Codable {
    /// Per-run sequence number of stored samples, 0-based, with no gaps.
    public var seq: Int64
    public var testTime: Double
    public var unixTime: Double
    public var stepTime: Double
    public var volts: Double
    public var amperes: Double
    public var celsius: Double?
    /// Program step id (BDF `Step ID`).
    public var stepID: Int
    /// Number of steps started so far in the run, never reset (BDF `Step Count`).
    public var stepCount: Int
    public var cycle: Int
    public var chargeCapacity: Double
    public var dischargeCapacity: Double
    public var chargeEnergy: Double
    public var dischargeEnergy: Double
    public var cycleChargeCapacity: Double
    public var cycleDischargeCapacity: Double
    public var cycleChargeEnergy: Double
    public var cycleDischargeEnergy: Double
    public var stepCapacity: Double
    public var stepEnergy: Double

    public init(seq: Int64, testTime: Double, unixTime: Double, stepTime: Double, volts: Double, amperes: Double,
                celsius: Double? = nil, stepID: Int, stepCount: Int, cycle: Int,
                chargeCapacity: Double = 0, dischargeCapacity: Double = 0, chargeEnergy: Double = 0,
                dischargeEnergy: Double = 0, cycleChargeCapacity: Double = 0, cycleDischargeCapacity: Double = 0,
                cycleChargeEnergy: Double = 0, cycleDischargeEnergy: Double = 0, stepCapacity: Double = 0,
                stepEnergy: Double = 0) {
        self.seq = seq
        self.testTime = testTime
        self.unixTime = unixTime
        self.stepTime = stepTime
        self.volts = volts
        self.amperes = amperes
        self.celsius = celsius
        self.stepID = stepID
        self.stepCount = stepCount
        self.cycle = cycle
        self.chargeCapacity = chargeCapacity
        self.dischargeCapacity = dischargeCapacity
        self.chargeEnergy = chargeEnergy
        self.dischargeEnergy = dischargeEnergy
        self.cycleChargeCapacity = cycleChargeCapacity
        self.cycleDischargeCapacity = cycleDischargeCapacity
        self.cycleChargeEnergy = cycleChargeEnergy
        self.cycleDischargeEnergy = cycleDischargeEnergy
        self.stepCapacity = stepCapacity
        self.stepEnergy = stepEnergy
    }
}
