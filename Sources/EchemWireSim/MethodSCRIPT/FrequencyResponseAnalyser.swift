import EchemSim
import Foundation

/// A single-sine FRA in the time domain (research §7b, path b): apply a sine of the script's
/// amplitude around the DC level, step the cell model through it, wait `settleCycles`, then
/// correlate the potential and the current with e^{−jωt} over `integrationCycles` whole periods
/// (a single-bin DFT, which rejects the DC level and the harmonics) and divide.
///
/// The model holds the current constant over each step, which puts a first-order (ω·Δt) error on
/// the phase; two runs at N and 2N samples per period on copies of the cell are combined by
/// Richardson extrapolation (2·Z_2N − Z_N), which removes it. The cell itself then continues
/// from the 2N run, so the measurement takes its real time and moves the cell as it would.
public struct FrequencyResponseAnalyser: Sendable, Hashable {
    public var samplesPerPeriod: Int
    public var settleCycles: Int
    public var integrationCycles: Int

    public init(samplesPerPeriod: Int = 128, settleCycles: Int = 2, integrationCycles: Int = 3) {
        self.samplesPerPeriod = max(8, samplesPerPeriod)
        self.settleCycles = max(0, settleCycles)
        self.integrationCycles = max(1, integrationCycles)
    }

    /// Cell time one measurement at `hertz` takes.
    public func duration(hertz: Double) -> Double { Double(settleCycles + integrationCycles) / hertz }

    public enum Control: Sendable {
        /// PEIS: potential sine (amplitude in V rms) around `dcVolts`, within a current compliance.
        case potentiostatic(dcVolts: Double, maxAbsCurrent: Double)
        /// GEIS: current sine (amplitude in A rms) around `dcAmperes`, within a potential window.
        case galvanostatic(dcAmperes: Double, minVolts: Double, maxVolts: Double)
    }

    /// Z at `hertz` (Ω, Z″ negative for capacitive behaviour); advances `electrode` through the measurement.
    public func measure(_ electrode: inout SimulatedElectrode, hertz: Double, amplitudeRMS: Double,
                        control: Control) -> Complex {
        var coarse = electrode
        let zN = run(&coarse, hertz: hertz, amplitude: amplitudeRMS, control: control, samples: samplesPerPeriod)
        let z2N = run(&electrode, hertz: hertz, amplitude: amplitudeRMS, control: control, samples: 2 * samplesPerPeriod)
        return Complex(2 * z2N.re - zN.re, 2 * z2N.im - zN.im)
    }

    func run(_ electrode: inout SimulatedElectrode, hertz f: Double, amplitude: Double, control: Control,
             samples n: Int) -> Complex {
        let omega = 2 * Double.pi * f
        let dt = 1 / (f * Double(n))
        let peak = amplitude * 2.squareRoot()
        var e = Complex(0), i = Complex(0)
        let total = n * (settleCycles + integrationCycles)
        let first = n * settleCycles
        for k in 1...total {
            let phase = omega * Double(k) * dt
            // A raised-cosine start over the settle cycles: a slow element (τ ≫ period) is not
            // kicked into a transient that would leak into the correlation.
            let envelope = k >= first || first == 0 ? 1 : 0.5 * (1 - cos(Double.pi * Double(k) / Double(first)))
            let peak = peak * envelope
            let volts: Double, amperes: Double
            switch control {
            case .potentiostatic(let dc, let limit):
                volts = dc + peak * sin(phase)
                amperes = electrode.potentiostatic(volts: volts, dt: dt, maxAbsCurrent: limit, doubleLayer: false)
            case .galvanostatic(let dc, let lo, let hi):
                (volts, amperes) = electrode.galvanostatic(amperes: dc + peak * sin(phase), dt: dt, minVolts: lo, maxVolts: hi)
            }
            if k > first {
                // Samples at the same instants for both signals; the common phase cancels in Z.
                let c = cos(phase), s = sin(phase)
                e = e + Complex(volts * c, -volts * s)
                i = i + Complex(amperes * c, -amperes * s)
            }
        }
        return e / i
    }
}
