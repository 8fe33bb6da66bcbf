/// Everything that evolves in a `CellModel`, Codable so a crashed run can resume on the same cell.
public struct CellState: Sendable, Hashable, Codable {
    /// Model time (s).
    public var seconds: Double
    /// Charge state z (mean over the host): dz/dt = I_host/(3600·Q). Insertion: SOC ∈ [0, 1];
    /// plating: −(plated Li)/Q; symmetric: net charge passed / Q.
    public var soc: Double
    /// z at the electrode–electrolyte surface (= soc without a diffusion element).
    public var surfaceSOC: Double
    /// Modal amplitudes of the diffusion profile (mode 0 = mean SOC); empty without a diffusion
    /// element. `CellModel.diffusionProfile()` gives the SOC per finite volume.
    public var diffusionModes: [Double]
    /// Voltage across each RC pair (V).
    public var rcVolts: [Double]
    /// Plett hysteresis state h ∈ [−1, 1] (+1 = charge branch).
    public var hysteresis: Double
    /// Sign of the last non-zero current (for the instantaneous term M0·s).
    public var lastSign: Double
    /// Charge still to be consumed by the first-cycle side reaction (Ah).
    public var irreversibleRemainingAh: Double
    /// Unactivated fraction a ∈ [0, 1] of the activation barrier.
    public var barrier: Double
    /// Remaining fraction of the nominal capacity (fade).
    public var capacityFactor: Double
    public var celsius: Double
    /// The last step's terminal current and voltage.
    public var amperes: Double
    public var volts: Double
    /// Cumulative charge in each direction and charge lost to side reactions (Ah).
    public var chargedAh: Double
    public var dischargedAh: Double
    public var sideReactionAh: Double

    public init(seconds: Double = 0, soc: Double, surfaceSOC: Double, diffusionModes: [Double], rcVolts: [Double],
                hysteresis: Double, lastSign: Double, irreversibleRemainingAh: Double, barrier: Double,
                capacityFactor: Double = 1, celsius: Double, amperes: Double = 0, volts: Double,
                chargedAh: Double = 0, dischargedAh: Double = 0, sideReactionAh: Double = 0) {
        self.seconds = seconds
        self.soc = soc
        self.surfaceSOC = surfaceSOC
        self.diffusionModes = diffusionModes
        self.rcVolts = rcVolts
        self.hysteresis = hysteresis
        self.lastSign = lastSign
        self.irreversibleRemainingAh = irreversibleRemainingAh
        self.barrier = barrier
        self.capacityFactor = capacityFactor
        self.celsius = celsius
        self.amperes = amperes
        self.volts = volts
        self.chargedAh = chargedAh
        self.dischargedAh = dischargedAh
        self.sideReactionAh = sideReactionAh
    }
}

/// How the cell is driven for one step. Limits use ±∞ for "none" (no optionals on the hot path).
public struct CellDrive: Sendable, Hashable, Codable {
    public enum Mode: Sendable, Hashable, Codable {
        case open
        case current(Double)
        case voltage(Double)
        case power(Double)
        /// Load resistance (Ω): I = −V/R.
        case resistance(Double)
    }

    public var mode: Mode
    /// Compliance: CC/CP/CR switch to CV at these voltages; CV clamps |I| to `maxAbsCurrent`.
    public var minVolts: Double
    public var maxVolts: Double
    public var maxAbsCurrent: Double

    public init(_ mode: Mode, minVolts: Double = -.infinity, maxVolts: Double = .infinity,
                maxAbsCurrent: Double = .infinity) {
        self.mode = mode
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxAbsCurrent = maxAbsCurrent
    }

    public static let open = CellDrive(.open)
    public static func current(_ amperes: Double, minVolts: Double = -.infinity, maxVolts: Double = .infinity)
        -> CellDrive { CellDrive(.current(amperes), minVolts: minVolts, maxVolts: maxVolts) }
    public static func voltage(_ volts: Double, maxAbsCurrent: Double = .infinity) -> CellDrive {
        CellDrive(.voltage(volts), maxAbsCurrent: maxAbsCurrent)
    }
}

/// What one step produced: terminal values at the end of the step and what limited it.
public struct CellStepResult: Sendable, Hashable {
    public enum Limit: Sendable, Hashable {
        case none
        /// A CC/CP/CR step switched to CV at its compliance voltage (CCCV taper).
        case voltage
        /// A CV step was clamped at its current compliance.
        case current
    }

    public var volts: Double
    public var amperes: Double
    public var limit: Limit
}
