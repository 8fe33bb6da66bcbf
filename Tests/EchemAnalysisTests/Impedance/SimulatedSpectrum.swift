import EchemCore
import EchemSim
import Foundation

/// Log-spaced frequencies, highest first (an FRA's sweep): 100 kHz → 10 mHz at 10 per decade = 71.
func sweepFrequencies(from high: Double = 1e5, to low: Double = 1e-2, perDecade: Int = 10) -> [Double] {
    let decades = log10(high / low)
    let n = Int((decades * Double(perDecade)).rounded())
    return (0...n).map { high * pow(10, -Double($0) / Double(perDecade)) }
}

/// A spectrum of EchemSim's `ImpedanceCircuit`, with Gaussian noise of `relativeSigma`·|Z| on each part.
func simulatedSpectrum(_ circuit: ImpedanceCircuit, frequencies: [Double] = sweepFrequencies(),
                       relativeSigma: Double = 0, seed: UInt64 = 1) -> [ImpedancePoint] {
    var noise = NoiseSource(seed: seed)
    return frequencies.enumerated().map { k, f in
        let z = circuit.impedance(hertz: f)
        let m = z.magnitude
        return ImpedancePoint(frequencyHz: f, real: z.re + relativeSigma * m * noise.nextGaussian(),
                              imaginary: z.im + relativeSigma * m * noise.nextGaussian(), time: Double(k))
    }
}

/// Seed 003's circuit R_e + (R_ct ∥ CPE) + W with coin-cell-like values.
struct RandlesValues {
    var re = 12.0, rct = 85.0, q = 2e-5, alpha = 0.85, aw = 25.0
    var circuit: ImpedanceCircuit {
        ImpedanceCircuit([.resistor(ohm: re), .resistorParallelCPE(ohm: rct, q: q, alpha: alpha), .warburg(a: aw)])
    }
    var values: [Double] { [re, rct, q, alpha, aw] }
}
