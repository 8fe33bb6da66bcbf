/// Battery Data Format column labels, "<Name> / <unit>" exactly as BDF prefers them.
///
/// Source of truth: the preferred-label list of the `batterydf` package (`bdf.normalize.REQUIRED`
/// and `OPTIONAL`), checked by `scripts/oracles/bdf.sh`. Where that list has no entry (step time,
/// the per-cycle totals, EIS) the label is the BDF ontology 1.3.0 preferred label; `batterydf`
/// keeps such columns and reports them as non-canonical extras.
public enum BDFLabels {
    // Required.
    public static let testTime = "Test Time / s"
    public static let voltage = "Voltage / V"
    /// Positive current charges the cell (BDF's convention, and echemd's).
    public static let current = "Current / A"
    // Recommended.
    public static let unixTime = "Unix Time / s"
    public static let cycleCount = "Cycle Count / 1"
    /// Steps started so far, never reset.
    public static let stepCount = "Step Count / 1"
    public static let ambientTemperature = "Ambient Temperature / degC"
    // Optional, in `batterydf`'s list.
    /// The program's step id (Neware Step_ID, Arbin Step_Index, BioLogic Ns).
    public static let stepIndex = "Step Index / 1"
    public static let chargingCapacity = "Charging Capacity / Ah"
    public static let dischargingCapacity = "Discharging Capacity / Ah"
    public static let chargingEnergy = "Charging Energy / Wh"
    public static let dischargingEnergy = "Discharging Energy / Wh"
    /// Signed net charge moved within the step.
    public static let stepCapacity = "Step Capacity / Ah"
    public static let stepEnergy = "Step Energy / Wh"
    // BDF ontology labels outside `batterydf`'s list.
    public static let stepTime = "Step Time / s"
    public static let cycleChargingCapacity = "Cycle Charging Capacity / Ah"
    public static let cycleDischargingCapacity = "Cycle Discharging Capacity / Ah"
    public static let cycleChargingEnergy = "Cycle Charging Energy / Wh"
    public static let cycleDischargingEnergy = "Cycle Discharging Energy / Wh"
    // Impedance.
    public static let frequency = "Frequency / Hz"
    public static let realImpedance = "Real Impedance / ohm"
    /// Signed Im(Z) as measured: negative for capacitive behaviour.
    public static let imaginaryImpedance = "Imaginary Impedance / ohm"
    public static let absoluteImpedance = "Absolute Impedance / ohm"
    public static let phase = "Phase / deg"
    /// echemd's own: which spectrum of the run a row belongs to (0-based). Not a BDF label.
    public static let spectrumIndex = "Spectrum Index / 1"
}
