import EchemCore
import EchemSim
import Foundation
import Testing
@testable import EchemAnalysis

private let couple = RedoxCouple(e0Volts: 0.2, areaCm2: Double.pi * 0.15 * 0.15)
private let rates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]

/// Peak heights of one CV per scan rate, through the CV analysis, as a user would get them.
private func series(_ c: RedoxCouple, _ direction: SweepDirection) throws -> (scanRates: [Double], peakAmperes: [Double]) {
    var cycles: [CVCyclePeaks] = []
    for v in rates {
        cycles += try SimulatedCV([c], start: 0.5, vertex: -0.1, scanRate: v, stepVolts: 0.002)
            .peaks(.init(baseline: .sweepStart(fraction: 0.1)))
    }
    return ScanRateAnalysis.series(cycles, direction: direction)
}

@Suite struct ScanRateAnalysisTests {
    /// Diffusion control, seed 003's criterion: b = 0.5.
    @Test func diffusionControlledCoupleHasBOneHalf() throws {
        for direction in [SweepDirection.cathodic, .anodic] {
            let s = try series(couple, direction)
            #expect(s.scanRates.count == rates.count)
            let fit = try ScanRateAnalysis.bValue(scanRates: s.scanRates, peakAmperes: s.peakAmperes)
            #expect(abs(fit.b - 0.5) < 0.05, "\(direction) b = \(fit.b)")
            #expect(fit.bStandardError! < 0.01)
            #expect(fit.r2 > 0.999)
        }
    }

    /// A surface-confined layer (Γ = 1e-10 mol/cm², no dissolved couple): i_p = n²F²AΓv/(4RT), b = 1.
    @Test func surfaceConfinedLayerHasBOne() throws {
        let layer = RedoxCouple(e0Volts: 0.2, concentrationMolPerCm3: 0, areaCm2: 1, surfaceCoverageMolPerCm2: 1e-10)
        let s = try series(layer, .cathodic)
        let fit = try ScanRateAnalysis.bValue(scanRates: s.scanRates, peakAmperes: s.peakAmperes)
        #expect(abs(fit.b - 1) < 0.05, "b = \(fit.b)")
        #expect(abs(fit.a / layer.surfacePeakAmperes(scanRate: 1) - 1) < 0.02)
    }

    /// Both at once, with the layer's E° set so its peak falls on the diffusion peak (E° − 1.109RT/F):
    /// i_p = k₁v + k₂√v exactly, the apparent b lies between, and Dunn's split gives back each part.
    @Test func mixedControlSplitsIntoSurfaceAndDiffusionParts() throws {
        var mixed = couple
        mixed.surfaceCoverageMolPerCm2 = 1e-9
        mixed.surfaceE0Volts = 0.2 - 1.109 / couple.nFOverRT
        let s = try series(mixed, .cathodic)
        let fit = try ScanRateAnalysis.bValue(scanRates: s.scanRates, peakAmperes: s.peakAmperes)
        #expect(fit.b > 0.55 && fit.b < 0.95, "b = \(fit.b)")
        let split = try ScanRateAnalysis.capacitiveDiffusive(scanRates: s.scanRates, peakAmperes: s.peakAmperes)
        #expect(abs(split.k2 / couple.randlesSevcikPeakAmperes(scanRate: 1) - 1) < 0.02, "k2 \(split.k2)")
        #expect(abs(split.k1 / mixed.surfacePeakAmperes(scanRate: 1) - 1) < 0.02, "k1 \(split.k1)")
        #expect(split.surfaceFractions.last! > split.surfaceFractions.first!)
    }

    /// K = 0.4463·nFAC·√(nFD/RT): the slope gives D back.
    @Test func randlesSevcikSlopeGivesDiffusionCoefficientBack() throws {
        let s = try series(couple, .cathodic)
        let fit = try ScanRateAnalysis.randlesSevcik(scanRates: s.scanRates, peakAmperes: s.peakAmperes, electrons: 1,
                                                     areaCm2: couple.areaCm2, concentrationMolPerCm3: 1e-6)
        #expect(abs(fit.diffusionCm2PerSecond! / 1e-5 - 1) < 0.03, "D = \(fit.diffusionCm2PerSecond!)")
        #expect(fit.diffusionStandardError! < 0.03e-5)
        #expect(abs(fit.intercept) < 0.01 * couple.randlesSevcikPeakAmperes(scanRate: 0.01))
        #expect(fit.r2 > 0.9999)
    }

    /// Exact power laws: b and a come out to rounding, and two points leave no standard error.
    @Test func exactPowerLawIsRecoveredExactly() throws {
        let fit = try ScanRateAnalysis.bValue(scanRates: [0.001, 0.01, 0.1], peakAmperes: [2e-6, 2e-6 * pow(10, 0.67), 2e-6 * pow(100, 0.67)])
        #expect(abs(fit.b - 0.67) < 1e-12)
        #expect(abs(fit.a / (2e-6 * pow(1000, 0.67)) - 1) < 1e-12)
        let two = try ScanRateAnalysis.bValue(scanRates: [0.1, 1], peakAmperes: [1, 3])
        #expect(two.bStandardError == nil)
    }

    @Test func badSeriesIsRefusedWithTheReason() {
        #expect(throws: VoltammetryError("scanRates[1] = 0.0: scan rates must be > 0 V/s (1 mV/s = 0.001)")) {
            try ScanRateAnalysis.bValue(scanRates: [0.1, 0], peakAmperes: [1, 2])
        }
        #expect(throws: VoltammetryError.self) { try ScanRateAnalysis.bValue(scanRates: [0.1, 0.1], peakAmperes: [1, 2]) }
        #expect(throws: VoltammetryError.self) { try ScanRateAnalysis.randlesSevcik(scanRates: [0.1], peakAmperes: [1]) }
        #expect(throws: VoltammetryError.self) {
            try ScanRateAnalysis.randlesSevcik(scanRates: [0.1, 1], peakAmperes: [1, 2], electrons: 0, areaCm2: 1,
                                               concentrationMolPerCm3: 1e-6)
        }
    }
}
