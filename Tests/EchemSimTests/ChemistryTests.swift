import Foundation
import Testing
@testable import EchemSim

/// The shipped parameter sets reproduce the seed headline numbers they cite.
@Suite struct ChemistryTests {
    @Test func everySetLoadsAndCitesItsSource() throws {
        let all = try ChemistryLibrary.all()
        let expected = ["zns_anode", "li_s", "span", "li_cu", "li_li_symmetric", "mos6", "li2s_cathode",
                        "si_anode", "li2s_si_full", "polysulfide_symmetric", "ideal_linear"]
        #expect(Set(all.keys) == Set(expected))
        for (name, p) in all {
            #expect(p.name == name)
            #expect(p.description.contains("seed") || name == "ideal_linear")
            let cell = try CellModel(parameters: p, capacityAh: 0.001)
            #expect(cell.state.volts.isFinite)
            #expect(!cell.impedanceCircuit().elements.isEmpty)
        }
        #expect(throws: ChemistryError.self) { try ChemistryLibrary.named("nope") }
    }

    /// Seed 000: 1243 / 887 mAh/g at 140 mA/g, ICE 71 %.
    @Test func znsFirstCycleICE() throws {
        let p = try set("zns_anode")
        let mass = 0.001
        var cell = try CellModel(parameters: p, amountOnBasis: mass)
        let cycler = GalvanostaticCycler(dt: 2, minVolts: 0.01, maxVolts: 3.0)
        let discharge = cycler.run(&cell, amperes: -0.14 * mass)
        let charge = cycler.run(&cell, amperes: 0.14 * mass)
        let d = discharge.ampereHours / mass * 1000, c = charge.ampereHours / mass * 1000
        #expect(rel(d, 1243) < 0.05)
        #expect(rel(c, 887) < 0.05)
        #expect(abs(c / d - 0.71) < 0.03)
        // Later cycles: CE ≈ 98.5 % (seed: above 98.3 % after cycle 2).
        let d2 = cycler.run(&cell, amperes: -0.14 * mass)
        let c2 = cycler.run(&cell, amperes: 0.14 * mass)
        #expect(c2.ampereHours / d2.ampereHours > 0.95)
        let d3 = cycler.run(&cell, amperes: -0.14 * mass)
        let c3 = cycler.run(&cell, amperes: 0.14 * mass)
        #expect(abs(c3.ampereHours / d3.ampereHours - 0.985) < 0.003)
    }

    /// Seed 001: discharge plateaus ≈ 2.3 and 2.1 V at 0.1C.
    @Test func lithiumSulfurHasTwoDischargePlateaus() throws {
        let mass = 0.001
        var cell = try CellModel(parameters: try set("li_s"), amountOnBasis: mass)
        var volts: [Double] = []
        while true {
            let r = cell.step(current: -0.1 * 1.675 * mass, dt: 5)
            volts.append(r.volts)
            if r.volts <= 1.7 { break }
        }
        let capacity = Double(volts.count) * 5 * 0.1 * 1.675 / 3600 * 1000  // mAh/g
        #expect(rel(capacity, 1149) < 0.06)
        func at(_ fraction: Double) -> Double { volts[Int(Double(volts.count) * fraction)] }
        #expect(abs(at(0.12) - 2.3) < 0.06)
        #expect(abs(at(0.6) - 2.1) < 0.06)
        #expect(at(0.12) - at(0.6) > 0.15)
        // The step between them: a steep fall around a quarter of the capacity.
        let slopes = (1..<volts.count).map { volts[$0 - 1] - volts[$0] }
        let steepest = slopes.indices.filter { Double($0) > 0.1 * Double(volts.count) && Double($0) < 0.9 * Double(volts.count) }
            .max { slopes[$0] < slopes[$1] }!
        let position = Double(steepest) / Double(volts.count)
        #expect(position > 0.15 && position < 0.4)
    }

    /// Seed 002: plate at −20…−30 mV, strip at ≈ +20 mV, sharp rise to 1 V, CE ≈ 99.6 %.
    @Test func lithiumCopperPlatingAndStripping() throws {
        var cell = try CellModel(parameters: try set("li_cu"), amountOnBasis: 1)  // 1 cm², 1 mAh/cm²
        let i = 1e-3
        var ces: [Double] = []
        for cycle in 1...6 {
            var plated = 0.0
            var plating: [Double] = []
            for _ in 0..<7200 {
                let r = cell.step(current: -i, dt: 0.5)
                plated += i * 0.5
                plating.append(r.volts)
            }
            #expect(plating[3600] < -0.018 && plating[3600] > -0.030)
            #expect(plating.min()! >= -0.035)
            var stripped = 0.0
            var stripping: [Double] = []
            while true {
                let r = cell.step(current: i, dt: 0.5)
                stripped += i * 0.5
                stripping.append(r.volts)
                if r.volts >= 1.0 || stripping.count > 20_000 { break }
            }
            #expect(abs(stripping[stripping.count / 2] - 0.021) < 0.006)
            #expect(stripping.last! >= 1.0)
            // The rise is steep: from the plateau to 1 V within the last ~1 % of the capacity.
            let knee = stripping.lastIndex { $0 < 0.05 }!
            #expect(Double(stripping.count - knee) * 0.5 < 60)
            if cycle > 1 { ces.append(stripped / plated) }
        }
        let mean = ces.reduce(0, +) / Double(ces.count)
        #expect(abs(mean - 0.996) < 3e-4)
    }

    @Test func symmetricLithiumShowsTwentyMillivoltHysteresis() throws {
        var cell = try CellModel(parameters: try set("li_li_symmetric"), amountOnBasis: 1)
        var last = CellStepResult(volts: 0, amperes: 0, limit: .none)
        for _ in 0..<3600 { last = cell.step(current: -1e-3, dt: 1) }
        #expect(last.volts < -0.015 && last.volts > -0.03)
        for _ in 0..<3600 { last = cell.step(current: 1e-3, dt: 1) }
        #expect(last.volts > 0.015 && last.volts < 0.03)
        for _ in 0..<3600 { last = cell.step(.open, dt: 1) }
        #expect(abs(last.volts) < 1e-3)
    }

    /// Seed 004: first charge of Li₂S shows the ≈ 2.43 V activation barrier, ≈ 1095 mAh/g to 3.2 V.
    @Test func lithiumSulfideActivationBarrier() throws {
        let mass = 0.001
        var cell = try CellModel(parameters: try set("li2s_cathode"), amountOnBasis: mass)
        let i = 0.1 * 1.166 * mass
        var volts: [Double] = []
        while true {
            let r = cell.step(current: i, dt: 5)
            volts.append(r.volts)
            if r.volts >= 3.2 { break }
        }
        let capacity = Double(volts.count) * 5 * i / 3600 / mass * 1000
        #expect(rel(capacity, 1095) < 0.05)
        let early = volts.prefix(volts.count / 4)
        let peak = early.max()!
        let peakIndex = early.firstIndex(of: peak)!
        #expect(abs(peak - 2.43) < 0.03)
        #expect(peakIndex > 0 && peakIndex < volts.count / 8)  // rises to the barrier, then falls
        #expect(volts[volts.count / 2] < peak - 0.03)
        // Later charges to 2.8 V have no barrier: the first 10 % sits below 2.35 V.
        let cycler = GalvanostaticCycler(dt: 5, minVolts: 1.7, maxVolts: 2.8)
        _ = cycler.run(&cell, amperes: -0.2 * 1.166 * mass)
        var second: [Double] = []
        for _ in 0..<200 { second.append(cell.step(current: 0.2 * 1.166 * mass, dt: 5).volts) }
        #expect(second.max()! < 2.36)
    }

    @Test func moS6FirstCycle() throws {
        let mass = 0.001
        var cell = try CellModel(parameters: try set("mos6"), amountOnBasis: mass)
        let cycler = GalvanostaticCycler(dt: 2, minVolts: 1.0, maxVolts: 3.0)
        let d = cycler.run(&cell, amperes: -0.1 * mass).ampereHours / mass * 1000
        let c = cycler.run(&cell, amperes: 0.1 * mass).ampereHours / mass * 1000
        #expect(rel(d, 914) < 0.05)
        #expect(rel(c, 635) < 0.05)
    }

    @Test func siliconAndFullCell() throws {
        let mass = 0.001
        var si = try CellModel(parameters: try set("si_anode"), amountOnBasis: mass)
        let siCycler = GalvanostaticCycler(dt: 2, minVolts: 0.05, maxVolts: 1.0)
        _ = siCycler.run(&si, amperes: -0.2 * mass)
        let siCharge = siCycler.run(&si, amperes: 0.2 * mass).ampereHours / mass * 1000
        #expect(rel(siCharge, 1300) < 0.05)

        var full = try CellModel(parameters: try set("li2s_si_full"), amountOnBasis: mass)
        let fullCycler = GalvanostaticCycler(dt: 2, minVolts: 1.2, maxVolts: 2.8)
        let c = fullCycler.run(&full, amperes: 0.2 * 1.166 * mass).ampereHours
        let d = fullCycler.run(&full, amperes: -0.2 * 1.166 * mass).ampereHours
        #expect(rel(d / mass * 1000, 827) < 0.05)
        #expect(abs(d / c - 0.942) < 0.015)
    }

    @Test func spanCapacityOnSulfur() throws {
        let mass = 0.001
        var cell = try CellModel(parameters: try set("span"), amountOnBasis: mass)
        let cycler = GalvanostaticCycler(dt: 2, minVolts: 1.0, maxVolts: 3.0)
        _ = cycler.run(&cell, amperes: -0.1 * 1.675 * mass)
        _ = cycler.run(&cell, amperes: 0.1 * 1.675 * mass)
        let d = cycler.run(&cell, amperes: -0.5 * 1.675 * mass).ampereHours / mass * 1000
        #expect(rel(d, 1450) < 0.05)
    }
}
