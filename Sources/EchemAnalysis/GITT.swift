import EchemCore
import Foundation

/// One GITT current pulse and the rest that follows it (galvanostatic intermittent titration).
public struct GITTPulse: Sendable, Hashable, Codable {
    public var index: Int
    /// Channel time at which the current switched on (s).
    public var startTime: Double
    /// Pulse duration τ (s).
    public var seconds: Double
    /// Mean current over the pulse (A, signed: positive charges).
    public var amperes: Double
    /// E at the end of the rest before the pulse (the relaxed starting point).
    public var restBeforeVolts: Double
    /// E at the start of the pulse just after the instantaneous IR jump.
    public var pulseStartVolts: Double
    /// E at the end of the pulse (current still on).
    public var pulseEndVolts: Double
    /// E at the end of the rest after the pulse (relaxed again).
    public var restAfterVolts: Double
    /// R² of E against √t over the pulse (Weppner–Huggins condition 2: ≈ 1), when fitted.
    public var sqrtTimeR2: Double?

    public init(index: Int, startTime: Double, seconds: Double, amperes: Double, restBeforeVolts: Double,
                pulseStartVolts: Double, pulseEndVolts: Double, restAfterVolts: Double, sqrtTimeR2: Double? = nil) {
        self.index = index
        self.startTime = startTime
        self.seconds = seconds
        self.amperes = amperes
        self.restBeforeVolts = restBeforeVolts
        self.pulseStartVolts = pulseStartVolts
        self.pulseEndVolts = pulseEndVolts
        self.restAfterVolts = restAfterVolts
        self.sqrtTimeR2 = sqrtTimeR2
    }

    /// ΔE_s: change of the relaxed (steady-state) voltage caused by the pulse.
    public var deltaEs: Double { abs(restAfterVolts - restBeforeVolts) }
    /// ΔE_t: transient change during the pulse, IR drop excluded.
    public var deltaEt: Double { abs(pulseEndVolts - pulseStartVolts) }
    /// The instantaneous jump at switch-on (V), signed.
    public var irDropVolts: Double { pulseStartVolts - restBeforeVolts }
}

/// Weppner–Huggins (J. Electrochem. Soc. 124 (1977) 1569), as seed 003 Eq. 16, for τ ≪ L²/D:
/// D = 4/(π τ) · (n_m V_m / S)² · (ΔE_s / ΔE_t)²   [cm²/s; n_m mol, V_m cm³/mol, S cm², τ s].
public enum WeppnerHuggins {
    public static func diffusionCoefficient(pulseSeconds tau: Double, molesActive: Double,
                                            molarVolumeCm3PerMol: Double, areaCm2: Double,
                                            deltaEs: Double, deltaEt: Double) -> Double {
        diffusionCoefficient(pulseSeconds: tau, lengthCm: molesActive * molarVolumeCm3PerMol / areaCm2,
                             deltaEs: deltaEs, deltaEt: deltaEt)
    }

    /// The dense-film form with L = V/S (cm): D = 4L²/(πτ)·(ΔE_s/ΔE_t)².
    public static func diffusionCoefficient(pulseSeconds tau: Double, lengthCm: Double,
                                            deltaEs: Double, deltaEt: Double) -> Double {
        let ratio = deltaEs / deltaEt
        return 4 / (Double.pi * tau) * lengthCm * lengthCm * ratio * ratio
    }

    /// D for one pulse, with n_m, V_m and S from the cell's metadata; nil if any is missing.
    public static func diffusionCoefficient(_ pulse: GITTPulse, cell: CellMetadata) -> Double? {
        guard let n = cell.activeAmountMol, let vm = cell.molarVolumeCm3PerMol, let s = cell.interfacialAreaCm2,
              pulse.deltaEt > 0 else { return nil }
        return diffusionCoefficient(pulseSeconds: pulse.seconds, molesActive: n, molarVolumeCm3PerMol: vm,
                                    areaCm2: s, deltaEs: pulse.deltaEs, deltaEt: pulse.deltaEt)
    }
}

/// Finds GITT pulses in a sample series (t, V, I), as logged by a cycler.
///
/// A pulse is a run of samples with |I| above the threshold between two rests. Each reading is
/// taken as the end of its sampling interval, so the current switched on at the time of the last
/// rest sample before the run. E just after the IR jump is the intercept of a straight-line fit
/// of E against √(t − t_on) over the pulse, which is also Weppner–Huggins' linearity check.
public enum GITTPulseFinder {
    public struct Options: Sendable, Hashable {
        /// |I| above this is "current on"; nil = 5 % of the largest |I| in the series.
        public var currentThreshold: Double?
        /// Pulse samples earlier than this after switch-on are left out of the √t fit (RC settling).
        public var fitSkipSeconds: Double
        public init(currentThreshold: Double? = nil, fitSkipSeconds: Double = 0) {
            self.currentThreshold = currentThreshold
            self.fitSkipSeconds = fitSkipSeconds
        }
    }

    public static func pulses(time: [Double], volts: [Double], amperes: [Double],
                              options: Options = Options()) -> [GITTPulse] {
        let n = min(time.count, volts.count, amperes.count)
        guard n >= 3 else { return [] }
        let threshold = options.currentThreshold ?? 0.05 * amperes.prefix(n).map(abs).max()!
        func on(_ k: Int) -> Bool { abs(amperes[k]) > threshold }
        var result: [GITTPulse] = []
        var k = 0
        while k < n {
            guard on(k) else { k += 1; continue }
            let s = k
            while k < n && on(k) { k += 1 }
            let e = k - 1
            // The rest after runs to the next pulse or the end of the series.
            var r = k
            while r < n && !on(r) { r += 1 }
            guard s > 0, !on(s - 1), r - 1 > e else { continue }
            let tOn = time[s - 1]
            var sum = 0.0
            for j in s...e { sum += amperes[j] }
            let fit = sqrtTimeFit(time: time, volts: volts, range: s...e, tOn: tOn, skip: options.fitSkipSeconds)
            result.append(GITTPulse(index: result.count, startTime: tOn, seconds: time[e] - tOn,
                                    amperes: sum / Double(e - s + 1), restBeforeVolts: volts[s - 1],
                                    pulseStartVolts: fit?.intercept ?? volts[s], pulseEndVolts: volts[e],
                                    restAfterVolts: volts[r - 1], sqrtTimeR2: fit?.r2))
        }
        return result
    }

    /// Least-squares E = a + b·√(t − t_on) over the range; nil with fewer than 3 usable points.
    static func sqrtTimeFit(time: [Double], volts: [Double], range: ClosedRange<Int>, tOn: Double, skip: Double)
        -> (intercept: Double, slope: Double, r2: Double)? {
        var count = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0
        for j in range where time[j] - tOn >= skip {
            let x = (time[j] - tOn).squareRoot()
            let y = volts[j]
            count += 1
            sx += x
            sy += y
            sxx += x * x
            sxy += x * y
            syy += y * y
        }
        guard count >= 3 else { return nil }
        let vxx = sxx - sx * sx / count
        let vxy = sxy - sx * sy / count
        let vyy = syy - sy * sy / count
        guard vxx > 0 else { return nil }
        let b = vxy / vxx
        let a = (sy - b * sx) / count
        let r2 = vyy > 0 ? vxy * vxy / (vxx * vyy) : 1
        return (a, b, r2)
    }
}
