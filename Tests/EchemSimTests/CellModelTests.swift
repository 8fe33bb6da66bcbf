import Foundation
import Testing
@testable import EchemSim

@Suite struct CellModelTests {
    @Test func coulombCountingIsExact() throws {
        let q = 0.002
        var cell = try CellModel(parameters: try set("ideal_linear"), capacityAh: q, initialSOC: 0.2)
        var passed = 0.0
        for k in 0..<5000 {
            let i = k < 2500 ? 0.7e-3 : -0.3e-3
            let r = cell.step(current: i, dt: 0.7)
            passed += r.amperes * 0.7
        }
        // SOC change = ∫I dt / (3600 Q); the diffusion profile conserves it too.
        #expect(abs(cell.state.soc - (0.2 + passed / (3600 * q))) < 1e-12)
        let profile = cell.diffusionProfile()
        let mean = zip(profile, cell.diffusion.widths).map { $0 * $1 }.reduce(0, +)
        #expect(abs(mean - cell.state.soc) < 1e-12)
        #expect(abs(cell.state.diffusionModes[0] - cell.state.soc) < 1e-12)
        #expect(abs(cell.state.chargedAh - 2500 * 0.7 * 0.7e-3 / 3600) < 1e-15)
    }

    @Test func coulombicLossGoesToSideReactions() throws {
        var p = try circuitSet()
        p.coulombicEfficiency = 0.99
        p.inefficientOn = .discharge
        var cell = try CellModel(parameters: p, capacityAh: 0.001, initialSOC: 0.9)
        for _ in 0..<1000 { cell.step(current: -1e-3, dt: 1) }
        #expect(abs(cell.state.soc - (0.9 - 0.99 * 1000 / 3600)) < 1e-12)
        #expect(abs(cell.state.sideReactionAh - 0.01 * 1e-3 * 1000 / 3600) < 1e-15)
        for _ in 0..<1000 { cell.step(current: 1e-3, dt: 1) }  // charge side is lossless here
        #expect(abs(cell.state.soc - (0.9 - 0.99 * 1000 / 3600 + 1000 / 3600)) < 1e-12)
    }

    @Test func zeroOrderHoldIsExactAndStableForHugeSteps() throws {
        // τ = 1e-4 s against Δt = 5e-4 s and 1e3 s: explicit RK4 diverges here (§7a); ZOH is exact.
        let r1 = 2.0, tau = 1e-4
        let p = try circuitSet(r0: 0.5, rc: [.init(ohm: r1, tauSeconds: tau)], flatOCV: 3.5)
        for dt in [5e-4, 1e3, 1e-5] {
            var cell = try CellModel(parameters: p, capacityAh: 0.001)
            let i = 1e-3
            var t = 0.0
            for _ in 0..<20 {
                let r = cell.step(current: i, dt: dt)
                t += dt
                let expected = 3.5 + i * 0.5 + r1 * i * (1 - exp(-t / tau))
                #expect(r.volts.isFinite)
                #expect(abs(r.volts - expected) < 1e-12)
            }
        }
    }

    @Test func cvHoldCurrentDecaysLikeTheCircuit() throws {
        // Flat OCV, no diffusion: a voltage step ΔV on R0 + (R1 ∥ C1) gives
        // I(t) = ΔV/(R0+R1) + (ΔV/R0 − ΔV/(R0+R1))·e^{−t/τ'}, τ' = τ1·R0/(R0+R1).
        let r0 = 1.0, r1 = 2.0, tau1 = 100.0, dv = 0.03
        let p = try circuitSet(r0: r0, rc: [.init(ohm: r1, tauSeconds: tau1)], flatOCV: 3.5)
        var cell = try CellModel(parameters: p, capacityAh: 0.001)
        let tauEff = tau1 * r0 / (r0 + r1)
        let dt = 0.05
        var t = 0.0
        for k in 1...4000 {
            let r = cell.step(.voltage(3.5 + dv), dt: dt)
            t += dt
            #expect(abs(r.volts - (3.5 + dv)) < 1e-9)
            if k % 400 == 0 {
                let analytic = dv / (r0 + r1) + (dv / r0 - dv / (r0 + r1)) * exp(-t / tauEff)
                #expect(rel(r.amperes, analytic) < 5e-3)
            }
        }
        for _ in 0..<4000 { cell.step(.voltage(3.5 + dv), dt: 1) }  // long after: only R0 + R1 remain
        #expect(rel(cell.state.amperes, dv / (r0 + r1)) < 1e-9)
    }

    @Test func cccvTapersAtTheVoltageLimit() throws {
        let p = try set("li_s")
        var cell = try CellModel(parameters: p, amountOnBasis: 0.001, initialSOC: 0.3)
        let i = 1.675e-3 * 0.5  // 0.5C
        let drive = CellDrive(.current(i), maxVolts: 2.6)
        var r = cell.step(drive, dt: 1)
        var sawLimit = false
        var lastCurrent = i
        for _ in 0..<40_000 {
            r = cell.step(drive, dt: 1)
            #expect(r.volts <= 2.6 + 1e-9)
            if r.limit == .voltage {
                sawLimit = true
                #expect(abs(r.volts - 2.6) < 1e-9)
                #expect(r.amperes <= lastCurrent + 1e-12)  // the taper only goes down
            }
            lastCurrent = r.amperes
        }
        #expect(sawLimit)
        #expect(r.amperes > 0 && r.amperes < 0.01 * i)
    }

    @Test func gittPulseIsLinearInSquareRootTime() throws {
        // Semi-infinite planar diffusion: E − E(0⁺) = dOCV/dz · 2j·√(τ_D t/π), j = I/(3600 Q).
        let q = 0.001, i = q / 20
        var cell = try CellModel(parameters: try set("ideal_linear"), capacityAh: q, initialSOC: 0.4)
        let tauD = try set("ideal_linear").diffusion!.tauSeconds
        var trace = Trace()
        for _ in 0..<600 { trace.record(cell, cell.step(current: i, dt: 0.1)) }
        let x = trace.t.map { ($0 - 0).squareRoot() }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = trace.v.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in 0..<x.count {
            sxy += (x[k] - mx) * (trace.v[k] - my)
            sxx += (x[k] - mx) * (x[k] - mx)
            syy += (trace.v[k] - my) * (trace.v[k] - my)
        }
        let slope = sxy / sxx
        #expect(sxy * sxy / (sxx * syy) > 0.9999)
        let theory = 1.0 * 2 * i / (3600 * q) * (tauD / Double.pi).squareRoot()
        #expect(rel(slope, theory) < 0.02)
    }

    @Test func hysteresisPutsChargeAboveDischarge() throws {
        let p = try set("zns_anode")
        let q = 0.001
        // Reach SOC 0.5 from below (charge) and from above (discharge), then relax.
        var up = try CellModel(parameters: p, capacityAh: q, initialSOC: 0.2)
        var down = try CellModel(parameters: p, capacityAh: q, initialSOC: 0.8)
        up.state.irreversibleRemainingAh = 0
        down.state.irreversibleRemainingAh = 0
        for _ in 0..<1080 { up.step(current: q, dt: 1) }
        let steps = Int((0.3 * 3600 / p.coulombicEfficiency).rounded())
        for _ in 0..<steps { down.step(current: -q, dt: 1) }
        for _ in 0..<20_000 {
            up.step(.open, dt: 1)
            down.step(.open, dt: 1)
        }
        #expect(abs(up.state.soc - down.state.soc) < 1e-3)
        #expect(up.state.hysteresis > 0.9 && down.state.hysteresis < -0.9)
        let branches = up.ocvBranches(at: 0.5)
        let gap = up.state.volts - down.state.volts
        #expect(gap > 0.3)
        #expect(rel(gap, branches.charge - branches.discharge) < 0.05)
    }

    @Test func temperatureRaisesResistanceWhenCold() throws {
        let p = try set("zns_anode")
        let cold = try CellModel(parameters: p, amountOnBasis: 0.001, celsius: 0)
        let room = try CellModel(parameters: p, amountOnBasis: 0.001, celsius: 25)
        let hot = try CellModel(parameters: p, amountOnBasis: 0.001, celsius: 60)
        let r = [cold, room, hot].map { $0.resistances(atCelsius: $0.state.celsius).r0 }
        #expect(r[0] > r[1] && r[1] > r[2])
        // Arrhenius with Ea = 30 kJ/mol: R(0 °C)/R(25 °C) = exp(Ea/R·(1/273.15 − 1/298.15)).
        let expected = exp(30000 / 8.314462618 * (1 / 273.15 - 1 / 298.15))
        #expect(rel(r[0] / r[1], expected) < 1e-12)
        // And the IR jump of a pulse follows.
        func jump(_ c: CellModel) -> Double {
            var c = c
            let v0 = c.step(.open, dt: 1).volts
            return c.step(current: -1e-3, dt: 1e-3).volts - v0
        }
        #expect(abs(jump(cold)) > abs(jump(room)))
        #expect(abs(jump(room)) > abs(jump(hot)))
    }

    @Test func stateSurvivesCodable() throws {
        var cell = try CellModel(parameters: try set("zns_anode"), amountOnBasis: 0.001)
        for _ in 0..<500 { cell.step(current: -0.5e-3, dt: 1) }
        let data = try JSONEncoder().encode(cell)
        var back = try JSONDecoder().decode(CellModel.self, from: data)
        for _ in 0..<100 {
            let a = cell.step(current: 0.3e-3, dt: 1)
            let b = back.step(current: 0.3e-3, dt: 1)
            #expect(a == b)
        }
    }

    @Test func powerAndResistanceControls() throws {
        var cell = try CellModel(parameters: try circuitSet(r0: 10), capacityAh: 0.001)
        let p = cell.step(CellDrive(.power(-2e-3)), dt: 1)
        #expect(abs(p.volts * p.amperes - -2e-3) < 1e-12)
        #expect(p.amperes < 0)
        let r = cell.step(CellDrive(.resistance(1000)), dt: 1)
        #expect(abs(r.amperes + r.volts / 1000) < 1e-12)
    }
}
