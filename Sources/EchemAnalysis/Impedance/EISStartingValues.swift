import Foundation

/// Starting points for the EIS fit, read off the Nyquist plot.
enum EISStartingValues {
    static func candidates(_ s: CheckedSpectrum, circuit: EISCircuit) -> [[Double]] {
        let scale = s.z.map(\.magnitude).max()!
        let negImag = s.z.map { -$0.im }
        // R_e: the high-frequency real-axis intercept ≈ the smallest Z′ (a diffusion tail only grows Z′).
        let re = max(s.z.map(\.re).min()!, 1e-6 * scale)
        let smooth = negImag.indices.map { k -> Double in
            let lo = max(0, k - 1), hi = min(negImag.count - 1, k + 1)
            return negImag[lo...hi].reduce(0, +) / Double(hi - lo + 1)
        }
        // Arc apex: the first local maximum of −Z″ from the high-frequency end; the valley after it
        // is where a diffusion tail takes over.
        var apex = smooth.indices.max { smooth[$0] < smooth[$1] }!
        var valley: Int?
        if let k = (1..<max(1, smooth.count - 1)).first(where: { smooth[$0] > 0 && smooth[$0] >= smooth[$0 - 1] && smooth[$0] > smooth[$0 + 1] }) {
            apex = k
            valley = (k + 1..<smooth.count).first { $0 == smooth.count - 1 || smooth[$0] < smooth[$0 + 1] }
        }
        let hasWarburg = circuit != .chargeTransfer
        var rct: Double
        if hasWarburg, let v = valley, v < s.count - 1 {
            rct = s.z[v].re - re
        } else if hasWarburg {
            rct = 2 * (s.z[apex].re - re)
        } else {
            rct = s.z.last!.re - re
        }
        if !(rct > 0) { rct = 0.5 * scale }
        // The arc's depression sets α (apex height = (R_ct/2)·tan(απ/4)); its frequency sets Q.
        let alpha = min(0.98, max(0.5, 4 / Double.pi * atan(2 * max(negImag[apex], 0) / rct)))
        let omegaApex = 2 * Double.pi * s.hertz[apex]
        func q(_ r: Double) -> Double { 1 / (r * pow(omegaApex, alpha)) }
        // Warburg: −Z″·√ω at the lowest frequency, where the tail dominates.
        let lowest = s.count - 1
        let aw = max(negImag[lowest] * (2 * Double.pi * s.hertz[lowest]).squareRoot(), 1e-6 * scale)

        var out: [[Double]] = []
        for factor in [1.0, 0.3, 3.0, 0.1] {
            let r = rct * factor
            var p = [re, r, q(r), alpha]
            if hasWarburg { p.append(aw) }
            out.append(p)
        }
        return out
    }
}
