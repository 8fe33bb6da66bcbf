/// One simulator parameter set ("chemistry"), as stored in `Resources/chemistries.json`.
///
/// Resistances, capacitances and exchange currents are given for a cell of `referenceCapacityAh` and
/// scale with the cell: R ∝ 1/Q (a bigger electrode has more area), C_dl and I0 ∝ Q.
public struct ChemistryParameters: Sendable, Hashable, Codable {
    /// What the state variable `soc` means for this set.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Intercalation, alloy, conversion or sulfur electrode: soc ∈ [0, 1] of a finite host;
        /// past either end the voltage runs away steeply so cut-offs are always reached.
        case insertion
        /// Li plated on a bare substrate (Li‖Cu). Charging (positive current) strips Li, so the
        /// state is soc = −(plated Li)/Q ≤ 0: unbounded below (plate as much as you like), and the
        /// voltage rises steeply once the inventory is gone (soc → 0).
        case plating
        /// Li‖Li (or any two identical electrodes): no capacity limit, flat zero OCV.
        case symmetric
    }

    /// Direction of current, as a parameter (`charge` = positive current).
    public enum Sense: String, Sendable, Hashable, Codable {
        case charge, discharge
        @inlinable public var sign: Double { self == .charge ? 1 : -1 }
    }

    /// OCV(SOC) on a shared SOC grid: the charge branch (h = +1) and the discharge branch (h = −1).
    public struct OCVTable: Sendable, Hashable, Codable {
        public var soc: [Double]
        public var charge: [Double]
        /// nil = no hysteresis (same as the charge branch).
        public var discharge: [Double]?
        public init(soc: [Double], charge: [Double], discharge: [Double]? = nil) {
            self.soc = soc
            self.charge = charge
            self.discharge = discharge
        }
    }

    /// Plett one-state hysteresis: rate γ (dimensionless) and the instantaneous term M0 (V).
    public struct Hysteresis: Sendable, Hashable, Codable {
        public var gamma: Double
        public var m0Volts: Double
        public init(gamma: Double, m0Volts: Double = 0) {
            self.gamma = gamma
            self.m0Volts = m0Volts
        }
    }

    public struct RCPair: Sendable, Hashable, Codable {
        public var ohm: Double
        public var tauSeconds: Double
        public init(ohm: Double, tauSeconds: Double) {
            self.ohm = ohm
            self.tauSeconds = tauSeconds
        }
    }

    /// Solid-state diffusion across a planar layer of thickness L: τ_D = L²/D.
    public struct Diffusion: Sendable, Hashable, Codable {
        public var lengthMicrons: Double
        public var dCm2PerSecond: Double
        public init(lengthMicrons: Double, dCm2PerSecond: Double) {
            self.lengthMicrons = lengthMicrons
            self.dCm2PerSecond = dCm2PerSecond
        }
        /// τ_D = L²/D in seconds at the reference temperature.
        public var tauSeconds: Double {
            let lengthCm = lengthMicrons * 1e-4
            return lengthCm * lengthCm / dCm2PerSecond
        }
    }

    /// Charge consumed once by a side reaction (SEI on first lithiation, first-charge oxidation):
    /// while any is left, `fraction` of the current in direction `on` goes to it, not to the host.
    public struct IrreversibleLoss: Sendable, Hashable, Codable {
        /// Per unit of the mass basis (Ah/g), like the capacity.
        public var specificAh: Double
        public var fraction: Double
        public var on: Sense
        public init(specificAh: Double, fraction: Double, on: Sense) {
            self.specificAh = specificAh
            self.fraction = fraction
            self.on = on
        }
    }

    /// Extra overpotential (magnitude `volts`, sign of `on`) in direction `on` that fades with the charge passed that way
    /// (Li₂S activation barrier, Li nucleation on Cu). With `rearmSOC` it re-arms whenever the state
    /// gets back past that SOC against `on` (plating: the Cu is bare again).
    public struct ActivationBarrier: Sendable, Hashable, Codable {
        public var volts: Double
        /// Fraction of the capacity over which the barrier decays by 1/e.
        public var chargeFraction: Double
        public var on: Sense
        public var rearmSOC: Double?
        public init(volts: Double, chargeFraction: Double, on: Sense, rearmSOC: Double? = nil) {
            self.volts = volts
            self.chargeFraction = chargeFraction
            self.on = on
            self.rearmSOC = rearmSOC
        }
    }

    /// Arrhenius temperature dependence, relative to `referenceCelsius`.
    public struct Thermal: Sendable, Hashable, Codable {
        public var referenceCelsius: Double
        /// For R0, the RC resistances and the exchange current (J/mol).
        public var resistanceActivationJPerMol: Double
        /// For the diffusion coefficient (J/mol).
        public var diffusionActivationJPerMol: Double
        public init(referenceCelsius: Double = 25, resistanceActivationJPerMol: Double,
                    diffusionActivationJPerMol: Double) {
            self.referenceCelsius = referenceCelsius
            self.resistanceActivationJPerMol = resistanceActivationJPerMol
            self.diffusionActivationJPerMol = diffusionActivationJPerMol
        }
    }

    /// How the small-signal circuit of this set looks to an FRA.
    public struct EISCircuit: Sendable, Hashable, Codable {
        /// Series inductance of the leads (H), not scaled.
        public var inductanceHenry: Double
        /// ZARC depression exponent per RC pair (1 = ideal RC); missing entries are 1.
        public var arcAlpha: [Double]
        /// CPE exponent of the double layer in parallel with the charge-transfer resistance.
        public var doubleLayerAlpha: Double
        public init(inductanceHenry: Double = 0, arcAlpha: [Double] = [], doubleLayerAlpha: Double = 1) {
            self.inductanceHenry = inductanceHenry
            self.arcAlpha = arcAlpha
            self.doubleLayerAlpha = doubleLayerAlpha
        }
    }

    public var name: String
    /// What the set reproduces and which seed it cites.
    public var description: String
    public var kind: Kind
    /// Basis of the specific quantities: `composite`, `sulfur`, `Li2S`, `Si`, `active`, `area_cm2`.
    public var massBasis: String
    /// Model capacity Q per unit of the basis (Ah/g, or Ah/cm² for `area_cm2`).
    public var specificCapacityAh: Double
    /// The capacity that defines 1C on the basis (1.675 Ah/g for S), when the field has one.
    public var nominalSpecificCapacityAh: Double?
    public var minVolts: Double
    public var maxVolts: Double
    public var initialSOC: Double
    public var initialHysteresis: Double
    public var ocv: OCVTable
    public var hysteresis: Hysteresis?
    /// The cell size the resistances below are quoted for.
    public var referenceCapacityAh: Double
    public var r0Ohm: Double
    public var rc: [RCPair]
    public var diffusion: Diffusion?
    /// Butler–Volmer exchange current at the reference capacity (A); nil = linear kinetics only.
    public var exchangeCurrentA: Double?
    public var doubleLayerFarads: Double
    public var coulombicEfficiency: Double
    /// The direction whose charge is partly lost (anodes: discharge = lithiation; Li–S: charge).
    public var inefficientOn: Sense
    public var firstCycleLoss: IrreversibleLoss?
    /// Fraction of capacity lost per equivalent full cycle (charge throughput / 2Q).
    public var fadePerCycle: Double
    public var activationBarrier: ActivationBarrier?
    public var thermal: Thermal
    public var eis: EISCircuit

    public init(name: String, description: String, kind: Kind = .insertion, massBasis: String = "active",
                specificCapacityAh: Double, nominalSpecificCapacityAh: Double? = nil,
                minVolts: Double, maxVolts: Double, initialSOC: Double, initialHysteresis: Double = 0,
                ocv: OCVTable, hysteresis: Hysteresis? = nil, referenceCapacityAh: Double, r0Ohm: Double,
                rc: [RCPair] = [], diffusion: Diffusion? = nil, exchangeCurrentA: Double? = nil,
                doubleLayerFarads: Double = 0, coulombicEfficiency: Double = 1, inefficientOn: Sense = .charge,
                firstCycleLoss: IrreversibleLoss? = nil, fadePerCycle: Double = 0,
                activationBarrier: ActivationBarrier? = nil,
                thermal: Thermal = Thermal(resistanceActivationJPerMol: 0, diffusionActivationJPerMol: 0),
                eis: EISCircuit = EISCircuit()) {
        self.name = name
        self.description = description
        self.kind = kind
        self.massBasis = massBasis
        self.specificCapacityAh = specificCapacityAh
        self.nominalSpecificCapacityAh = nominalSpecificCapacityAh
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.initialSOC = initialSOC
        self.initialHysteresis = initialHysteresis
        self.ocv = ocv
        self.hysteresis = hysteresis
        self.referenceCapacityAh = referenceCapacityAh
        self.r0Ohm = r0Ohm
        self.rc = rc
        self.diffusion = diffusion
        self.exchangeCurrentA = exchangeCurrentA
        self.doubleLayerFarads = doubleLayerFarads
        self.coulombicEfficiency = coulombicEfficiency
        self.inefficientOn = inefficientOn
        self.firstCycleLoss = firstCycleLoss
        self.fadePerCycle = fadePerCycle
        self.activationBarrier = activationBarrier
        self.thermal = thermal
        self.eis = eis
    }

    /// Checks the table shape and the physical ranges; throws `ChemistryError.invalid`.
    public func validate() throws {
        func fail(_ why: String) -> ChemistryError { .invalid(name, why) }
        let n = ocv.soc.count
        guard n >= 2, ocv.charge.count == n, (ocv.discharge?.count ?? n) == n else {
            throw fail("OCV table needs ≥ 2 points and equal lengths")
        }
        for k in 1..<n where !(ocv.soc[k] > ocv.soc[k - 1]) { throw fail("OCV soc grid must increase") }
        guard specificCapacityAh > 0, referenceCapacityAh > 0 else { throw fail("capacities must be > 0") }
        guard r0Ohm >= 0, rc.allSatisfy({ $0.ohm >= 0 && $0.tauSeconds > 0 }) else {
            throw fail("resistances ≥ 0 and τ > 0")
        }
        guard coulombicEfficiency > 0, coulombicEfficiency <= 1 else { throw fail("coulombicEfficiency in (0, 1]") }
        guard minVolts < maxVolts else { throw fail("minVolts < maxVolts") }
        if let d = diffusion, !(d.lengthMicrons > 0 && d.dCm2PerSecond > 0) { throw fail("diffusion L, D > 0") }
        if let loss = firstCycleLoss, !(loss.fraction > 0 && loss.fraction <= 1 && loss.specificAh >= 0) {
            throw fail("firstCycleLoss fraction in (0, 1]")
        }
        if let i0 = exchangeCurrentA, !(i0 > 0) { throw fail("exchangeCurrentA > 0") }
    }
}

public enum ChemistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String, known: [String])
    case invalid(String, String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .unknown(let n, let known): return "unknown chemistry '\(n)'; known: \(known.joined(separator: ", "))"
        case .invalid(let n, let why): return "chemistry '\(n)': \(why)"
        case .unreadable(let why): return "chemistries.json: \(why)"
        }
    }
}
