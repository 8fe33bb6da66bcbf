import Foundation

/// Equivalent circuits the EIS fit knows, written in impedance.py's circuit notation
/// ('-' series, p(a,b) parallel). Element formulas: CPE Z = 1/(Q(jω)^α); W Z = A_W(1 − j)/√ω.
public enum EISCircuit: String, Sendable, Hashable, Codable, CaseIterable {
    /// R_e + (R_ct ∥ CPE): electrolyte, charge transfer, non-ideal double layer.
    case chargeTransfer = "R0-p(R1,CPE1)"
    /// R_e + (R_ct ∥ CPE) + W: seed 003's circuit, diffusion after the arc.
    case chargeTransferWarburg = "R0-p(R1,CPE1)-W1"
    /// R_e + CPE ∥ (R_ct + W): the classic Randles cell, diffusion behind charge transfer.
    case randles = "R0-p(R1-W1,CPE1)"

    /// Parameter names, in the order of every parameter array.
    public var parameterNames: [String] {
        switch self {
        case .chargeTransfer: return ["R_e", "R_ct", "Q", "alpha"]
        case .chargeTransferWarburg, .randles: return ["R_e", "R_ct", "Q", "alpha", "A_W"]
        }
    }

    public var parameterUnits: [String] {
        switch self {
        case .chargeTransfer: return ["Ω", "Ω", "F·s^(α−1)", "1"]
        case .chargeTransferWarburg, .randles: return ["Ω", "Ω", "F·s^(α−1)", "1", "Ω·s^−½"]
        }
    }

    /// Z(f) for the parameters in `parameterNames` order: (Z′, Z″) in Ω, Z″ < 0 when capacitive.
    public func impedance(_ parameters: [Double], hertz f: Double) -> (real: Double, imaginary: Double) {
        let z = complexImpedance(parameters, omega: 2 * Double.pi * f)
        return (z.re, z.im)
    }

    func complexImpedance(_ p: [Double], omega w: Double) -> ComplexValue {
        let one = ComplexValue(1)
        let cpeAdmittance = p[2] * ComplexValue.jOmega(w, power: p[3])
        switch self {
        case .chargeTransfer:
            return ComplexValue(p[0]) + one / (ComplexValue(1 / p[1]) + cpeAdmittance)
        case .chargeTransferWarburg:
            let warburg = ComplexValue(p[4] / w.squareRoot(), -p[4] / w.squareRoot())
            return ComplexValue(p[0]) + one / (ComplexValue(1 / p[1]) + cpeAdmittance) + warburg
        case .randles:
            let branch = ComplexValue(p[1] + p[4] / w.squareRoot(), -p[4] / w.squareRoot())
            return ComplexValue(p[0]) + one / (one / branch + cpeAdmittance)
        }
    }
}
