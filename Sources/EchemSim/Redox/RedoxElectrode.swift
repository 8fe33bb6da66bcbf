import Foundation

/// A working electrode with a `RedoxCouple`, under potential control, stepped in time.
///
/// Method: semi-integral (convolution) voltammetry (Oldham & Myland, Electrochim. Acta 56 (2011)
/// 10612). For planar semi-infinite diffusion the surface concentrations follow exactly from the
/// semi-integral m of the oxidation rate r = i_F/(nFA):
///   c_O(0,t) = c_O* + m/√D_O,   c_R(0,t) = c_R* − m/√D_R.
/// Each step holds r constant, so m at the step's end is `history + 2√(Δt/π)·r`; the electrode
/// law then fixes r in closed form: Nernst for a reversible couple, Butler–Volmer with k°, α for a
/// quasi-reversible one. History is kept by `SemiIntegrator` in O(1) per step, so runs of any
/// length (a 0.1 mV/s CV for days) cost the same per sample.
///
/// Currents are **anodic positive** (oxidation > 0), in amperes. With R_u > 0 the interface
/// potential solves E_applied = E_interface + i·R_u by bracketed root finding (i rises with E).
public struct RedoxElectrode: Sendable {
    public let couple: RedoxCouple
    /// Potential across the interface after the last step (V); equals the applied one when R_u = 0.
    public private(set) var interfaceVolts: Double
    /// Time stepped so far (s).
    public private(set) var seconds = 0.0
    /// The current returned by the last step (A, anodic positive).
    public private(set) var lastAmperes = 0.0

    private let f: Double
    private let nFA: Double
    private let bulkO: Double
    private let bulkR: Double
    private let rootDO: Double
    private let rootDR: Double
    /// Oxidised fraction of the surface-confined layer after the last step.
    private var layerOxidized: Double
    private var integrator = SemiIntegrator()

    /// The electrode at rest at `startVolts`: bulk split by `bulkOxidizedFraction` (or at equilibrium
    /// with `startVolts`), double layer charged to it. Parameters are not checked here; use
    /// `init(validating:startVolts:)` to get the problems as an error instead of NaN currents.
    public init(_ couple: RedoxCouple, startVolts: Double) {
        self.couple = couple
        f = couple.nFOverRT
        nFA = Double(couple.electrons) * RedoxCouple.faraday * couple.areaCm2
        let start = startVolts.isFinite ? startVolts : couple.e0Volts
        let equilibrium = Self.oxidizedFraction(f * (start - couple.e0Volts))
        let fraction = couple.bulkOxidizedFraction ?? equilibrium
        bulkO = couple.concentrationMolPerCm3 * fraction
        bulkR = couple.concentrationMolPerCm3 * (1 - fraction)
        rootDO = couple.diffusionCm2PerSecond.squareRoot()
        rootDR = (couple.reducedDiffusionCm2PerSecond ?? couple.diffusionCm2PerSecond).squareRoot()
        layerOxidized = Self.oxidizedFraction(f * (start - (couple.surfaceE0Volts ?? couple.e0Volts)))
        interfaceVolts = start
    }

    /// As `init(_:startVolts:)`, but throws `RedoxCoupleError` naming every bad parameter.
    public init(validating couple: RedoxCouple, startVolts: Double) throws {
        try couple.validate()
        guard startVolts.isFinite else {
            throw RedoxCoupleError(problems: ["startVolts = \(startVolts): must be a finite potential in V"])
        }
        self.init(couple, startVolts: startVolts)
    }

    /// Apply `atVolts` for the next `dt` seconds (the potential reached at the end of the step; for a
    /// ramp, the ramp's value at the step's end) and return the mean current over the step (A,
    /// anodic positive): faradaic + double-layer + surface layer. A non-finite potential or a step
    /// that is not > 0 s changes nothing and returns the previous current.
    public mutating func current(atVolts: Double, dt: Double) -> Double {
        guard atVolts.isFinite, dt.isFinite, dt > 0 else { return lastAmperes }
        let history = integrator.history(after: dt)
        let gain = SemiIntegrator.newStepGain(dt)
        let interface: Double
        if couple.uncompensatedOhms > 0 {
            let ru = couple.uncompensatedOhms
            interface = Self.increasingRoot(near: atVolts) { e in
                e + ru * total(at: e, history: history, gain: gain, dt: dt).amperes - atVolts
            }
        } else {
            interface = atVolts
        }
        let result = total(at: interface, history: history, gain: gain, dt: dt)
        integrator.advance(dt: dt, rate: result.rate)
        layerOxidized = layerFraction(at: interface)
        interfaceVolts = interface
        seconds += dt
        lastAmperes = result.amperes
        return result.amperes
    }

    /// Total current if the interface is at `e` at the step's end, and the oxidation rate of the
    /// dissolved couple (mol cm⁻² s⁻¹) behind its faradaic part.
    private func total(at e: Double, history m: Double, gain g: Double, dt: Double)
        -> (amperes: Double, rate: Double) {
        // Exponents are clamped so exp never overflows; at ±600 the couple is long saturated.
        let eta = min(max(f * (e - couple.e0Volts), -600), 600)
        let rate: Double
        if let k0 = couple.k0CmPerSecond {
            // Butler–Volmer, r = k°[c_R(0)e^{(1−α)fη} − c_O(0)e^{−αfη}], linear in r.
            let anodic = exp((1 - couple.alpha) * eta)
            let cathodic = exp(-couple.alpha * eta)
            let numerator = (bulkR - m / rootDR) * anodic - (bulkO + m / rootDO) * cathodic
            rate = k0 * numerator / (1 + k0 * g * (anodic / rootDR + cathodic / rootDO))
        } else {
            // Nernst, c_O(0) = θ·c_R(0), fixes the semi-integral at the step's end.
            let theta = exp(eta)
            let target = (theta * bulkR - bulkO) / (1 / rootDO + theta / rootDR)
            rate = (target - m) / g
        }
        var amperes = nFA * rate
        amperes += couple.doubleLayerFarads * (e - interfaceVolts) / dt
        if couple.surfaceCoverageMolPerCm2 > 0 {
            amperes += nFA * couple.surfaceCoverageMolPerCm2 * (layerFraction(at: e) - layerOxidized) / dt
        }
        return (amperes, rate)
    }

    /// Oxidised fraction of the surface-confined layer at interface potential `e`.
    private func layerFraction(at e: Double) -> Double {
        Self.oxidizedFraction(f * (e - (couple.surfaceE0Volts ?? couple.e0Volts)))
    }

    /// Oxidised fraction of a Nernstian couple at fη = nF(E − E°)/RT: θ/(1+θ), written so it never overflows.
    static func oxidizedFraction(_ feta: Double) -> Double {
        feta >= 0 ? 1 / (1 + exp(-feta)) : exp(feta) / (1 + exp(feta))
    }

    /// Root of an increasing function: bracket outward from `near`, then bisect (each evaluation is
    /// O(1), the history having been summed once for the step, so 50 bisections cost nothing).
    static func increasingRoot(near x0: Double, _ h: (Double) -> Double) -> Double {
        let h0 = h(x0)
        if h0 == 0 || !h0.isFinite { return x0 }
        // The root lies below x0 when h(x0) > 0.
        let direction: Double = h0 > 0 ? -1 : 1
        var step = 1e-3
        var inner = x0
        var outer = x0 + direction * step
        var tries = 0
        while h(outer).sign == h0.sign && tries < 60 {
            inner = outer
            step *= 2
            outer = x0 + direction * step
            tries += 1
        }
        var low = min(inner, outer), high = max(inner, outer)
        while high - low > 1e-12 * max(1, abs(low)) {
            let mid = (low + high) / 2
            if h(mid) > 0 { high = mid } else { low = mid }
        }
        return (low + high) / 2
    }
}
