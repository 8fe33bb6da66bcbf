import EchemCore
import Foundation

/// Every EIS spectrum of a run, analysed.
public struct EISRunReport: Sendable, Hashable, Codable {
    public var spectra: [EISSpectrumReport]
    public init(spectra: [EISSpectrumReport]) { self.spectra = spectra }
}

/// One spectrum: where it was taken, its lin-KK check, and both circuit fits.
public struct EISSpectrumReport: Sendable, Hashable, Codable {
    /// The spectrum's number in the run (1-based), its step and run cycle, and when it was taken.
    public var index: Int
    public var stepCount: Int
    public var cycle: Int
    public var testTime: Double
    public var pointCount: Int
    public var highestHz: Double?
    public var lowestHz: Double?
    public var linKK: LinKKSummary?
    /// R_e + (R_ct ∥ CPE) and R_e + (R_ct ∥ CPE) + W, each with standard errors; a fit that could
    /// not run is missing here and explained in `notes`.
    public var fits: [EISCircuitFit]
    /// The fit with the lower AIC (see `EISCircuitFit.aic`).
    public var preferred: EISCircuit?
    public var notes: [String]

    public init(index: Int, stepCount: Int, cycle: Int, testTime: Double, pointCount: Int, highestHz: Double?,
                lowestHz: Double?, linKK: LinKKSummary?, fits: [EISCircuitFit], preferred: EISCircuit?,
                notes: [String]) {
        self.index = index
        self.stepCount = stepCount
        self.cycle = cycle
        self.testTime = testTime
        self.pointCount = pointCount
        self.highestHz = highestHz
        self.lowestHz = lowestHz
        self.linKK = linKK
        self.fits = fits
        self.preferred = preferred
        self.notes = notes
    }

    public func fit(_ circuit: EISCircuit) -> EISFitResult? { fits.first { $0.result.circuit == circuit }?.result }
}

/// The numbers of a lin-KK check worth keeping (the per-point residuals are left out).
public struct LinKKSummary: Sendable, Hashable, Codable {
    public var elements: Int
    public var mu: Double
    /// Largest and mean |residual| over both parts, as fractions of |Z|.
    public var maxAbsResidual: Double
    public var meanAbsResidual: Double
    /// maxAbsResidual < 1 % (Schönleber's reading of a valid spectrum).
    public var valid: Bool

    public init(_ r: LinKKResult) {
        elements = r.elements
        mu = r.mu
        maxAbsResidual = r.maxAbsResidual
        meanAbsResidual = r.meanAbsResidual
        valid = r.isValid()
    }
}

/// A circuit fit and its Akaike information criterion.
public struct EISCircuitFit: Sendable, Hashable, Codable {
    /// AIC = N·ln(χ²/N) + 2k with N = 2·points residuals and k parameters: lower is better, and the
    /// 2k term charges W's extra parameter, so W is preferred only when it pays for itself.
    public var aic: Double
    public var result: EISFitResult

    public init(_ result: EISFitResult) {
        self.result = result
        let n = Double(result.degreesOfFreedom + result.parameters.count)
        // A perfect fit (χ² = 0) would give −∞, which JSON cannot hold; the floor keeps it finite.
        aic = n * log(max(result.chiSquare / n, 1e-300)) + 2 * Double(result.parameters.count)
    }
}
