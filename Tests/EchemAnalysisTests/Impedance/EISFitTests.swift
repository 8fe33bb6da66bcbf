import EchemCore
import EchemSim
import Foundation
import Testing
@testable import EchemAnalysis

@Suite struct EISFitTests {
    /// Seed 003's circuit, 0.5 % noise on each part: every parameter comes back, R_ct within 5 %,
    /// and each lies within 4 standard errors of the truth (the covariance is honest).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func fitRecoversRandlesWithWarburgFromNoisySpectrum(seed: UInt64) throws {
        let truth = RandlesValues()
        let points = simulatedSpectrum(truth.circuit, relativeSigma: 0.005, seed: seed)
        let fit = try EISFit.fit(points, circuit: .chargeTransferWarburg)
        #expect(fit.converged)
        #expect(abs(fit.chargeTransferOhms / truth.rct - 1) < 0.05, "R_ct \(fit.chargeTransferOhms)")
        #expect(abs(fit.electrolyteOhms / truth.re - 1) < 0.05, "R_e \(fit.electrolyteOhms)")
        #expect(abs(fit.values[3] - truth.alpha) < 0.03)
        #expect(abs(fit.values[4] / truth.aw - 1) < 0.05)
        for (p, value) in zip(fit.parameters, truth.values) {
            let se = try #require(p.standardError)
            #expect(se > 0 && abs(p.value - value) < 4 * se, "\(p.name) = \(p.value) ± \(se), truth \(value)")
        }
        // Residuals at the noise level: reduced χ² ≈ 2σ² per point pair over 2 parts → σ² = 2.5e-5.
        #expect(fit.reducedChiSquare > 1e-5 && fit.reducedChiSquare < 6e-5)
    }

    @Test func fitWithoutWarburgRecoversTheArc() throws {
        let truth = ImpedanceCircuit([.resistor(ohm: 5), .resistorParallelCPE(ohm: 400, q: 5e-6, alpha: 0.9)])
        let fit = try EISFit.fit(simulatedSpectrum(truth, relativeSigma: 0.003), circuit: .chargeTransfer)
        #expect(abs(fit.chargeTransferOhms / 400 - 1) < 0.05)
        #expect(abs(fit.electrolyteOhms / 5 - 1) < 0.05)
        #expect(abs(fit.values[2] / 5e-6 - 1) < 0.1)
        #expect(abs(fit.values[3] - 0.9) < 0.02)
    }

    /// Noise-free data: the fit is exact, whatever the starting guesses were.
    @Test func exactSpectrumIsFittedToRounding() throws {
        let truth = RandlesValues(re: 0.05, rct: 0.5, q: 2e-3, alpha: 0.9, aw: 0.2)
        let fit = try EISFit.fit(simulatedSpectrum(truth.circuit), circuit: .chargeTransferWarburg)
        for (p, value) in zip(fit.values, truth.values) { #expect(abs(p / value - 1) < 1e-5) }
        #expect(fit.maxRelativeResidual < 1e-6)
    }

    /// The classic Randles cell (W behind R_ct) is a different circuit, and fits as itself.
    @Test func randlesCellWithWarburgBehindChargeTransfer() throws {
        let cpe = ImpedanceElement.cpe(q: 1e-5, alpha: 0.88)
        // R_e + CPE ∥ (R_ct + W), built from EchemSim elements through the admittances.
        let points = sweepFrequencies().enumerated().map { k, f -> ImpedancePoint in
            let w = 2 * Double.pi * f
            let branch = Complex(60) + ImpedanceElement.warburg(a: 30).impedance(omega: w)
            let z = Complex(8) + Complex(1) / (Complex(1) / branch + Complex(1) / cpe.impedance(omega: w))
            return ImpedancePoint(frequencyHz: f, real: z.re, imaginary: z.im, time: Double(k))
        }
        let fit = try EISFit.fit(points, circuit: .randles)
        #expect(abs(fit.chargeTransferOhms / 60 - 1) < 1e-4)
        #expect(abs(fit.values[4] / 30 - 1) < 1e-4)
        // The same data through the series-W circuit fits worse.
        let other = try EISFit.fit(points, circuit: .chargeTransferWarburg)
        #expect(other.chiSquare > 100 * max(fit.chiSquare, 1e-20))
    }

    /// The circuit evaluates the same impedance as EchemSim's element formulas.
    @Test func circuitModelAgreesWithSimulatorElements() {
        let truth = RandlesValues()
        for f in [1e5, 10, 0.01] {
            let z = truth.circuit.impedance(hertz: f)
            let m = EISCircuit.chargeTransferWarburg.impedance(truth.values, hertz: f)
            #expect(abs(m.real - z.re) < 1e-9 * z.magnitude && abs(m.imaginary - z.im) < 1e-9 * z.magnitude)
        }
    }

    @Test func badSpectraAreRefusedWithTheReason() {
        let ok = simulatedSpectrum(RandlesValues().circuit, frequencies: [1000, 100, 10, 1, 0.1, 0.01])
        #expect(throws: ImpedanceAnalysisError("3 points: fitting R0-p(R1,CPE1)-W1 needs at least 6")) {
            try EISFit.fit(Array(ok.prefix(3)), circuit: .chargeTransferWarburg)
        }
        var bad = ok
        bad[2].frequencyHz = -1
        #expect(throws: ImpedanceAnalysisError("point 2: frequency -1.0 Hz; frequencies must be finite and > 0")) {
            try EISFit.fit(bad, circuit: .chargeTransfer)
        }
        bad = ok
        bad[1].real = .nan
        #expect(throws: ImpedanceAnalysisError.self) { try EISFit.fit(bad, circuit: .chargeTransfer) }
        #expect(throws: ImpedanceAnalysisError.self) { try EISFit.fit(ok + [ok[0]], circuit: .chargeTransfer) }
    }

    @Test func resultRoundTripsThroughJSON() throws {
        let fit = try EISFit.fit(simulatedSpectrum(RandlesValues().circuit), circuit: .chargeTransferWarburg)
        let back = try JSONDecoder().decode(EISFitResult.self, from: JSONEncoder().encode(fit))
        #expect(back == fit)
        #expect(back.parameter("R_ct")?.unit == "Ω")
    }
}
