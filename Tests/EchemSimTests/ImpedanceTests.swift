import Foundation
import Testing
@testable import EchemSim
import EchemCore

@Suite struct ImpedanceTests {
    @Test func rcPairAtItsCornerFrequency() {
        let r = 12.0, tau = 0.02
        let z = ImpedanceCircuit([.zarc(ohm: r, tau: tau, alpha: 1)]).impedance(hertz: 1 / (2 * .pi * tau))
        #expect(abs(z.phaseDegrees + 45) < 1e-9)
        #expect(abs(z.re - r / 2) < 1e-12 && abs(z.im + r / 2) < 1e-12)
        // A depressed arc (α < 1) keeps the corner at f = 1/(2πτ) but is flatter than −45°.
        let d = ImpedanceCircuit([.zarc(ohm: r, tau: tau, alpha: 0.8)]).impedance(hertz: 1 / (2 * .pi * tau))
        #expect(d.phaseDegrees > -45 && d.phaseDegrees < -30)
    }

    @Test func warburgOpenLimits() {
        let z0 = 50.0, tau = 100.0
        let w = ImpedanceCircuit([.warburgOpen(z0: z0, tau: tau)])
        // Low f: capacitive (vertical) with real part Z0/3; high f: the 45° line.
        let low = w.impedance(hertz: 1e-6)
        #expect(abs(low.re - z0 / 3) < 1e-3 * z0)
        #expect(low.phaseDegrees < -89)
        let high = w.impedance(hertz: 100)
        #expect(abs(high.phaseDegrees + 45) < 0.01)
    }

    @Test func cellSpectrumShape() throws {
        let cell = try CellModel(parameters: try set("zns_anode"), amountOnBasis: 0.001, initialSOC: 0.5)
        let circuit = cell.impedanceCircuit()
        let r0 = cell.resistances(atCelsius: 25).r0
        // High f → R0 (the inductive part is in the imaginary part only).
        #expect(rel(circuit.impedance(hertz: 1e5).re, r0) < 0.02)
        #expect(circuit.impedance(hertz: 1e6).im > 0)
        // Low f: the reflective Warburg turns vertical (capacitive), −Z″ grows as f falls.
        let f = [1e-2, 1e-3, 1e-4, 1e-5]
        let z = f.map { circuit.impedance(hertz: $0) }
        #expect(z[3].phaseDegrees < -80)
        for k in 1..<z.count { #expect(-z[k].im > -z[k - 1].im) }
    }

    /// Time-domain check: drive the cell with a small sine, correlate like an FRA (single-bin DFT),
    /// compare with the analytic Z of the linearised cell (R0 + Wo on `ideal_linear`).
    @Test func timeDomainLockInMatchesAnalytic() throws {
        for f in [1e-3, 1e-2] {
            var cell = try CellModel(parameters: try set("ideal_linear"), capacityAh: 0.001)
            let analytic = cell.impedanceCircuit().impedance(hertz: f)
            let w = 2 * Double.pi * f
            let perPeriod = 400
            let dt = 1 / (f * Double(perPeriod))
            let amplitude = 1e-5
            var e = Complex(0), i = Complex(0)
            var t = 0.0
            for k in 0..<(6 * perPeriod) {
                let current = amplitude * sin(w * (t + dt / 2))  // held over the step: its midpoint value
                let r = cell.step(current: current, dt: dt)
                if k >= 2 * perPeriod {  // settle two cycles, integrate four
                    i = i + current * Complex(cos(w * (t + dt / 2)), -sin(w * (t + dt / 2)))
                    e = e + r.volts * Complex(cos(w * (t + dt)), -sin(w * (t + dt)))
                }
                t += dt
            }
            let measured = e / i
            #expect(rel(measured.magnitude, analytic.magnitude) < 0.02)
            #expect(abs(measured.phaseDegrees - analytic.phaseDegrees) < 1.5)
        }
    }

    @Test func channelMeasurementTakesTimeAndNoiseShrinksWithIntegration() async throws {
        func spread(_ cycles: Double) async throws -> (Double, Double) {
            var config = try SimulatedChannel.Config(chemistry: "zns_anode", amountOnBasis: 0.001, initialSOC: 0.5,
                                                     instrument: .potentiostat)
            config.noise = .init(impedanceRelativeSigma: 0.01, seed: 7)
            let channel = try SimulatedChannel(config: config)
            let spec = EISSpec(mode: .potentiostatic, startHz: 1e5, endHz: 1, pointsPerDecade: 40, amplitude: 0.01,
                               settleCycles: 1, integrationCycles: cycles)
            let t0 = channel.time
            let points = try await channel.measureImpedance(spec)
            let expectedTime = spec.frequencies.map { max(1, (1 + cycles) / $0) }.reduce(0, +)
            let truth = channel.state().cell.impedanceCircuit()
            var s = 0.0
            for p in points {
                let z = truth.impedance(hertz: p.frequencyHz)
                s += ((p.real - z.re) / z.magnitude) * ((p.real - z.re) / z.magnitude)
            }
            return ((s / Double(points.count)).squareRoot(), channel.time - t0 - expectedTime)
        }
        let (one, dt1) = try await spread(1)
        let (sixteen, dt16) = try await spread(16)
        #expect(abs(dt1) < 1e-6 && abs(dt16) < 1e-6)
        #expect(abs(one / sixteen - 4) < 0.8)  // σ ∝ 1/√N_int
        #expect(abs(one - 0.01) < 0.002)
    }
}
