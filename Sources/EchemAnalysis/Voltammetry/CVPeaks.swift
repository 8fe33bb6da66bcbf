/// A voltammetric peak: where the baseline-corrected current is largest along one sweep direction.
public struct CVPeak: Sendable, Hashable, Codable {
    public var direction: SweepDirection
    /// Peak potential E_p (V).
    public var volts: Double
    /// Current at the peak as measured (A, anodic positive).
    public var amperes: Double
    /// The baseline's current at E_p (A); 0 with `CVBaseline.none`.
    public var baselineAmperes: Double
    /// Peak height i_p = amperes − baseline (A, signed: > 0 anodic, < 0 cathodic).
    public var heightAmperes: Double
    /// Time of the peak sample (s).
    public var seconds: Double
}

/// How the peak height is measured.
public enum CVBaseline: Sendable, Hashable, Codable {
    /// From zero current: i_p is the current itself (what the seeds' b-value plots use).
    case none
    /// A straight line I(E) fitted to the start of each sweep, over the first `fraction` of its
    /// potential span, extrapolated to E_p. Removes the double-layer current and any flat
    /// background. On a reverse sweep it only approximates the decaying diffusion tail; use
    /// `CVCyclePeaks.nicholsonRatio` for the reversal ratio.
    case sweepStart(fraction: Double)
}

/// The peaks of one cycle.
public struct CVCyclePeaks: Sendable, Hashable, Codable {
    public var cycle: Int
    public var anodic: CVPeak?
    public var cathodic: CVPeak?
    /// Mean |dE/dt| over the cycle's sweeps (V/s), from the first to the last sample of each sweep.
    public var scanRateVoltsPerSecond: Double
    /// ΔE_p = E_pa − E_pc (V); 57–59/n mV for a reversible couple at 25 °C.
    public var peakSeparationVolts: Double?
    /// (E_pa + E_pc)/2 (V): E½ for a reversible couple.
    public var midpointVolts: Double?
    /// |i_pa/i_pc| with the chosen baseline.
    public var peakRatio: Double?
    /// |i_reverse/i_forward| by Nicholson's rule (Anal. Chem. 38 (1966) 1406), which needs no
    /// baseline under the reverse peak: (i_rev)₀/i_fwd + 0.485·(i_sp)₀/i_fwd + 0.086, with the
    /// reverse peak (i_rev)₀ and the switching current (i_sp)₀ read from zero and i_fwd the forward
    /// peak over its baseline. 1 for a chemically reversible couple.
    public var nicholsonRatio: Double?
    /// Why a peak is missing, if one is.
    public var notes: [String]
}

public enum CVAnalysis {
    public struct Options: Sendable, Hashable, Codable {
        public var baseline: CVBaseline
        /// Only look for the anodic / cathodic peak inside these potentials (V); nil = anywhere.
        /// For battery CVs with several peaks (seed 003 fits reduction and oxidation separately).
        public var anodicWindow: ClosedRange<Double>?
        public var cathodicWindow: ClosedRange<Double>?
        /// A sweep reverses once the potential comes back this far from its extreme (V).
        public var reversalVolts: Double

        public init(baseline: CVBaseline = .none, anodicWindow: ClosedRange<Double>? = nil,
                    cathodicWindow: ClosedRange<Double>? = nil, reversalVolts: Double = 0.005) {
            self.baseline = baseline
            self.anodicWindow = anodicWindow
            self.cathodicWindow = cathodicWindow
            self.reversalVolts = reversalVolts
        }
    }

    /// Peaks per cycle from a voltammogram's samples (time s, potential V, current A anodic
    /// positive, cycle number). Samples of one cycle must be contiguous; cycles come out in the
    /// order they appear. A peak is reported only where the corrected current has an interior
    /// extreme: a sweep whose largest current is at its own end (a peak beyond the window, or a
    /// flat capacitive box) gives a note instead.
    public static func peaks(time: [Double], volts: [Double], amperes: [Double], cycle: [Int],
                             options: Options = Options()) throws -> [CVCyclePeaks] {
        try VoltammetryError.checkColumns([("time", time), ("volts", volts), ("amperes", amperes)], minimum: 3)
        guard cycle.count == time.count else {
            throw VoltammetryError("cycle has \(cycle.count) values but time has \(time.count): one cycle number per sample")
        }
        if case .sweepStart(let fraction) = options.baseline, !(fraction > 0 && fraction < 1) {
            throw VoltammetryError("baseline fraction \(fraction): must be between 0 and 1 (0.1 = the first tenth of each sweep)")
        }
        guard options.reversalVolts.isFinite, options.reversalVolts > 0 else {
            throw VoltammetryError("reversalVolts \(options.reversalVolts): must be > 0 V (e.g. 0.005)")
        }
        var out: [CVCyclePeaks] = []
        var start = 0
        while start < cycle.count {
            var end = start
            while end < cycle.count && cycle[end] == cycle[start] { end += 1 }
            out.append(analyseCycle(cycle[start], start..<end, time: time, volts: volts, amperes: amperes, options: options))
            start = end
        }
        return out
    }

    private static func analyseCycle(_ number: Int, _ range: Range<Int>, time: [Double], volts: [Double],
                                     amperes: [Double], options: Options) -> CVCyclePeaks {
        let sweeps = SweepSegmenter.segments(volts: volts, in: range, reversalVolts: options.reversalVolts)
        var notes: [String] = []
        var travelled = 0.0, duration = 0.0
        for s in sweeps {
            travelled += abs(volts[s.range.upperBound] - volts[s.range.lowerBound])
            duration += time[s.range.upperBound] - time[s.range.lowerBound]
        }
        func best(_ direction: SweepDirection) -> CVPeak? {
            let window = direction == .anodic ? options.anodicWindow : options.cathodicWindow
            var found: CVPeak?
            var atEdge = false
            let sign: Double = direction == .anodic ? 1 : -1
            for s in sweeps where s.direction == direction {
                let line = baseline(options.baseline, sweep: s, volts: volts, amperes: amperes)
                var k0: Int?
                var kBest = 0
                var hBest = -Double.infinity
                for k in s.range where window?.contains(volts[k]) ?? true {
                    if k0 == nil { k0 = k }
                    let h = sign * (amperes[k] - line(volts[k]))
                    if h > hBest { hBest = h; kBest = k }
                }
                guard let first = k0 else { continue }
                let last = s.range.reversed().first { window?.contains(volts[$0]) ?? true }!
                if kBest == first || kBest == last {
                    atEdge = true
                    continue
                }
                if found == nil || hBest > sign * found!.heightAmperes {
                    let b = line(volts[kBest])
                    found = CVPeak(direction: direction, volts: volts[kBest], amperes: amperes[kBest],
                                   baselineAmperes: b, heightAmperes: amperes[kBest] - b, seconds: time[kBest])
                }
            }
            if found == nil {
                notes.append(atEdge
                    ? "no \(direction.rawValue) peak: the current is largest at the end of the sweep (peak outside the window?)"
                    : "no \(direction.rawValue) sweep in this cycle")
            }
            return found
        }
        let anodic = best(.anodic), cathodic = best(.cathodic)
        var result = CVCyclePeaks(cycle: number, anodic: anodic, cathodic: cathodic,
                                  scanRateVoltsPerSecond: duration > 0 ? travelled / duration : 0,
                                  notes: notes)
        if let a = anodic, let c = cathodic {
            result.peakSeparationVolts = a.volts - c.volts
            result.midpointVolts = (a.volts + c.volts) / 2
            if c.heightAmperes != 0 { result.peakRatio = abs(a.heightAmperes / c.heightAmperes) }
            result.nicholsonRatio = nicholson(sweeps: sweeps, anodic: a, cathodic: c, amperes: amperes)
        }
        return result
    }

    /// Nicholson's ratio for the first forward sweep and the reverse sweep that follows it.
    private static func nicholson(sweeps: [SweepSegment], anodic: CVPeak, cathodic: CVPeak, amperes: [Double]) -> Double? {
        guard sweeps.count >= 2 else { return nil }
        let forwardIsCathodic = sweeps[0].direction == .cathodic
        let forward = forwardIsCathodic ? cathodic : anodic
        let reverse = forwardIsCathodic ? anodic : cathodic
        let sign: Double = forwardIsCathodic ? -1 : 1
        let ipForward = sign * forward.heightAmperes
        guard ipForward > 0 else { return nil }
        let switching = sign * amperes[sweeps[0].range.upperBound]
        let reverseFromZero = -sign * reverse.amperes
        return reverseFromZero / ipForward + 0.485 * switching / ipForward + 0.086
    }

    /// The baseline as a function of potential for one sweep.
    private static func baseline(_ kind: CVBaseline, sweep: SweepSegment, volts: [Double], amperes: [Double])
        -> (Double) -> Double {
        guard case .sweepStart(let fraction) = kind else { return { _ in 0 } }
        let e0 = volts[sweep.range.lowerBound]
        let span = abs(volts[sweep.range.upperBound] - e0)
        var x: [Double] = [], y: [Double] = []
        for k in sweep.range where abs(volts[k] - e0) <= fraction * span {
            x.append(volts[k])
            y.append(amperes[k])
        }
        if let fit = StraightLineFit(x: x, y: y) { return { fit.intercept + fit.slope * $0 } }
        let flat = amperes[sweep.range.lowerBound]
        return { _ in flat }
    }
}
