import EchemCore
import EchemSim
import Foundation
import Testing
@testable import EchemAnalysis

@Suite struct LinearKramersKronigTests {
    /// §7d's check: Randles with CPE and Warburg, 100 kHz → 10 mHz: residuals well under 1 %.
    /// impedance.py 1.7.1 `linKK(fit_type='complex', add_cap=True)` gives the same M = 26,
    /// μ = 0.81319 and max residual 0.388 % on this spectrum.
    @Test func validSpectrumPasses() throws {
        let points = simulatedSpectrum(RandlesValues(re: 0.05, rct: 0.5, q: 2e-3, alpha: 0.9, aw: 0.2).circuit)
        let result = try LinearKramersKronig.check(points)
        #expect(result.elements == 26)
        #expect(abs(result.mu - 0.81319) < 1e-4)
        #expect(abs(result.maxAbsResidual - 0.003879) < 1e-5, "max \(result.maxAbsResidual)")
        #expect(result.isValid())
        #expect(abs(result.ohms - 0.05) < 0.01)
    }

    /// Noise of 0.1 % stays noise: residuals under 1 %, with no trend.
    @Test func noisyValidSpectrumPasses() throws {
        let result = try LinearKramersKronig.check(simulatedSpectrum(RandlesValues().circuit, relativeSigma: 0.001))
        #expect(result.maxAbsResidual < 0.01)
        #expect(result.meanAbsResidual < 0.002)
    }

    /// A simulated cell's own small-signal circuit (ZARCs, R_ct ∥ CPE, finite Warburg) is KK-consistent.
    @Test func simulatedCellSpectrumPasses() throws {
        let cell = try CellModel(parameters: ChemistryLibrary.named("ideal_linear"), capacityAh: 0.002, initialSOC: 0.5)
        let result = try LinearKramersKronig.check(simulatedSpectrum(cell.impedanceCircuit()))
        #expect(result.maxAbsResidual < 0.01, "max \(result.maxAbsResidual)")
    }

    /// Without the series capacitor the Warburg tail has no low-frequency intercept, and lin-KK
    /// raises a false alarm (§7d: 4–12 %): the reason `addCapacitance` is on by default.
    @Test func warburgTailNeedsTheSeriesCapacitor() throws {
        let points = simulatedSpectrum(RandlesValues(re: 0.05, rct: 0.5, q: 2e-3, alpha: 0.9, aw: 0.2).circuit)
        let result = try LinearKramersKronig.check(points, options: .init(addCapacitance: false))
        #expect(result.maxAbsResidual > 0.02)
    }

    /// A cell that drifts during the sweep (R_ct growing 30 % from the first point to the last, as
    /// an SEI or a discharge would make it) is not a linear time-invariant system: lin-KK flags it.
    @Test func driftingSystemFails() throws {
        let f = sweepFrequencies()
        let points = f.enumerated().map { k, hz -> ImpedancePoint in
            var v = RandlesValues()
            v.rct *= 1 + 0.3 * Double(k) / Double(f.count - 1)
            let z = v.circuit.impedance(hertz: hz)
            return ImpedancePoint(frequencyHz: hz, real: z.re, imaginary: z.im, time: Double(k))
        }
        let result = try LinearKramersKronig.check(points)
        #expect(result.maxAbsResidual > 0.01, "max \(result.maxAbsResidual)")
        #expect(!result.isValid())
        let steady = try LinearKramersKronig.check(simulatedSpectrum(RandlesValues().circuit))
        #expect(result.meanAbsResidual > 10 * steady.meanAbsResidual)
    }

    /// The μ rule's known blind spot: on the simulated Li‖Cu cell (arcs, then a 4.5 mF capacitor)
    /// μ drops below c at M = 3 and the search stops on a bad fit (impedance.py does the same,
    /// 55.8 %). With M fixed (c = nil) the spectrum is consistent to 1e-4.
    @Test func fixedElementCountCoversWhereTheMuRuleStopsEarly() throws {
        let cell = try CellModel(parameters: ChemistryLibrary.named("li_cu"), capacityAh: 0.002, initialSOC: 0.5)
        let points = simulatedSpectrum(cell.impedanceCircuit())
        let searched = try LinearKramersKronig.check(points)
        #expect(searched.elements == 3 && searched.maxAbsResidual > 0.1)
        let fixed = try LinearKramersKronig.check(points, options: .init(c: nil, maxElements: 30))
        #expect(fixed.elements == 30)
        #expect(fixed.maxAbsResidual < 1e-4)
    }

    @Test func badOptionsAreRefused() {
        let points = simulatedSpectrum(RandlesValues().circuit)
        #expect(throws: ImpedanceAnalysisError.self) { try LinearKramersKronig.check(points, options: .init(c: 1.5)) }
        #expect(throws: ImpedanceAnalysisError.self) { try LinearKramersKronig.check(Array(points.prefix(3))) }
    }
}
