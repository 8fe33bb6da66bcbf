import EchemCore

/// The peaks of every cycle of one sweep step of a run.
public struct CVStepReport: Sendable, Hashable, Codable {
    /// The step's `Step Count` in the run (unique), its program step id and label.
    public var stepCount: Int
    public var stepID: Int
    public var label: String?
    /// The run's cycle index while the step ran (loops), not the sweep's own cycles.
    public var runCycle: Int
    /// Scan rate the program set (V/s); nil when the step's program entry could not be found.
    public var programScanRateVoltsPerSecond: Double?
    public var sampleCount: Int
    /// One entry per sweep cycle found in the samples, in order.
    public var cycles: [CVCycleReport]
    public var notes: [String]

    public init(stepCount: Int, stepID: Int, label: String?, runCycle: Int, programScanRateVoltsPerSecond: Double?,
                sampleCount: Int, cycles: [CVCycleReport], notes: [String]) {
        self.stepCount = stepCount
        self.stepID = stepID
        self.label = label
        self.runCycle = runCycle
        self.programScanRateVoltsPerSecond = programScanRateVoltsPerSecond
        self.sampleCount = sampleCount
        self.cycles = cycles
        self.notes = notes
    }
}

/// Where a cycle's scan rate came from.
public enum ScanRateSource: String, Sendable, Hashable, Codable {
    /// The sweep's `scan_rate` (or `first_cycle.scan_rate`) in the stored program.
    case program
    /// Potential travelled over sweep time in the stored samples (no program entry found).
    case samples
}

/// One sweep cycle of a step.
public struct CVCycleReport: Sendable, Hashable, Codable {
    /// 1-based cycle of the sweep within its step.
    public var cycle: Int
    /// Whether the cycle reached its final point (a stopped sweep leaves a partial last cycle).
    public var complete: Bool
    /// The scan rate the scan-rate series uses for this cycle (V/s), and where it came from.
    public var scanRateVoltsPerSecond: Double
    public var scanRateSource: ScanRateSource
    /// Peaks, ΔE_p, E½, ratios and the measured scan rate (`peaks.scanRateVoltsPerSecond`).
    public var peaks: CVCyclePeaks

    public init(cycle: Int, complete: Bool, scanRateVoltsPerSecond: Double, scanRateSource: ScanRateSource,
                peaks: CVCyclePeaks) {
        self.cycle = cycle
        self.complete = complete
        self.scanRateVoltsPerSecond = scanRateVoltsPerSecond
        self.scanRateSource = scanRateSource
        self.peaks = peaks
    }
}

/// Peak current against scan rate over a run's sweeps (seed 003 b-values, seed 004 Randles–Sevcik).
public struct ScanRateReport: Sendable, Hashable, Codable {
    /// Which cycle at each scan rate was used (the first carries the transient of a rate change).
    public var cycleChoice: RunAnalysis.CycleChoice
    /// The inputs of D: electrons n, electrode area A (from the cell) and concentration C (given).
    public var electrons: Int
    public var areaCm2: Double?
    public var concentrationMolPerCm3: Double?
    public var kelvin: Double
    public var anodic: ScanRateDirectionReport?
    public var cathodic: ScanRateDirectionReport?
    public var notes: [String]

    public init(cycleChoice: RunAnalysis.CycleChoice, electrons: Int, areaCm2: Double?, concentrationMolPerCm3: Double?,
                kelvin: Double, anodic: ScanRateDirectionReport?, cathodic: ScanRateDirectionReport?, notes: [String]) {
        self.cycleChoice = cycleChoice
        self.electrons = electrons
        self.areaCm2 = areaCm2
        self.concentrationMolPerCm3 = concentrationMolPerCm3
        self.kelvin = kelvin
        self.anodic = anodic
        self.cathodic = cathodic
        self.notes = notes
    }
}

/// The fits of one peak (anodic or cathodic) against scan rate.
public struct ScanRateDirectionReport: Sendable, Hashable, Codable {
    public var direction: SweepDirection
    /// One point per scan rate, slowest first.
    public var points: [ScanRatePoint]
    /// i_p = a·v^b.
    public var bValue: PowerLawFit?
    /// i_p = K·√v + intercept, with D when n, A and C are known.
    public var randlesSevcik: RandlesSevcikFit?
    /// Dunn's i_p = k₁v + k₂√v.
    public var split: CapacitiveDiffusiveSplit?
    public var notes: [String]

    public init(direction: SweepDirection, points: [ScanRatePoint], bValue: PowerLawFit?,
                randlesSevcik: RandlesSevcikFit?, split: CapacitiveDiffusiveSplit?, notes: [String]) {
        self.direction = direction
        self.points = points
        self.bValue = bValue
        self.randlesSevcik = randlesSevcik
        self.split = split
        self.notes = notes
    }
}

/// The peak used at one scan rate, and where in the run it was measured.
public struct ScanRatePoint: Sendable, Hashable, Codable {
    public var scanRateVoltsPerSecond: Double
    /// |i_p| (A), the peak height over the chosen baseline.
    public var peakAmperes: Double
    public var peakVolts: Double
    public var stepCount: Int
    public var cycle: Int

    public init(scanRateVoltsPerSecond: Double, peakAmperes: Double, peakVolts: Double, stepCount: Int, cycle: Int) {
        self.scanRateVoltsPerSecond = scanRateVoltsPerSecond
        self.peakAmperes = peakAmperes
        self.peakVolts = peakVolts
        self.stepCount = stepCount
        self.cycle = cycle
    }
}
