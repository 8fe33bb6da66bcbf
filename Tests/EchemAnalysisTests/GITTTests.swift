import EchemCore
import Foundation
import Testing
@testable import EchemAnalysis
import EchemSim

@Suite struct GITTTests {
    @Test func formulaMatchesTheThinFilmForm() {
        // n_m·V_m/S = L: 5e-5 mol × 10 cm³/mol / 1 cm² = 5e-4 cm.
        let a = WeppnerHuggins.diffusionCoefficient(pulseSeconds: 60, molesActive: 5e-5, molarVolumeCm3PerMol: 10,
                                                    areaCm2: 1, deltaEs: 0.83e-3, deltaEt: 5.98e-3)
        let b = WeppnerHuggins.diffusionCoefficient(pulseSeconds: 60, lengthCm: 5e-4, deltaEs: 0.83e-3, deltaEt: 5.98e-3)
        #expect(abs(a - b) < 1e-25)
        // §7a's numbers: ΔE_t = 5.98 mV, ΔE_s = 0.83 mV, τ = 60 s, L = 5 µm → ≈ 1.02e-10 cm²/s.
        #expect(abs(b - 4 / (Double.pi * 60) * 25e-8 * pow(0.83 / 5.98, 2)) < 1e-20)
        #expect(abs(b / 1.02e-10 - 1) < 0.01)
    }

    /// Simulate GITT on `ideal_linear` (L = 5 µm, D = 1e-10 cm²/s, τ_D = 2500 s): C/20 pulses of 60 s,
    /// 2 h rests; Weppner–Huggins must give D back within 5 % (τ/τ_D = 0.024).
    @Test func roundTripRecoversDiffusionCoefficient() throws {
        let q = 0.001
        let params = try ChemistryLibrary.named("ideal_linear")
        var cell = try CellModel(parameters: params, capacityAh: q, initialSOC: 0.3)
        var t: [Double] = [], v: [Double] = [], i: [Double] = []
        func run(_ amps: Double, _ seconds: Int) {
            for _ in 0..<seconds {
                let r = cell.step(current: amps, dt: 1)
                t.append(cell.state.seconds)
                v.append(r.volts)
                i.append(r.amperes)
            }
        }
        run(0, 600)
        for k in 0..<4 {
            run(k % 2 == 0 ? q / 20 : -q / 20, 60)  // both directions
            run(0, 7200)
        }
        let pulses = GITTPulseFinder.pulses(time: t, volts: v, amperes: i)
        #expect(pulses.count == 4)
        let cell_ = CellMetadata(name: "film", activeAmountMol: 5e-5, molarVolumeCm3PerMol: 10, interfacialAreaCm2: 1)
        for p in pulses {
            #expect(abs(p.seconds - 60) < 1e-9)
            #expect(p.sqrtTimeR2! > 0.9999)
            #expect(abs(p.deltaEs - 0.8333e-3) < 2e-6)  // 1 V/SOC × (60 s / 20 h)
            let d = WeppnerHuggins.diffusionCoefficient(p, cell: cell_)!
            #expect(abs(d / 1e-10 - 1) < 0.05)
        }
        // The IR drop is excluded: the start is the √t intercept, R0·I away from the rest voltage.
        #expect(abs(pulses[0].irDropVolts - 1 * q / 20) < 2e-4)
    }

    @Test func finderNeedsRestOnBothSides() {
        let t = (1...10).map(Double.init)
        let v = [3.0, 3.0, 3.1, 3.11, 3.12, 3.13, 3.0, 3.0, 3.2, 3.2]
        let i = [0.0, 0, 1, 1, 1, 1, 0, 0, 1, 1]  // the second pulse never rests
        let pulses = GITTPulseFinder.pulses(time: t, volts: v, amperes: i)
        #expect(pulses.count == 1)
        #expect(pulses[0].startTime == 2 && pulses[0].seconds == 4)
        #expect(pulses[0].restAfterVolts == 3.0 && pulses[0].restBeforeVolts == 3.0)
    }
}
