import EchemCore
import Foundation

/// The lin-KK validity check of an impedance spectrum: residuals of a Kramers–Kronig-compliant model.
public struct LinKKResult: Sendable, Hashable, Codable {
    /// Number of RC elements M at which the fit stopped (the first with μ ≤ c).
    public var elements: Int
    /// μ = 1 − Σ|R_k<0| / Σ|R_k≥0|; falls below c once the model starts fitting noise.
    public var mu: Double
    /// Frequencies (Hz), highest first, the order of the residuals.
    public var frequencies: [Double]
    /// (Z′ − Ẑ′)/|Z| and (Z″ − Ẑ″)/|Z| per frequency, as fractions.
    public var residualsReal: [Double]
    public var residualsImaginary: [Double]
    /// Fitted series resistance R₀, inductance L and series capacitance C (nil without `addCapacitance`).
    public var ohms: Double
    public var henry: Double
    public var farad: Double?

    /// The largest |residual| over both parts.
    public var maxAbsResidual: Double {
        max(residualsReal.map(abs).max() ?? 0, residualsImaginary.map(abs).max() ?? 0)
    }
    /// Mean |residual| over both parts.
    public var meanAbsResidual: Double {
        let all = residualsReal.map(abs) + residualsImaginary.map(abs)
        return all.isEmpty ? 0 : all.reduce(0, +) / Double(all.count)
    }
    /// Kramers–Kronig consistent to `threshold` (Schönleber: residuals ≲ 1 % and no trend).
    public func isValid(threshold: Double = 0.01) -> Bool { maxAbsResidual < threshold }
}

/// Linear Kramers–Kronig test (Schönleber, Klotz, Ivers-Tiffée, Electrochim. Acta 131 (2014) 20).
///
/// Model: Ẑ = R₀ + Σ_{k=1..M} R_k/(1 + jωτ_k) + jωL [+ 1/(jωC)], τ_k log-spaced from 1/(2πf_max) to
/// 1/(2πf_min). Every term obeys Kramers–Kronig, and the model is linear in R₀, R_k, L, 1/C, so it
/// is fitted by weighted linear least squares (both parts at once, rows weighted by 1/|Z|, solved by
/// QR). M grows from 1 until μ ≤ c, the point where it would start fitting noise. Data that a
/// KK-compliant model cannot follow (drift, non-linearity, an unsettled cell) leave residuals far
/// above the noise. The series capacitor (on by default) lets a blocking or diffusion tail pass;
/// without it a Warburg tail gives false alarms of several per cent.
public enum LinearKramersKronig {
    public struct Options: Sendable, Hashable, Codable {
        /// μ threshold; nil = no search, use exactly `maxElements` elements (impedance.py's c=None).
        public var c: Double?
        public var maxElements: Int
        public var addCapacitance: Bool
        public init(c: Double? = 0.85, maxElements: Int = 50, addCapacitance: Bool = true) {
            self.c = c
            self.maxElements = maxElements
            self.addCapacitance = addCapacitance
        }
    }

    public static func check(_ points: [ImpedancePoint], options: Options = Options()) throws -> LinKKResult {
        if let c = options.c, !(c > 0 && c < 1) {
            throw ImpedanceAnalysisError("lin-KK c = \(c): must be between 0 and 1 (Schönleber uses 0.85), or nil for a fixed M")
        }
        guard options.maxElements >= 1 else {
            throw ImpedanceAnalysisError("lin-KK maxElements = \(options.maxElements): must be ≥ 1 (50 is usual)")
        }
        let s = try CheckedSpectrum(points, minimum: 4, purpose: "the lin-KK check")
        let extra = options.addCapacitance ? 3 : 2
        // Keep at least one residual degree of freedom: 2N rows, M + extra unknowns.
        let ceiling = min(options.maxElements, 2 * s.count - extra - 1)
        var last: (m: Int, mu: Double, x: [Double], taus: [Double])?
        let first = options.c == nil ? max(1, ceiling) : 1
        for m in first...max(1, ceiling) {
            let taus = timeConstants(m, fMax: s.hertz.first!, fMin: s.hertz.last!)
            let x = solve(s, taus: taus, addCapacitance: options.addCapacitance)
            let rk = x[1...m]
            let positive = rk.filter { $0 >= 0 }.reduce(0, +)
            let negative = rk.filter { $0 < 0 }.reduce(0) { $0 + abs($1) }
            let mu = positive > 0 ? 1 - negative / positive : 0
            last = (m, mu, x, taus)
            if let c = options.c, mu <= c { break }
        }
        let fit = last!
        var re: [Double] = [], im: [Double] = []
        for k in 0..<s.count {
            let model = evaluate(fit.x, taus: fit.taus, omega: 2 * Double.pi * s.hertz[k], addCapacitance: options.addCapacitance)
            let w = s.z[k].magnitude
            re.append((s.z[k].re - model.re) / w)
            im.append((s.z[k].im - model.im) / w)
        }
        let m = fit.m
        return LinKKResult(elements: m, mu: fit.mu, frequencies: s.hertz, residualsReal: re, residualsImaginary: im,
                           ohms: fit.x[0], henry: fit.x[m + 1],
                           farad: options.addCapacitance ? (fit.x[m + 2] != 0 ? 1 / fit.x[m + 2] : .infinity) : nil)
    }

    static func timeConstants(_ m: Int, fMax: Double, fMin: Double) -> [Double] {
        let first = 1 / (2 * Double.pi * fMax), last = 1 / (2 * Double.pi * fMin)
        guard m > 1 else { return [(first * last).squareRoot()] }
        return (0..<m).map { k in first * pow(last / first, Double(k) / Double(m - 1)) }
    }

    /// Unknowns [R₀, R₁…R_M, L, 1/C?]. Columns are scaled to unit norm before QR so that ω (up to 1e6)
    /// and 1/ω terms do not swamp each other, then the solution is scaled back.
    static func solve(_ s: CheckedSpectrum, taus: [Double], addCapacitance: Bool) -> [Double] {
        let unknowns = taus.count + (addCapacitance ? 3 : 2)
        var rows: [[Double]] = []
        var target: [Double] = []
        for k in 0..<s.count {
            let w = 2 * Double.pi * s.hertz[k]
            let weight = 1 / s.z[k].magnitude
            var real = [Double](repeating: 0, count: unknowns)
            var imag = [Double](repeating: 0, count: unknowns)
            real[0] = weight
            for (j, tau) in taus.enumerated() {
                let wt = w * tau, d = 1 + wt * wt
                real[j + 1] = weight / d
                imag[j + 1] = -weight * wt / d
            }
            imag[taus.count + 1] = weight * w
            if addCapacitance { imag[taus.count + 2] = -weight / w }
            rows.append(real)
            rows.append(imag)
            target.append(s.z[k].re * weight)
            target.append(s.z[k].im * weight)
        }
        var norms = [Double](repeating: 0, count: unknowns)
        for r in rows { for c in 0..<unknowns { norms[c] += r[c] * r[c] } }
        norms = norms.map { $0 > 0 ? $0.squareRoot() : 1 }
        let scaled = rows.map { r in (0..<unknowns).map { r[$0] / norms[$0] } }
        let y = DenseLinearAlgebra.leastSquares(scaled, target)
        return (0..<unknowns).map { y[$0] / norms[$0] }
    }

    static func evaluate(_ x: [Double], taus: [Double], omega w: Double, addCapacitance: Bool) -> ComplexValue {
        var z = ComplexValue(x[0])
        for (j, tau) in taus.enumerated() {
            let wt = w * tau, d = 1 + wt * wt
            z = z + ComplexValue(x[j + 1] / d, -x[j + 1] * wt / d)
        }
        z = z + ComplexValue(0, x[taus.count + 1] * w)
        if addCapacitance { z = z + ComplexValue(0, -x[taus.count + 2] / w) }
        return z
    }
}
