import Foundation

/// What the controller holds: the end-of-step terminal voltage, a load line, or a power.
enum SolveTarget {
    case voltage(Double)
    /// V + I·R = 0 (constant-resistance load).
    case resistance(Double)
    /// I·V = P.
    case power(Double)
}

struct Solution {
    var amperes: Double
    var sign: Double
    var volts: Double
    var limit: CellStepResult.Limit
}

extension CellModel {
    /// Largest current any solve may reach: the drive's compliance, else 1000C.
    @inline(__always)
    func currentCeiling(_ drive: CellDrive) -> Double {
        min(drive.maxAbsCurrent, 1000 * capacityAh)
    }

    @inline(__always)
    func solve(_ drive: CellDrive, _ c: StepContext) -> Solution {
        let ceiling = currentCeiling(drive)
        var s: Solution
        switch drive.mode {
        case .open:
            return Solution(amperes: 0, sign: 0, volts: evaluate(0, sign: 0, c).volts, limit: .none)
        case .current(let i):
            let sg: Double = i > 0 ? 1 : (i < 0 ? -1 : 0)
            s = Solution(amperes: i, sign: sg, volts: evaluate(i, sign: sg, c).volts, limit: .none)
        case .voltage(let v):
            s = solve(.voltage(v), lo: -ceiling, hi: ceiling, c)
            if abs(s.amperes) >= ceiling { s.limit = .current }
            return s
        case .resistance(let r):
            s = solve(.resistance(r), lo: -ceiling, hi: ceiling, c)
        case .power(let p):
            s = solvePower(p, ceiling: ceiling, c)
        }
        // Compliance: CC/CP/CR become CV at the violated limit, never exceeding the asked current.
        if s.volts > drive.maxVolts || s.volts < drive.minVolts {
            let limit = s.volts > drive.maxVolts ? drive.maxVolts : drive.minVolts
            var clamped = solve(.voltage(limit), lo: min(0, s.amperes), hi: max(0, s.amperes), c)
            clamped.limit = .voltage
            return clamped
        }
        return s
    }

    @inline(__always)
    func residual(_ current: Double, sign sg: Double, _ target: SolveTarget, _ c: StepContext)
        -> (r: Double, dr: Double, volts: Double) {
        let t = evaluate(current, sign: sg, c)
        switch target {
        case .voltage(let v): return (t.volts - v, t.slope, t.volts)
        case .resistance(let r): return (t.volts + current * r, t.slope + r, t.volts)
        case .power(let p): return (current * t.volts - p, t.volts + current * t.slope, t.volts)
        }
    }

    /// Root of a residual that increases with the current, inside [lo, hi] (clamped to the ends).
    /// The sign-dependent terms (M0, hysteresis, barrier) make a dead band at I = 0: a target inside
    /// it means open circuit. Newton steps, falling back to bisection when they leave the bracket.
    func solve(_ target: SolveTarget, lo: Double, hi: Double, _ c: StepContext) -> Solution {
        var a = lo
        var b = hi
        if a < 0 && b > 0 {
            let below = residual(0, sign: -1, target, c)
            let above = residual(0, sign: 1, target, c)
            if below.r <= 0 && above.r >= 0 {
                return Solution(amperes: 0, sign: 0, volts: evaluate(0, sign: 0, c).volts, limit: .none)
            }
            if above.r < 0 { a = 0 } else { b = 0 }
        }
        if a == b {
            let sg: Double = a > 0 ? 1 : (a < 0 ? -1 : 0)
            return Solution(amperes: a, sign: sg, volts: evaluate(a, sign: sg, c).volts, limit: .none)
        }
        let sg: Double = b > 0 ? 1 : -1
        let ea = residual(a, sign: sg, target, c)
        if ea.r >= 0 { return Solution(amperes: a, sign: a == 0 ? 0 : sg, volts: ea.volts, limit: .none) }
        let eb = residual(b, sign: sg, target, c)
        if eb.r <= 0 { return Solution(amperes: b, sign: b == 0 ? 0 : sg, volts: eb.volts, limit: .none) }
        let tolerance: Double
        switch target {
        case .voltage, .resistance: tolerance = 1e-10
        case .power(let p): tolerance = 1e-10 * abs(p) + 1e-18
        }
        // Start from the end whose Newton step lands inside the bracket.
        var x = abs(ea.r) < abs(eb.r) ? a - ea.r / max(ea.dr, 1e-300) : b - eb.r / max(eb.dr, 1e-300)
        if !(x > a && x < b) { x = a - ea.r * (b - a) / (eb.r - ea.r) }
        var volts = 0.0
        for _ in 0..<80 {
            let e = residual(x, sign: sg, target, c)
            volts = e.volts
            if abs(e.r) <= tolerance { break }
            if e.r < 0 { a = x } else { b = x }
            var next = x - e.r / e.dr
            if !(e.dr > 0) || !(next > a && next < b) { next = 0.5 * (a + b) }
            if abs(next - x) <= 1e-15 * max(abs(x), 1e-12) { x = next; volts = evaluate(x, sign: sg, c).volts; break }
            x = next
        }
        return Solution(amperes: x, sign: x == 0 ? 0 : sg, volts: volts, limit: .none)
    }

    /// Constant power: charge side is monotone; on the discharge side stay on the branch between
    /// open circuit and the maximum-power point (estimated from the linear source V₀ + R·I).
    func solvePower(_ p: Double, ceiling: Double, _ c: StepContext) -> Solution {
        if p == 0 { return Solution(amperes: 0, sign: 0, volts: evaluate(0, sign: 0, c).volts, limit: .none) }
        if p > 0 { return solve(.power(p), lo: 0, hi: ceiling, c) }
        let v0 = evaluate(0, sign: -1, c)
        let maxPowerCurrent = v0.volts > 0 ? -v0.volts / (2 * max(v0.slope, 1e-12)) : -ceiling
        return solve(.power(p), lo: max(-ceiling, maxPowerCurrent), hi: 0, c)
    }
}
