import Foundation

/// b-value of i_p = a·v^b from log i_p against log v (seed 003: b = 1 surface-controlled,
/// b = 0.5 diffusion-controlled).
public struct PowerLawFit: Sendable, Hashable, Codable {
    public var b: Double
    /// Standard error of b (the slope's, from the residual scatter); nil with only two scan rates.
    public var bStandardError: Double?
    /// a: the peak current extrapolated to v = 1 V/s (A).
    public var a: Double
    /// r² of the log–log line.
    public var r2: Double
    public var count: Int
}

/// Randles–Sevcik slope: i_p = K·√v + intercept (seed 004: "Ip = K v^0.5").
public struct RandlesSevcikFit: Sendable, Hashable, Codable {
    /// K (A·s^½·V^−½).
    public var slope: Double
    public var slopeStandardError: Double?
    /// Intercept at √v = 0 (A); near 0 for pure diffusion control.
    public var intercept: Double
    public var r2: Double
    public var count: Int
    /// D implied by K through i_p = 0.4463·nFAC·√(nFvD/RT) (cm²/s), when n, A and C are given:
    /// D = (K/(0.4463·nFAC))²·RT/(nF). Valid for a reversible couple at a planar electrode.
    public var diffusionCm2PerSecond: Double?
    /// Its standard error, propagated from K's (δD/D = 2δK/K).
    public var diffusionStandardError: Double?
}

/// Dunn's split i_p(v) = k₁·v + k₂·√v into a surface (capacitive) and a diffusion part,
/// fitted as i_p/√v = k₁·√v + k₂.
public struct CapacitiveDiffusiveSplit: Sendable, Hashable, Codable {
    /// k₁ (A·s/V): surface-controlled, ∝ v.
    public var k1: Double
    /// k₂ (A·s^½·V^−½): diffusion-controlled, ∝ √v.
    public var k2: Double
    public var r2: Double
    /// k₁v/(k₁v + k₂√v) at each scan rate given, in their order.
    public var surfaceFractions: [Double]
}

public enum ScanRateAnalysis {
    /// Least-squares b-value. Peak currents are taken as magnitudes (cathodic peaks work too).
    public static func bValue(scanRates: [Double], peakAmperes: [Double]) throws -> PowerLawFit {
        let (v, i) = try checked(scanRates, peakAmperes)
        guard let fit = StraightLineFit(x: v.map(log10), y: i.map(log10)) else {
            throw VoltammetryError("the scan rates are all the same: a b-value needs at least two different scan rates")
        }
        return PowerLawFit(b: fit.slope, bStandardError: fit.slopeStandardError, a: pow(10, fit.intercept),
                           r2: fit.r2, count: fit.count)
    }

    /// The Randles–Sevcik line, and the D it implies when `electrons`, `areaCm2` and
    /// `concentrationMolPerCm3` are all given.
    public static func randlesSevcik(scanRates: [Double], peakAmperes: [Double], electrons: Int? = nil,
                                     areaCm2: Double? = nil, concentrationMolPerCm3: Double? = nil,
                                     kelvin: Double = 298.15) throws -> RandlesSevcikFit {
        let (v, i) = try checked(scanRates, peakAmperes)
        guard let fit = StraightLineFit(x: v.map { $0.squareRoot() }, y: i) else {
            throw VoltammetryError("the scan rates are all the same: a Randles–Sevcik slope needs at least two")
        }
        var result = RandlesSevcikFit(slope: fit.slope, slopeStandardError: fit.slopeStandardError,
                                      intercept: fit.intercept, r2: fit.r2, count: fit.count)
        if let n = electrons, let area = areaCm2, let c = concentrationMolPerCm3 {
            guard n >= 1, area > 0, c > 0, kelvin > 0, area.isFinite, c.isFinite, kelvin.isFinite else {
                throw VoltammetryError("electrons \(n), areaCm2 \(area), concentrationMolPerCm3 \(c), kelvin \(kelvin): "
                                       + "need n ≥ 1 and A, C, T > 0 to turn the slope into D")
            }
            let faraday = 96485.33212, gas = 8.314462618
            let nF = Double(n) * faraday
            let scale = fit.slope / (0.4463 * nF * area * c)
            let d = scale * scale * gas * kelvin / nF
            result.diffusionCm2PerSecond = d
            result.diffusionStandardError = fit.slopeStandardError.map { 2 * d * $0 / abs(fit.slope) }
        }
        return result
    }

    /// Dunn's k₁v + k₂√v split.
    public static func capacitiveDiffusive(scanRates: [Double], peakAmperes: [Double]) throws -> CapacitiveDiffusiveSplit {
        let (v, i) = try checked(scanRates, peakAmperes)
        guard let fit = StraightLineFit(x: v.map { $0.squareRoot() }, y: zip(i, v).map { $0 / $1.squareRoot() }) else {
            throw VoltammetryError("the scan rates are all the same: the split needs at least two")
        }
        let fractions = v.map { rate -> Double in
            let surface = fit.slope * rate, total = surface + fit.intercept * rate.squareRoot()
            return total != 0 ? surface / total : 0
        }
        return CapacitiveDiffusiveSplit(k1: fit.slope, k2: fit.intercept, r2: fit.r2, surfaceFractions: fractions)
    }

    /// Scan rates > 0 and peak currents ≠ 0, pairwise; currents as magnitudes.
    private static func checked(_ v: [Double], _ i: [Double]) throws -> ([Double], [Double]) {
        try VoltammetryError.checkColumns([("scanRates", v), ("peakAmperes", i)], minimum: 2)
        if let k = v.firstIndex(where: { $0 <= 0 }) {
            throw VoltammetryError("scanRates[\(k)] = \(v[k]): scan rates must be > 0 V/s (1 mV/s = 0.001)")
        }
        if let k = i.firstIndex(where: { $0 == 0 }) {
            throw VoltammetryError("peakAmperes[\(k)] = 0: every scan rate needs a peak current ≠ 0")
        }
        return (v, i.map(abs))
    }
}

extension ScanRateAnalysis {
    /// (scan rate, |peak height|) of one direction's peak from each cycle that has it: the input of
    /// `bValue` and `randlesSevcik` when a run sweeps its cycles at different rates (seed 004).
    public static func series(_ cycles: [CVCyclePeaks], direction: SweepDirection)
        -> (scanRates: [Double], peakAmperes: [Double]) {
        var v: [Double] = [], i: [Double] = []
        for c in cycles {
            guard let p = direction == .anodic ? c.anodic : c.cathodic, c.scanRateVoltsPerSecond > 0 else { continue }
            v.append(c.scanRateVoltsPerSecond)
            i.append(abs(p.heightAmperes))
        }
        return (v, i)
    }
}
