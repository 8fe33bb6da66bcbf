import EchemCore
import Foundation

/// One fitted circuit parameter with its standard error.
public struct EISFitParameter: Sendable, Hashable, Codable {
    public var name: String
    public var unit: String
    public var value: Double
    /// √ of the covariance diagonal, (JᵀWJ)⁻¹·χ²/dof; nil when the covariance is singular.
    public var standardError: Double?
}

/// The outcome of an equivalent-circuit fit.
public struct EISFitResult: Sendable, Hashable, Codable {
    public var circuit: EISCircuit
    /// In `circuit.parameterNames` order.
    public var parameters: [EISFitParameter]
    /// Σ over points of ((Ẑ′ − Z′)² + (Ẑ″ − Z″)²)/|Z|² (modulus weighting).
    public var chiSquare: Double
    /// 2·points − parameters.
    public var degreesOfFreedom: Int
    /// Largest |Ẑ − Z|/|Z| over the spectrum.
    public var maxRelativeResidual: Double
    public var iterations: Int
    public var converged: Bool

    public var reducedChiSquare: Double { chiSquare / Double(max(1, degreesOfFreedom)) }
    public func parameter(_ name: String) -> EISFitParameter? { parameters.first { $0.name == name } }
    public var electrolyteOhms: Double { parameters[0].value }
    public var chargeTransferOhms: Double { parameters[1].value }
    public var values: [Double] { parameters.map(\.value) }
}

/// Weighted Levenberg–Marquardt fit of an `EISCircuit` to a spectrum.
///
/// Residuals are (Ẑ − Z)/|Z| on both parts (modulus weighting, so the small high-frequency
/// impedances count as much as the large low-frequency ones). Positive parameters are fitted as
/// logarithms and α through a logistic map onto (0, 1), so every trial is physical. Starting
/// values come from the spectrum's shape (high-frequency intercept, arc apex and the valley before
/// a diffusion tail), plus a few spreads of R_ct around them; the best χ² wins.
public enum EISFit {
    public static func fit(_ points: [ImpedancePoint], circuit: EISCircuit) throws -> EISFitResult {
        let p = circuit.parameterNames.count
        let spectrum = try CheckedSpectrum(points, minimum: p + 1, purpose: "fitting \(circuit.rawValue)")
        let weights = spectrum.z.map { 1 / $0.magnitude }
        let omegas = spectrum.hertz.map { 2 * Double.pi * $0 }

        func natural(_ u: [Double]) -> [Double] {
            u.indices.map { $0 == 3 ? 1 / (1 + exp(-u[$0])) : exp(u[$0]) }
        }
        func transformed(_ v: [Double]) -> [Double] {
            v.indices.map { $0 == 3 ? log(v[$0] / (1 - v[$0])) : log(v[$0]) }
        }
        func residuals(naturalParameters v: [Double]) -> [Double] {
            var r: [Double] = []
            r.reserveCapacity(2 * spectrum.count)
            for k in 0..<spectrum.count {
                let model = circuit.complexImpedance(v, omega: omegas[k])
                r.append((model.re - spectrum.z[k].re) * weights[k])
                r.append((model.im - spectrum.z[k].im) * weights[k])
            }
            return r
        }

        let solver = LevenbergMarquardt()
        var best: LevenbergMarquardt.Outcome?
        for start in EISStartingValues.candidates(spectrum, circuit: circuit) {
            let outcome = solver.minimise(start: transformed(start)) { residuals(naturalParameters: natural($0)) }
            if outcome.chiSquare.isFinite, best == nil || outcome.chiSquare < best!.chiSquare { best = outcome }
        }
        guard let found = best else {
            throw ImpedanceAnalysisError("\(circuit.rawValue) could not be evaluated on this spectrum from any starting point")
        }
        let values = natural(found.parameters)
        let dof = 2 * spectrum.count - p
        let errors = standardErrors(at: values, chiSquare: found.chiSquare, dof: dof,
                                    residuals: residuals(naturalParameters:))
        let r = residuals(naturalParameters: values)
        var worst = 0.0
        for k in 0..<spectrum.count { worst = max(worst, (r[2 * k] * r[2 * k] + r[2 * k + 1] * r[2 * k + 1]).squareRoot()) }
        let parameters = values.indices.map {
            EISFitParameter(name: circuit.parameterNames[$0], unit: circuit.parameterUnits[$0], value: values[$0],
                            standardError: errors?[$0])
        }
        return EISFitResult(circuit: circuit, parameters: parameters, chiSquare: found.chiSquare, degreesOfFreedom: dof,
                            maxRelativeResidual: worst, iterations: found.iterations, converged: found.converged)
    }

    /// √diag((JᵀJ)⁻¹·χ²/dof), J in the natural parameters (the weights are inside the residuals).
    static func standardErrors(at values: [Double], chiSquare: Double, dof: Int,
                               residuals: ([Double]) -> [Double]) -> [Double]? {
        guard dof > 0 else { return nil }
        // Relative steps: the parameters span many decades (Q ~ 1e-5, R ~ 1e2).
        var columns: [[Double]] = []
        for k in values.indices {
            let h = 1e-6 * max(abs(values[k]), 1e-300)
            var up = values, down = values
            up[k] += h
            down[k] -= h
            if k == 3 { up[k] = min(up[k], 1) }
            let span = up[k] - down[k]
            columns.append(zip(residuals(up), residuals(down)).map { ($0 - $1) / span })
        }
        let rows = columns[0].count
        let j = (0..<rows).map { i in columns.map { $0[i] } }
        let (a, _) = LevenbergMarquardt.normalEquations(j, [Double](repeating: 0, count: rows))
        guard let inverse = DenseLinearAlgebra.inverse(a) else { return nil }
        let scale = chiSquare / Double(dof)
        return values.indices.map { (max(0, inverse[$0][$0]) * scale).squareRoot() }
    }
}
