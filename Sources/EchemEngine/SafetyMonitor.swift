import Foundation
import EchemCore

/// Checks hard limits on every sample, with a debounce: a breach must persist for
/// `debounceSeconds` of channel time before it acts (0 = act on the first sample).
struct SafetyMonitor {
    let limits: SafetyLimits
    private var breachSince: Double?

    init(limits: SafetyLimits) { self.limits = limits }

    /// The breach description if the limits are violated long enough to act, else nil.
    @inline(__always)
    mutating func check(time: Double, volts: Double, amperes: Double, stepCapacity: Double,
                        celsius: Double?, stepSeconds: Double) -> String? {
        guard let breach = violation(volts: volts, amperes: amperes, stepCapacity: stepCapacity,
                                     celsius: celsius, stepSeconds: stepSeconds) else {
            breachSince = nil
            return nil
        }
        let since = breachSince ?? time
        breachSince = since
        return time - since >= limits.debounceSeconds - 1e-9 ? breach : nil
    }

    private func violation(volts: Double, amperes: Double, stepCapacity: Double, celsius: Double?,
                           stepSeconds: Double) -> String? {
        if let v = limits.maxVolts, volts > v { return "V = \(fmt(volts)) V above the limit \(fmt(v)) V" }
        if let v = limits.minVolts, volts < v { return "V = \(fmt(volts)) V below the limit \(fmt(v)) V" }
        if let i = limits.maxAbsCurrent, abs(amperes) > i * (1 + 1e-9) {
            return "|I| = \(fmt(abs(amperes))) A above the limit \(fmt(i)) A"
        }
        if let q = limits.maxStepCapacity, abs(stepCapacity) > q {
            return "step capacity \(fmt(abs(stepCapacity))) Ah above the limit \(fmt(q)) Ah"
        }
        if let t = celsius {
            if let hi = limits.maxCelsius, t > hi { return "T = \(fmt(t)) °C above the limit \(fmt(hi)) °C" }
            if let lo = limits.minCelsius, t < lo { return "T = \(fmt(t)) °C below the limit \(fmt(lo)) °C" }
        }
        if let s = limits.maxStepSeconds, stepSeconds > s { return "step time \(fmt(stepSeconds)) s above the limit \(fmt(s)) s" }
        return nil
    }
}

func fmt(_ x: Double) -> String {
    let a = abs(x)
    if a != 0 && (a < 1e-3 || a >= 1e6) { return String(format: "%.4g", x) }
    return String(format: "%.6g", x)
}
