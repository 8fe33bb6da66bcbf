import Foundation

/// A redox couple O + n e⁻ ⇌ R at a planar electrode in a still solution (semi-infinite linear
/// diffusion), with the electrode's double layer and, optionally, a surface-confined layer of the
/// same couple. Units are the electrochemist's: V, mol/cm³, cm²/s, cm², K, F, cm/s, Ω, mol/cm².
///
/// What each part contributes to a CV at scan rate v, and so the b-value of i_p = a·v^b:
/// - dissolved couple: i_p = 0.4463·nFAC·√(nFvD/RT) (Randles–Sevcik) when reversible: **b = 0.5**;
/// - surface-confined layer (Γ mol/cm², Nernstian): i_p = n²F²AΓv/(4RT), peaks at E°, ΔE_p = 0: **b = 1**;
/// - double layer: i = C_dl·v, a flat background: **b = 1**.
/// With both the dissolved couple and the layer, i_p ≈ k₁v + k₂√v, exactly so when the two peaks
/// coincide (set `surfaceE0Volts` = E° ∓ 1.109·RT/nF for the cathodic / anodic peak), and the
/// apparent b at v is d ln i_p / d ln v = (k₁v + k₂√v/2)/(k₁v + k₂√v), between 0.5 and 1, with
/// k₁ = n²F²AΓ/(4RT) and k₂ = 0.4463·nFAC·√(nFD/RT).
public struct RedoxCouple: Sendable, Hashable, Codable {
    /// Formal potential E°′ (V).
    public var e0Volts: Double
    /// Electrons transferred, n.
    public var electrons: Int
    /// Total bulk concentration C = c_O + c_R (mol/cm³; 1 mM = 1e-6 mol/cm³).
    public var concentrationMolPerCm3: Double
    /// Diffusion coefficient of O (cm²/s).
    public var diffusionCm2PerSecond: Double
    /// Diffusion coefficient of R (cm²/s); nil = the same as O.
    public var reducedDiffusionCm2PerSecond: Double?
    /// Electrode area (cm²).
    public var areaCm2: Double
    /// Temperature (K).
    public var kelvin: Double
    /// Double-layer capacitance of the whole electrode (F); adds C_dl·dE/dt.
    public var doubleLayerFarads: Double
    /// Standard heterogeneous rate constant k° (cm/s); nil = reversible (Nernstian at every instant).
    public var k0CmPerSecond: Double?
    /// Transfer coefficient α of Butler–Volmer (used only with k°).
    public var alpha: Double
    /// Uncompensated resistance R_u (Ω): E_applied = E_interface + i·R_u. 0 = fully compensated.
    public var uncompensatedOhms: Double
    /// Surface-confined (adsorbed) couple Γ (mol/cm²), Nernstian; 0 = none.
    public var surfaceCoverageMolPerCm2: Double
    /// Formal potential of the surface-confined couple (V); nil = `e0Volts`.
    public var surfaceE0Volts: Double?
    /// Fraction of the bulk that is oxidised; nil = at equilibrium with the start potential
    /// (the solution has rested at it), so the sweep starts from zero faradaic current.
    public var bulkOxidizedFraction: Double?

    public init(e0Volts: Double = 0, electrons: Int = 1, concentrationMolPerCm3: Double = 1e-6,
                diffusionCm2PerSecond: Double = 1e-5, reducedDiffusionCm2PerSecond: Double? = nil,
                areaCm2: Double = 0.0707, kelvin: Double = 298.15, doubleLayerFarads: Double = 0,
                k0CmPerSecond: Double? = nil, alpha: Double = 0.5, uncompensatedOhms: Double = 0,
                surfaceCoverageMolPerCm2: Double = 0, surfaceE0Volts: Double? = nil,
                bulkOxidizedFraction: Double? = nil) {
        self.e0Volts = e0Volts
        self.electrons = electrons
        self.concentrationMolPerCm3 = concentrationMolPerCm3
        self.diffusionCm2PerSecond = diffusionCm2PerSecond
        self.reducedDiffusionCm2PerSecond = reducedDiffusionCm2PerSecond
        self.areaCm2 = areaCm2
        self.kelvin = kelvin
        self.doubleLayerFarads = doubleLayerFarads
        self.k0CmPerSecond = k0CmPerSecond
        self.alpha = alpha
        self.uncompensatedOhms = uncompensatedOhms
        self.surfaceCoverageMolPerCm2 = surfaceCoverageMolPerCm2
        self.surfaceE0Volts = surfaceE0Volts
        self.bulkOxidizedFraction = bulkOxidizedFraction
    }

    public static let faraday = 96485.33212
    public static let gasConstant = 8.314462618

    /// nF/RT (1/V).
    public var nFOverRT: Double { Double(electrons) * Self.faraday / (Self.gasConstant * kelvin) }

    /// Randles–Sevcik peak current of the dissolved couple, reversible, planar (A, magnitude):
    /// i_p = 0.4463·nFAC·√(nFvD/RT).
    public func randlesSevcikPeakAmperes(scanRate v: Double) -> Double {
        0.4463 * Double(electrons) * Self.faraday * areaCm2 * concentrationMolPerCm3
            * (nFOverRT * abs(v) * diffusionCm2PerSecond).squareRoot()
    }

    /// Peak current of the surface-confined layer alone (A, magnitude): n²F²AΓv/(4RT).
    public func surfacePeakAmperes(scanRate v: Double) -> Double {
        Double(electrons) * Self.faraday * areaCm2 * surfaceCoverageMolPerCm2 * nFOverRT * abs(v) / 4
    }

    /// Every problem with the parameters, each naming the field, its value and what is valid.
    public var problems: [String] {
        var out: [String] = []
        func check(_ ok: Bool, _ field: String, _ value: Any, _ valid: String) {
            if !ok { out.append("\(field) = \(value): must be \(valid)") }
        }
        check(e0Volts.isFinite, "e0Volts", e0Volts, "a finite potential in V")
        check(electrons >= 1 && electrons <= 10, "electrons", electrons, "an integer from 1 to 10")
        check(concentrationMolPerCm3.isFinite && concentrationMolPerCm3 >= 0, "concentrationMolPerCm3",
              concentrationMolPerCm3, "≥ 0 mol/cm³ (1 mM = 1e-6)")
        check(diffusionCm2PerSecond.isFinite && diffusionCm2PerSecond > 0, "diffusionCm2PerSecond",
              diffusionCm2PerSecond, "> 0 cm²/s (typically 1e-6 to 1e-4 in solution)")
        if let d = reducedDiffusionCm2PerSecond {
            check(d.isFinite && d > 0, "reducedDiffusionCm2PerSecond", d, "> 0 cm²/s, or absent")
        }
        check(areaCm2.isFinite && areaCm2 > 0, "areaCm2", areaCm2, "> 0 cm²")
        check(kelvin.isFinite && kelvin > 0, "kelvin", kelvin, "> 0 K")
        check(doubleLayerFarads.isFinite && doubleLayerFarads >= 0, "doubleLayerFarads", doubleLayerFarads, "≥ 0 F")
        if let k = k0CmPerSecond {
            check(k.isFinite && k > 0, "k0CmPerSecond", k, "> 0 cm/s, or absent for a reversible couple")
        }
        check(alpha > 0 && alpha < 1, "alpha", alpha, "between 0 and 1 (exclusive)")
        check(uncompensatedOhms.isFinite && uncompensatedOhms >= 0, "uncompensatedOhms", uncompensatedOhms, "≥ 0 Ω")
        check(surfaceCoverageMolPerCm2.isFinite && surfaceCoverageMolPerCm2 >= 0, "surfaceCoverageMolPerCm2",
              surfaceCoverageMolPerCm2, "≥ 0 mol/cm² (a monolayer is ~1e-10)")
        if let e = surfaceE0Volts {
            check(e.isFinite, "surfaceE0Volts", e, "a finite potential in V, or absent for e0Volts")
        }
        if let x = bulkOxidizedFraction {
            check(x >= 0 && x <= 1, "bulkOxidizedFraction", x, "from 0 to 1, or absent for equilibrium at the start potential")
        }
        return out
    }

    /// Throws the parameter problems, if any.
    public func validate() throws {
        let p = problems
        if !p.isEmpty { throw RedoxCoupleError(problems: p) }
    }
}

public struct RedoxCoupleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "invalid redox couple: " + problems.joined(separator: "; ") }
}
