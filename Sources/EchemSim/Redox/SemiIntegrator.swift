import Foundation

/// The Riemann–Liouville semi-integral m(t) = ∫ r(s)/√(π(t−s)) ds of a piecewise-constant rate r,
/// kept in O(modes) memory and time per step, whatever the step length and however long the run.
///
/// Why not the direct convolution: a 0.1 mV/s CV sampled every 0.1 s is ~400 000 samples a cycle,
/// and the O(N²) sum would grow without bound. Instead the kernel is written as a sum of decaying
/// exponentials, 1/√(πt) = (1/π)∫ exp(−eˣ t + x/2) dx, sampled by the trapezoid rule in x
/// (exponentially accurate for this integrand), so each mode is one first-order filter that is
/// updated exactly for a constant rate over a step of any length. The newest step is integrated
/// exactly (2r√(Δt/π)); the modes carry only the history, at lags ≥ the newest step.
///
/// Accuracy: relative kernel error below 1e-6 for lags from `shortestLag` to `longestLag`
/// (defaults 1 µs to 10⁸ s, ~85 modes). Steps shorter than `shortestLag` lose accuracy in the
/// history term only.
struct SemiIntegrator: Sendable {
    /// Mode weights aⱼ and decay rates λⱼ: 1/√(πt) ≈ Σ aⱼ e^{−λⱼ t}.
    let weights: [Double]
    let rates: [Double]
    /// ∫ r(s) e^{−λⱼ(t−s)} ds over all completed steps, at the end of the last completed step.
    private var modes: [Double]
    /// Decay factors e^{−λⱼΔt} and step gains (1 − e^{−λⱼΔt})/λⱼ for the last Δt used (steps are
    /// usually all the same length, so this saves the exponentials).
    private var cachedStep = Double.nan
    private var decay: [Double]
    private var gain: [Double]

    init(shortestLag: Double = 1e-6, longestLag: Double = 1e8, spacing h: Double = 0.7) {
        // Upper end: modes faster than ~40/shortestLag are dead after one step anyway.
        let xMax = log(40 / shortestLag)
        // Lower end: the untracked tail (1/π)∫_{−∞}^{x₀} e^{x/2} dx = 2e^{x₀/2}/π must be ≪ the
        // kernel at the longest lag, 1/√(π·longestLag).
        let xMin = 2 * log(1e-7 * Double.pi / 2 / (Double.pi * longestLag).squareRoot())
        let count = Int(((xMax - xMin) / h).rounded(.up)) + 1
        var a: [Double] = [], l: [Double] = []
        for j in 0..<count {
            let x = xMin + Double(j) * h
            a.append(h / Double.pi * exp(x / 2))
            l.append(exp(x))
        }
        weights = a
        rates = l
        modes = Array(repeating: 0, count: count)
        decay = Array(repeating: 0, count: count)
        gain = Array(repeating: 0, count: count)
    }

    /// The kernel as the modes represent it, for checking the approximation.
    func kernel(lag t: Double) -> Double {
        var sum = 0.0
        for j in weights.indices { sum += weights[j] * exp(-rates[j] * t) }
        return sum
    }

    private mutating func prepare(_ dt: Double) {
        guard dt != cachedStep else { return }
        for j in rates.indices {
            let x = rates[j] * dt
            decay[j] = exp(-x)
            gain[j] = -expm1(-x) / rates[j]
        }
        cachedStep = dt
    }

    /// The semi-integral at the end of a step of length `dt` from the history alone (rate zero
    /// during the step). The full value is `history + newStepGain(dt)·r`.
    mutating func history(after dt: Double) -> Double {
        prepare(dt)
        var sum = 0.0
        for j in modes.indices { sum += weights[j] * decay[j] * modes[j] }
        return sum
    }

    /// The semi-integral of a unit rate held over the newest step only: 2√(Δt/π), exactly.
    static func newStepGain(_ dt: Double) -> Double { 2 * (dt / Double.pi).squareRoot() }

    /// Commit a step of length `dt` at constant `rate`.
    mutating func advance(dt: Double, rate: Double) {
        prepare(dt)
        for j in modes.indices { modes[j] = modes[j] * decay[j] + rate * gain[j] }
    }
}
