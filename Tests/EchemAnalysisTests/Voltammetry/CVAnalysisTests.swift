import EchemCore
import EchemSim
import Foundation
import Testing
@testable import EchemAnalysis

/// 1 mM, D = 1e-5 cm²/s, 3 mm disk, 25 °C, one electron, E° = 0.2 V.
private let couple = RedoxCouple(e0Volts: 0.2, areaCm2: Double.pi * 0.15 * 0.15)

@Suite struct CVAnalysisTests {
    @Test func reversibleCouplePeaksAreRandlesSevcikAndNernstian() throws {
        let v = 0.1
        let cycles = try SimulatedCV([couple], start: 0.5, vertex: -0.1, scanRate: v, cycles: 2).peaks()
        #expect(cycles.map(\.cycle) == [1, 2])
        let first = cycles[0]
        let c = try #require(first.cathodic), a = try #require(first.anodic)
        #expect(abs(-c.heightAmperes / couple.randlesSevcikPeakAmperes(scanRate: v) - 1) < 0.01)
        #expect(first.peakSeparationVolts! >= 0.057 && first.peakSeparationVolts! <= 0.059)
        #expect(abs(first.midpointVolts! - 0.2) < 0.001)  // E½ = E° for equal D
        #expect(a.heightAmperes > 0 && c.heightAmperes < 0)
        // From zero current the reverse peak looks small; Nicholson's rule restores |i_pa/i_pc| = 1.
        #expect(first.peakRatio! < 0.8)
        #expect(abs(first.nicholsonRatio! - 1) < 0.03)
        #expect(abs(first.scanRateVoltsPerSecond / v - 1) < 1e-6)
        #expect(cycles[1].cathodic != nil && cycles[1].notes.isEmpty)
    }

    /// The double layer adds −C_dl·v under the cathodic peak; the sweep-start baseline takes it off.
    @Test func sweepStartBaselineRemovesDoubleLayerCurrent() throws {
        var c = couple
        c.doubleLayerFarads = 20e-6
        let v = 0.5
        let cv = SimulatedCV([c], start: 0.5, vertex: -0.1, scanRate: v)
        let raw = try #require(try cv.peaks()[0].cathodic)
        let corrected = try #require(try cv.peaks(.init(baseline: .sweepStart(fraction: 0.1)))[0].cathodic)
        let rs = couple.randlesSevcikPeakAmperes(scanRate: v)
        #expect(abs(-raw.heightAmperes - rs - 20e-6 * v) / rs < 0.01)
        #expect(abs(corrected.baselineAmperes + 20e-6 * v) / (20e-6 * v) < 0.01)
        #expect(abs(-corrected.heightAmperes / rs - 1) < 0.01)
    }

    /// Two couples 0.4 V apart: windows pick each one's peak.
    @Test func windowsSelectOnePeakAmongSeveral() throws {
        var second = couple
        second.e0Volts = 0.6
        second.concentrationMolPerCm3 = 2e-6
        let cv = SimulatedCV([couple, second], start: 0.9, vertex: -0.1, scanRate: 0.1)
        let low = try #require(try cv.peaks(.init(anodicWindow: 0.0...0.4, cathodicWindow: 0.0...0.4))[0])
        let high = try #require(try cv.peaks(.init(anodicWindow: 0.4...0.9, cathodicWindow: 0.4...0.9))[0])
        #expect(abs(low.midpointVolts! - 0.2) < 0.002)
        #expect(abs(high.midpointVolts! - 0.6) < 0.002)
        #expect(abs(high.cathodic!.heightAmperes / second.randlesSevcikPeakAmperes(scanRate: 0.1) + 1) < 0.01)
    }

    @Test func peakBeyondTheWindowIsReportedAsMissing() throws {
        // The sweep turns 20 mV past E°, before the cathodic peak (28.5 mV past).
        let cycles = try SimulatedCV([couple], start: 0.5, vertex: 0.18, scanRate: 0.1).peaks()
        #expect(cycles[0].cathodic == nil)
        #expect(cycles[0].notes.contains { $0.hasPrefix("no cathodic peak: the current is largest at the end") })
    }

    @Test func badInputNamesTheColumn() {
        #expect(throws: VoltammetryError("amperes has 2 values but time has 3: the columns must be the same length, one value per sample")) {
            try CVAnalysis.peaks(time: [0, 1, 2], volts: [0, 0.1, 0.2], amperes: [0, 1], cycle: [1, 1, 1])
        }
        #expect(throws: VoltammetryError("volts[1] = nan: every value must be a finite number")) {
            try CVAnalysis.peaks(time: [0, 1, 2], volts: [0, .nan, 0.2], amperes: [0, 1, 2], cycle: [1, 1, 1])
        }
        #expect(throws: VoltammetryError.self) {
            try CVAnalysis.peaks(time: [0, 1, 2], volts: [0, 0.1, 0.2], amperes: [0, 1, 2], cycle: [1, 1, 1],
                                 options: .init(baseline: .sweepStart(fraction: 1.5)))
        }
    }
}
