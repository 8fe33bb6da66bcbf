import Foundation

/// Equivalent-circuit cell (§7a), positive current charges:
///
///     V = OCV(z_surf, h) + M0·s + I·R0 + Σ v_i + η_ct(I) + η_barrier
///
/// with two (or more) RC pairs, Plett one-state hysteresis h and instantaneous term M0·s, a planar
/// diffusion element giving z_surf, Butler–Volmer charge transfer (optional), coulombic inefficiency,
/// a first-cycle irreversible sink, capacity fade and Arrhenius temperature dependence.
/// Every step holds the current constant over Δt and is discretised exactly (zero-order hold) for
/// the RC pairs, hysteresis, SOC and the (spatially discretised) diffusion element, so any Δt is
/// stable and a long step equals many short ones.
/// CV/CP/CR solve the current for the end-of-step voltage (safeguarded Newton, see CellModel+Solve).
public struct CellModel: Sendable {
    public let parameters: ChemistryParameters
    /// Nominal capacity Q₀ of this cell (Ah), before fade.
    public let capacityAh: Double
    public var state: CellState

    let ocv: OCVCurve
    var diffusion: DiffusionElement
    let hasDiffusion: Bool
    // Parameters scaled to this cell, at the reference temperature.
    let r0Ref: Double
    let rcOhmRef: [Double]
    let rcTauRef: [Double]
    let exchangeCurrentRef: Double
    let tauDRef: Double
    /// Double-layer capacitance of this cell (F).
    public let doubleLayerFarads: Double
    let irreversibleTotalAh: Double
    var cache: StepCache

    /// Per-(Δt, T) constants, recomputed only when either changes.
    struct StepCache: Sendable {
        var dt = Double.nan
        var celsius = Double.nan
        var r0 = 0.0
        var rcDecay: [Double]
        var rcGain: [Double]
        var rLinear = 0.0
        var exchangeCurrent = 0.0
        var tauD = 0.0
        var twoRTOverF = 0.0
    }

    /// A cell of `capacityAh` (Ah). `initialSOC` defaults to the set's; temperature in °C.
    public init(parameters p: ChemistryParameters, capacityAh: Double, initialSOC: Double? = nil,
                celsius: Double = 25) throws {
        try p.validate()
        guard capacityAh > 0 else { throw ChemistryError.invalid(p.name, "capacity must be > 0") }
        let z = initialSOC ?? p.initialSOC
        let modes = p.diffusion == nil ? [] : CellModel.sharedDiffusion.uniformModes(z)
        let state = CellState(soc: z, surfaceSOC: z, diffusionModes: modes,
                              rcVolts: [Double](repeating: 0, count: p.rc.count),
                              hysteresis: p.initialHysteresis, lastSign: 0,
                              irreversibleRemainingAh: (p.firstCycleLoss?.specificAh ?? 0) / p.specificCapacityAh
                                  * capacityAh,
                              barrier: p.activationBarrier == nil ? 0 : 1, celsius: celsius, volts: .nan)
        try self.init(parameters: p, capacityAh: capacityAh, state: state)
    }

    /// A cell holding `amount` of the set's mass basis (g, or cm² for `area_cm2`).
    public init(parameters p: ChemistryParameters, amountOnBasis amount: Double, initialSOC: Double? = nil,
                celsius: Double = 25) throws {
        try self.init(parameters: p, capacityAh: p.specificCapacityAh * amount, initialSOC: initialSOC,
                      celsius: celsius)
    }

    /// Resume a cell from a saved state.
    public init(parameters p: ChemistryParameters, capacityAh: Double, state: CellState) throws {
        try p.validate()
        let nodes = CellModel.sharedDiffusion.nodes
        guard state.rcVolts.count == p.rc.count,
              state.diffusionModes.count == (p.diffusion == nil ? 0 : nodes) else {
            throw ChemistryError.invalid(p.name, "saved state does not match the parameter set")
        }
        parameters = p
        self.capacityAh = capacityAh
        ocv = OCVCurve(table: p.ocv, kind: p.kind)
        hasDiffusion = p.diffusion != nil
        diffusion = CellModel.sharedDiffusion
        let scale = p.referenceCapacityAh / capacityAh  // R ∝ 1/Q, C and I0 ∝ Q
        r0Ref = p.r0Ohm * scale
        rcOhmRef = p.rc.map { $0.ohm * scale }
        rcTauRef = p.rc.map(\.tauSeconds)
        exchangeCurrentRef = (p.exchangeCurrentA ?? 0) / scale
        tauDRef = p.diffusion?.tauSeconds ?? 0
        doubleLayerFarads = p.doubleLayerFarads / scale
        irreversibleTotalAh = (p.firstCycleLoss?.specificAh ?? 0) / p.specificCapacityAh * capacityAh
        cache = StepCache(rcDecay: [Double](repeating: 1, count: p.rc.count),
                          rcGain: [Double](repeating: 0, count: p.rc.count))
        self.state = state
        if state.volts.isNaN { self.state.volts = openCircuitVoltage() }
    }

    // MARK: - Read-outs

    /// Present capacity after fade (Ah).
    public var presentCapacityAh: Double { capacityAh * state.capacityFactor }

    /// The grid and eigen-decomposition are the same for every cell: built once per process.
    static let sharedDiffusion = DiffusionElement()

    /// SOC per finite volume of the diffusion layer (surface last); empty without diffusion.
    public func diffusionProfile() -> [Double] {
        hasDiffusion ? diffusion.profile(fromModes: state.diffusionModes) : []
    }

    /// Terminal voltage if the current were switched off now (RC pairs not yet relaxed).
    public func openCircuitVoltage() -> Double {
        let zs = hasDiffusion ? diffusion.surface(of: state.diffusionModes, flux: 0, tau: 0) : state.soc
        var v = ocv.evaluate(zs, h: state.hysteresis).volts + parameters.hysteresisM0 * state.lastSign
        for x in state.rcVolts { v += x }
        return v + barrierVolts(sign: 0)
    }

    /// Fully relaxed voltage at the present SOC and hysteresis state.
    public func equilibriumVoltage() -> Double {
        ocv.evaluate(state.soc, h: state.hysteresis).volts + parameters.hysteresisM0 * state.lastSign
    }

    /// Equilibrium voltage of the charge (h = +1) and discharge (h = −1) branches at `soc`.
    public func ocvBranches(at soc: Double) -> (charge: Double, discharge: Double) {
        (ocv.evaluate(soc, h: 1).volts, ocv.evaluate(soc, h: -1).volts)
    }

    /// dOCV/dz at the present surface SOC (V per unit SOC), for the small-signal model.
    public func ocvSlope() -> Double { ocv.evaluate(state.surfaceSOC, h: state.hysteresis).slope }

    /// Li plated on the working electrode (plating sets only, else 0), Ah.
    public var platedLithiumAh: Double {
        parameters.kind == .plating ? max(0, -state.soc) * capacityAh : 0
    }

    /// Temperature-scaled R0, RC resistances/time constants, exchange current and τ_D at `celsius`.
    public func resistances(atCelsius celsius: Double) -> (r0: Double, rc: [(ohm: Double, tau: Double)],
                                                           exchangeCurrent: Double, tauD: Double) {
        let fR = arrhenius(parameters.thermal.resistanceActivationJPerMol, celsius)
        let fD = arrhenius(parameters.thermal.diffusionActivationJPerMol, celsius)
        let rc = zip(rcOhmRef, rcTauRef).map { (ohm: $0.0 * fR, tau: $0.1 * fR) }
        return (r0Ref * fR, rc, exchangeCurrentRef / fR, tauDRef * fD)
    }

    /// exp(Ea/R·(1/T − 1/T_ref)): > 1 below the reference temperature.
    func arrhenius(_ activation: Double, _ celsius: Double) -> Double {
        guard activation != 0 else { return 1 }
        let t = celsius + 273.15
        let tRef = parameters.thermal.referenceCelsius + 273.15
        return exp(activation / 8.314462618 * (1 / t - 1 / tRef))
    }

    func barrierVolts(sign: Double) -> Double {
        guard let b = parameters.activationBarrier, sign == b.on.sign else { return 0 }
        return sign * b.volts * state.barrier
    }

    // MARK: - Per-step constants

    @inline(__always)
    mutating func refreshCache(dt: Double) {
        if dt == cache.dt && state.celsius == cache.celsius { return }
        cache.dt = dt
        cache.celsius = state.celsius
        let fR = arrhenius(parameters.thermal.resistanceActivationJPerMol, state.celsius)
        cache.r0 = r0Ref * fR
        var rLinear = cache.r0
        for i in 0..<rcOhmRef.count {
            let r = rcOhmRef[i] * fR
            let tau = rcTauRef[i] * fR  // C is fixed, so τ = RC scales with R
            let decay = exp(-dt / tau)
            cache.rcDecay[i] = decay
            cache.rcGain[i] = r * (1 - decay)
            rLinear += cache.rcGain[i]
        }
        cache.rLinear = rLinear
        cache.exchangeCurrent = exchangeCurrentRef / fR
        cache.tauD = tauDRef * arrhenius(parameters.thermal.diffusionActivationJPerMol, state.celsius)
        cache.twoRTOverF = 2 * 8.314462618 * (state.celsius + 273.15) / 96485.33212
    }
}

extension ChemistryParameters {
    var hysteresisM0: Double { hysteresis?.m0Volts ?? 0 }
}

extension CellModel: Codable {
    enum CodingKeys: String, CodingKey { case parameters, capacityAh, state }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(parameters: c.decode(ChemistryParameters.self, forKey: .parameters),
                      capacityAh: c.decode(Double.self, forKey: .capacityAh),
                      state: c.decode(CellState.self, forKey: .state))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(capacityAh, forKey: .capacityAh)
        try c.encode(state, forKey: .state)
    }
}
