import Testing
import EchemCore
@testable import EchemAnalysis

@Suite("Per-cycle derived quantities")
struct CycleSummaryTests {
    // Seed 000: 1243 / 887 mAh/g first discharge/charge on the composite mass → ICE 71 %.
    let cell = CellMetadata(name: "ZnS", chemistry: "zns_anode", masses: ["composite": 0.7917e-3],
                            massBasis: "composite", areaCm2: 1.131)

    func totals(_ cycle: Int, chargeMAhPerG: Double, dischargeMAhPerG: Double, vc: Double = 1.2, vd: Double = 0.8) -> CycleTotals {
        let m = 0.7917e-3
        let qc = chargeMAhPerG * m / 1000, qd = dischargeMAhPerG * m / 1000
        return CycleTotals(cycle: cycle, chargeAh: qc, dischargeAh: qd, chargeWh: qc * vc, dischargeWh: qd * vd,
                           endTestTime: Double(cycle))
    }

    @Test("An anode half cell's ICE is first charge over first discharge: 887/1243 = 71.4 %")
    func anodeICE() {
        let s = CycleAnalysis.summarize([totals(1, chargeMAhPerG: 887, dischargeMAhPerG: 1243)], cell: cell,
                                        options: CycleAnalysisOptions(ce: .chargeOverDischarge))
        #expect(abs(s[0].specificDischargeMAhPerG! - 1243) < 1e-9)
        #expect(abs(CycleAnalysis.initialCoulombicEfficiency(s)! - 887.0 / 1243.0) < 1e-12)
        #expect(abs(s[0].arealDischargeMAhPerCm2! - 1243 * 0.7917 / 1000 / 1.131) < 1e-9)
    }

    @Test("Retention against the 5th cycle: 785/931 = 84.3 % (seed 001, 0.5C)")
    func retentionAgainstFifth() {
        let t = [totals(5, chargeMAhPerG: 940, dischargeMAhPerG: 931), totals(200, chargeMAhPerG: 790, dischargeMAhPerG: 785)]
        let s = CycleAnalysis.summarize(t, cell: cell, options: CycleAnalysisOptions(ce: .dischargeOverCharge, referenceCycle: 5))
        #expect(abs(s[1].retention! - 785.0 / 931.0) < 1e-12)
        #expect(abs(s[1].coulombicEfficiency! - 785.0 / 790.0) < 1e-12)
    }

    @Test("Average voltages are energy over charge and polarization is their difference")
    func voltagesAndPolarization() {
        let s = CycleAnalysis.summarize([totals(1, chargeMAhPerG: 800, dischargeMAhPerG: 800, vc: 2.35, vd: 2.18)], cell: cell,
                                        options: CycleAnalysisOptions(ce: .dischargeOverCharge))
        #expect(abs(s[0].averageChargeVolts! - 2.35) < 1e-12)
        #expect(abs(s[0].polarizationVolts! - 0.17) < 1e-12)
        // 800 mAh/g × 2.18 V = 1744 Wh/kg.
        #expect(abs(s[0].specificEnergyWhPerKg! - 1744) < 1e-9)
    }

    @Test("Fade per cycle: 77 % retention over 300 cycles is 0.077 %/cycle")
    func fade() {
        let s = CycleAnalysis.summarize([totals(1, chargeMAhPerG: 657, dischargeMAhPerG: 660),
                                         totals(301, chargeMAhPerG: 657 * 0.77, dischargeMAhPerG: 660 * 0.77)],
                                        cell: cell, options: CycleAnalysisOptions(ce: .chargeOverDischarge))
        #expect(abs(CycleAnalysis.fadePerCycle(s, from: 1, to: 301, ce: .chargeOverDischarge)! - 0.23 / 300) < 1e-12)
    }

    @Test("Cycle totals come from the last stored sample of each cycle")
    func totalsFromSamples() {
        let samples = (0..<10).map { k in
            Sample(seq: Int64(k), testTime: Double(k), unixTime: 0, stepTime: 0, volts: 1, amperes: 0, stepID: 1,
                   stepCount: 1, cycle: k < 6 ? 1 : 2, cycleChargeCapacity: Double(k % 6))
        }
        let t = CycleTotals.fromSamples(samples)
        #expect(t.map(\.cycle) == [1, 2])
        #expect(t.map(\.chargeAh) == [5, 3])
    }
}
