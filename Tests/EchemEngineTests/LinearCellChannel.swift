import Foundation
import Synchronization
import EchemCore

/// A test cell with exactly known physics: V = V0 + k·Q + R·I (a capacitor-like OCV and an ohmic
/// resistance), sampled every `period` seconds under zero-order hold. Simple enough that cut-off
/// times, taper currents and loop counts have closed forms.
final class LinearCellChannel: Channel, Sendable {
    struct State {
        var time = 0.0
        var charge = 0.0            // Ah stored
        var setpoint = Setpoint.off
        var applied: [Setpoint] = []
        var offCount = 0
        var celsius = 25.0
        var chamber = 25.0
        var readings = 0
    }

    let v0: Double, voltsPerAh: Double, ohms: Double, period: Double
    let capabilities: ChannelCapabilities
    let state = Mutex(State())

    init(v0: Double = 3.0, voltsPerAh: Double = 1000, ohms: Double = 10, period: Double = 1,
         maxAbsCurrent: Double = 0.1, minVolts: Double = -5, maxVolts: Double = 5) {
        self.v0 = v0; self.voltsPerAh = voltsPerAh; self.ohms = ohms; self.period = period
        capabilities = ChannelCapabilities(modes: Set(ControlKind.allCases), minVolts: minVolts, maxVolts: maxVolts,
                                           maxAbsCurrent: maxAbsCurrent, maxAbsPower: 1, minSamplePeriod: period,
                                           eis: true, chamber: true)
    }

    func ocv(_ q: Double) -> Double { v0 + voltsPerAh * q }

    func apply(_ setpoint: Setpoint) async throws {
        state.withLock { $0.setpoint = setpoint; $0.applied.append(setpoint) }
    }

    func outputOff() async throws {
        state.withLock { $0.setpoint = .off; $0.offCount += 1 }
    }

    func nextReading() async throws -> ChannelReading {
        state.withLock { s in
            let e = ocv(s.charge)
            // Under voltage control the current is held over the period, so the voltage at the
            // reading is exact when the solve includes the OCV rise during the period.
            let rEff = ohms + voltsPerAh * period / 3600
            var current: Double
            switch s.setpoint.mode {
            case .off: current = 0
            case .current(let a):
                current = a
                // Compliance: the CV clamp of a CCCV step.
                if let vmax = s.setpoint.maxVolts, a > 0, e + rEff * a > vmax { current = (vmax - e) / rEff }
                if let vmin = s.setpoint.minVolts, a < 0, e + rEff * a < vmin { current = (vmin - e) / rEff }
            case .voltage(let v):
                current = (v - e) / rEff
                if let lim = s.setpoint.maxAbsCurrent { current = max(-lim, min(lim, current)) }
            case .power(let w):
                // Solve w = (e + R i) i for the root near w/e.
                current = (-e + (e * e + 4 * ohms * w).squareRoot()) / (2 * ohms)
            case .resistance(let r):
                current = -e / (r + ohms)
            case .sweep:
                current = 0
            }
            s.time += period
            s.charge += current * period / 3600
            s.celsius += (s.chamber - s.celsius) * (1 - exp(-period / 60))
            s.readings += 1
            return ChannelReading(time: s.time, volts: ocv(s.charge) + ohms * current, amperes: current,
                                  celsius: s.celsius, sweepDone: { if case .sweep = s.setpoint.mode { return true }; return false }())
        }
    }

    func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        state.withLock { s in
            spec.frequencies.map { f in
                s.time += max(1, (spec.settleCycles + spec.integrationCycles) / f)
                return ImpedancePoint(frequencyHz: f, real: ohms, imaginary: 0, time: s.time)
            }
        }
    }

    func setChamberTemperature(_ celsius: Double) async throws { state.withLock { $0.chamber = celsius } }
}

/// Collects what the engine journals, in memory, for engine unit tests (the store has its own tests).
final class MemoryJournal: RunJournal, Sendable {
    struct State {
        var samples: [Sample] = []
        var steps: [StepRecord] = []
        var events: [RunEvent] = []
        var spectra: [ImpedanceSpectrum] = []
        var checkpoints: [EngineCheckpoint] = []
        var status: RunStatus?
        var reason = ""
    }
    let state = Mutex(State())

    func begin(_ run: RunInfo) async throws {}
    func commit(runID: UUID, samples: [Sample], steps: [StepRecord], events: [RunEvent], spectra: [ImpedanceSpectrum],
                checkpoint: EngineCheckpoint?) async throws {
        state.withLock { s in
            s.samples += samples
            for st in steps {
                if let i = s.steps.firstIndex(where: { $0.stepCount == st.stepCount }) { s.steps[i] = st } else { s.steps.append(st) }
            }
            s.events += events
            s.spectra += spectra
            if let c = checkpoint { s.checkpoints.append(c) }
        }
    }
    func finish(runID: UUID, status: RunStatus, reason: String, testTime: Double) async throws {
        state.withLock { $0.status = status; $0.reason = reason }
    }

    var samples: [Sample] { state.withLock { $0.samples } }
    var steps: [StepRecord] { state.withLock { $0.steps } }
    var events: [RunEvent] { state.withLock { $0.events } }
}
