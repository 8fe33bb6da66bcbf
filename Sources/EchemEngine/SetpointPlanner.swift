import EchemCore

/// Turns a step's control into a channel setpoint, refusing anything beyond the channel's
/// capabilities or the run's safety limits: no protocol may command a channel past its limits.
struct SetpointPlanner {
    let capabilities: ChannelCapabilities

    func setpoint(for step: Step, limits: SafetyLimits) throws -> Setpoint {
        let where_ = "step \(step.id) (\(step.location))"
        guard capabilities.modes.contains(step.control.kind) || step.control.kind == .rest
                || step.control.kind == .operatorPause else {
            throw LimitViolation(message: "\(where_): this channel cannot do \(step.control.kind.rawValue)")
        }
        let maxI = min(capabilities.maxAbsCurrent, limits.maxAbsCurrent ?? .infinity)
        let minV = max(capabilities.minVolts, limits.minVolts ?? -.infinity)
        let maxV = min(capabilities.maxVolts, limits.maxVolts ?? .infinity)
        func checkCurrent(_ a: Double) throws {
            guard a.isFinite, abs(a) <= maxI * (1 + 1e-12) else {
                throw LimitViolation(message: "\(where_) would command \(fmt(a)) A, beyond the limit ±\(fmt(maxI)) A")
            }
        }
        func checkVoltage(_ v: Double) throws {
            guard v.isFinite, v >= minV - 1e-12, v <= maxV + 1e-12 else {
                throw LimitViolation(message: "\(where_) would command \(fmt(v)) V, outside \(fmt(minV))…\(fmt(maxV)) V")
            }
        }
        switch step.control {
        case .rest, .temperature, .operatorPause, .eis:
            return .off
        case .current(let a):
            try checkCurrent(a)
            return Setpoint(.current(amperes: a), minVolts: capabilities.minVolts, maxVolts: capabilities.maxVolts)
        case .voltage(let v, let limit):
            try checkVoltage(v)
            return Setpoint(.voltage(volts: v), maxAbsCurrent: min(limit ?? maxI, maxI))
        case .cccv(let a, let v):
            try checkCurrent(a)
            try checkVoltage(v)
            return Setpoint(.current(amperes: a), minVolts: a < 0 ? v : capabilities.minVolts,
                            maxVolts: a > 0 ? v : capabilities.maxVolts)
        case .power(let w):
            guard w.isFinite, abs(w) <= (capabilities.maxAbsPower ?? .infinity) else {
                throw LimitViolation(message: "\(where_) would command \(fmt(w)) W, beyond the channel's power limit")
            }
            return Setpoint(.power(watts: w), minVolts: minV, maxVolts: maxV, maxAbsCurrent: maxI)
        case .resistance(let r):
            guard r.isFinite, r > 0 else { throw LimitViolation(message: "\(where_): resistance must be > 0 Ω") }
            return Setpoint(.resistance(ohms: r), maxAbsCurrent: maxI)
        case .sweep(let s):
            for v in s.vertices + (s.firstCycleVertices ?? []) + [s.startVolts, s.endVolts ?? s.startVolts] where v.isFinite {
                try checkVoltage(v)
            }
            return Setpoint(.sweep(s), maxAbsCurrent: maxI)
        }
    }
}
