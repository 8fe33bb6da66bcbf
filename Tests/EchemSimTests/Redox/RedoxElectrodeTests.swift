import Foundation
import Testing
@testable import EchemSim

/// 1 mM, D = 1e-5 cm²/s, a 3 mm disk, 25 °C, reversible, one electron: §7c's check case.
private let couple = RedoxCouple(e0Volts: 0.2, electrons: 1, concentrationMolPerCm3: 1e-6,
                                 diffusionCm2PerSecond: 1e-5, areaCm2: Double.pi * 0.15 * 0.15)

@Suite struct RedoxElectrodeTests {
    @Test func kernelSumMatchesInverseSquareRootFromMicrosecondsToYears() {
        let s = SemiIntegrator()
        for exponent in stride(from: -5.0, through: 7.0, by: 0.25) {
            let t = pow(10, exponent)
            #expect(fractionalError(s.kernel(lag: t), 1 / (Double.pi * t).squareRoot()) < 1e-5, "lag \(t) s")
        }
    }

    /// A step far past E° makes the surface concentration zero: i = −nFAC√(D/(πt)) (Cottrell),
    /// also when the step length changes along the way. Holding the current constant over each
    /// step costs a relative error of about Δt/(4t), so it fades as the transient ages.
    @Test func potentialStepFollowsCottrell() {
        var electrode = RedoxElectrode(couple, startVolts: 0.7)
        var t = 0.0
        for k in 0..<4000 {
            let dt = k < 1000 ? 0.001 : (k < 2000 ? 0.01 : 0.1)
            let i = electrode.current(atVolts: -0.3, dt: dt)
            t += dt
            // The step's mean of the Cottrell current: 2nFAC√(D/π)(√t − √(t−Δt))/Δt.
            let mean = -2 * RedoxCouple.faraday * couple.areaCm2 * 1e-6 * (1e-5 / Double.pi).squareRoot()
                * (t.squareRoot() - (t - dt).squareRoot()) / dt
            if t > 0.01 { #expect(fractionalError(i, mean) < 0.3 * dt / t + 1e-6, "t = \(t) s") }
        }
        #expect(abs(electrode.seconds - t) < 1e-9)
    }

    @Test(arguments: [0.01, 0.1, 1.0])
    func peakCurrentMatchesRandlesSevcik(scanRate v: Double) {
        let cv = redoxCV(couple, start: 0.5, vertex: -0.1, scanRate: v)
        let expected = couple.randlesSevcikPeakAmperes(scanRate: v)
        #expect(fractionalError(-cv.cathodicPeak.amperes, expected) < 0.01)
        // The reversible peak sits 28.5/n mV past E1/2 (= E° for equal D).
        #expect(abs(cv.cathodicPeak.volts - (0.2 - 0.0285)) < 0.0015)
    }

    /// ΔE_p = 57–59 mV for n = 1 at 25 °C, the same at every scan rate (reversible).
    @Test func peakSeparationIsNernstianAndIndependentOfScanRate() {
        var separations: [Double] = []
        for v in [0.01, 0.1, 1.0] {
            let cv = redoxCV(couple, start: 0.5, vertex: -0.1, scanRate: v, stepVolts: 0.0002)
            separations.append(cv.anodicPeak.volts - cv.cathodicPeak.volts)
        }
        for d in separations { #expect(d >= 0.057 && d <= 0.059, "ΔEp = \(d * 1000) mV") }
        #expect(separations.max()! - separations.min()! < 0.0005)
    }

    /// With the baseline taken as the current that would flow had the potential stayed at the
    /// vertex (diffusion-limited there, so that is the decaying cathodic tail), |i_pa/i_pc| = 1.
    @Test func reversePeakOverDecayingBaselineEqualsForwardPeak() {
        let v = 0.1, step = 0.0005
        let cv = redoxCV(couple, start: 0.5, vertex: -0.1, scanRate: v, stepVolts: step)
        var held = RedoxElectrode(couple, startVolts: 0.5)
        for k in 1...(cv.switchIndex + 1) { _ = held.current(atVolts: 0.5 - Double(k) * step, dt: step / v) }
        var baseline = 0.0
        while held.seconds < cv.anodicPeak.seconds - 1e-9 { baseline = held.current(atVolts: -0.1, dt: step / v) }
        let ratio = (cv.anodicPeak.amperes - baseline) / -cv.cathodicPeak.amperes
        #expect(abs(ratio - 1) < 0.02, "ratio \(ratio)")
    }

    /// Nicholson (Anal. Chem. 37 (1965) 1351): ψ = k°/√(πDnFv/RT) = 1 gives ΔE_p ≈ 84 mV, and a
    /// very fast k° is indistinguishable from the reversible couple.
    @Test func quasiReversiblePeakSeparationFollowsNicholson() {
        let v = 0.1
        var slow = couple
        slow.k0CmPerSecond = (Double.pi * couple.diffusionCm2PerSecond * couple.nFOverRT * v).squareRoot()
        let quasi = redoxCV(slow, start: 0.5, vertex: -0.1, scanRate: v, stepVolts: 0.0002)
        let dEp = quasi.anodicPeak.volts - quasi.cathodicPeak.volts
        #expect(abs(dEp - 0.084) < 0.003, "ΔEp = \(dEp * 1000) mV")

        var fast = couple
        fast.k0CmPerSecond = 1e3
        let a = redoxCV(fast, start: 0.5, vertex: -0.1, scanRate: v)
        let b = redoxCV(couple, start: 0.5, vertex: -0.1, scanRate: v)
        #expect(fractionalError(a.cathodicPeak.amperes, b.cathodicPeak.amperes) < 1e-3)
        // Slower kinetics at a faster scan: the separation grows with v.
        let faster = redoxCV(slow, start: 0.5, vertex: -0.1, scanRate: 10 * v, stepVolts: 0.0005)
        #expect(faster.anodicPeak.volts - faster.cathodicPeak.volts > dEp + 0.02)
    }

    /// A blocking electrode: i = C_dl·v on the way down, +C_dl·v on the way back.
    @Test func doubleLayerGivesTheCapacitiveBox() {
        let c = RedoxCouple(concentrationMolPerCm3: 0, doubleLayerFarads: 20e-6)
        let cv = redoxCV(c, start: 0.5, vertex: -0.1, scanRate: 0.05)
        #expect(fractionalError(cv.i[10], -20e-6 * 0.05) < 1e-9)
        #expect(fractionalError(cv.i[cv.i.count - 10], 20e-6 * 0.05) < 1e-9)
    }

    /// A Nernstian adsorbed layer: i_p = n²F²AΓv/(4RT) at E°, anodic and cathodic at the same potential.
    @Test func surfaceLayerPeaksAtFormalPotentialWithProportionalCurrent() {
        let c = RedoxCouple(e0Volts: 0.2, concentrationMolPerCm3: 0, areaCm2: 1, surfaceCoverageMolPerCm2: 1e-10)
        for v in [0.01, 1.0] {
            let cv = redoxCV(c, start: 0.5, vertex: -0.1, scanRate: v, stepVolts: 0.0002)
            #expect(fractionalError(-cv.cathodicPeak.amperes, c.surfacePeakAmperes(scanRate: v)) < 0.001)
            #expect(abs(cv.cathodicPeak.volts - 0.2) < 0.0003 && abs(cv.anodicPeak.volts - 0.2) < 0.0003)
        }
    }

    /// R_u in series with C_dl: a potential step decays as (ΔE/R_u)·e^{−t/(R_u C)}.
    @Test func uncompensatedResistanceChargesTheDoubleLayerThroughIt() {
        let c = RedoxCouple(concentrationMolPerCm3: 0, doubleLayerFarads: 1e-5, uncompensatedOhms: 100)
        var electrode = RedoxElectrode(c, startVolts: 0)
        let tau = 1e-3, dt = tau / 2000
        var i = 0.0
        for _ in 0..<2000 { i = electrode.current(atVolts: 0.1, dt: dt) }
        #expect(fractionalError(i, 0.1 / 100 * exp(-1)) < 0.001)
        #expect(abs(electrode.interfaceVolts + i * 100 - 0.1) < 1e-9)
    }

    /// R_u lowers the reversible peak and spreads the peaks apart by about 2·i_p·R_u.
    @Test func uncompensatedResistanceWidensPeakSeparation() {
        var c = couple
        c.uncompensatedOhms = 1000
        let v = 0.1
        let cv = redoxCV(c, start: 0.5, vertex: -0.1, scanRate: v, stepVolts: 0.0002)
        let ip = couple.randlesSevcikPeakAmperes(scanRate: v)
        let dEp = cv.anodicPeak.volts - cv.cathodicPeak.volts
        #expect(dEp > 0.059 + ip * 1000)
        #expect(-cv.cathodicPeak.amperes < ip)
    }

    /// A 0.1 mV/s cycle sampled every 0.1 s (~12 000 s, 120 000 samples) costs the same per sample at
    /// the end as at the start, and its peak is still Randles–Sevcik's.
    @Test func slowScanRunsFarFasterThanRealTime() {
        let v = 1e-4
        let clock = ContinuousClock()
        var cv = RedoxVoltammogram()
        let elapsed = clock.measure { cv = redoxCV(couple, start: 0.5, vertex: -0.1, scanRate: v, stepVolts: 1e-5) }
        let simulated = cv.t.last!
        #expect(simulated > 11_000)
        #expect(elapsed < .seconds(simulated / 1000))
        #expect(fractionalError(-cv.cathodicPeak.amperes, couple.randlesSevcikPeakAmperes(scanRate: v)) < 0.01)
    }

    @Test func badParametersAreNamedAndNeverProduceCurrent() throws {
        let bad = RedoxCouple(electrons: 0, diffusionCm2PerSecond: -1, areaCm2: 0, alpha: 1.5)
        let problems = bad.problems
        #expect(problems.count == 4)
        #expect(problems.contains { $0.hasPrefix("diffusionCm2PerSecond = -1.0: must be > 0") })
        #expect(throws: RedoxCoupleError.self) { try RedoxElectrode(validating: bad, startVolts: 0) }
        #expect(throws: RedoxCoupleError.self) { try RedoxElectrode(validating: couple, startVolts: .nan) }
        var electrode = try RedoxElectrode(validating: couple, startVolts: 0.5)
        let i = electrode.current(atVolts: 0.1, dt: 0.01)
        #expect(electrode.current(atVolts: 0.0, dt: 0) == i)
        #expect(electrode.current(atVolts: .infinity, dt: 0.01) == i)
        #expect(abs(electrode.seconds - 0.01) < 1e-15)
    }

    @Test func coupleRoundTripsThroughJSON() throws {
        var c = couple
        c.k0CmPerSecond = 0.01
        let back = try JSONDecoder().decode(RedoxCouple.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }
}
