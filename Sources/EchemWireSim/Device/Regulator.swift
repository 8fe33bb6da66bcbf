import EchemCore
import EchemDrivers

/// How the instrument's own regulation turns its set-points into what it does to the cell,
/// expressed as one `Setpoint` for the cell model. Pure: the physics loop asks again every step.
///
/// A **source/sink** (EA PSB) is a voltage source with separate source and sink current limits.
/// With the cell's open-circuit voltage V₀ (the terminal voltage if the current stopped now):
/// - V₀ < set_voltage: it sources set_current (CC) until the terminal reaches set_voltage, then
///   holds it while the current tapers (CV) — `.current(+I)` with `maxVolts = set_voltage`;
/// - V₀ > set_voltage: it sinks set_sink_current down to set_voltage, then holds it —
///   `.current(−I)` with `minVolts = set_voltage`; with no sink current it does nothing;
/// - set_power / set_sink_power cap the power: when P/V is below the current limit, the drive is
///   `.power(±P)` with the same voltage clamp.
/// Comparing V₀, not the terminal voltage, matters: a cell being charged sits above its OCV by
/// I·R, and lowering set_voltage into that gap must taper the charge, not start a discharge.
///
/// A **load** (Maynuo M97) only sinks: CC at the sink current, CV holding set_voltage from above
/// (up to its rated current), CP at the sink power, CR at set_resistance.
struct Regulator: Sendable {
    let kind: DeviceKind
    let ratings: DeviceRatings
    /// A load with no `set_sink_current` register sinks its `set_current`.
    let loadCurrentRole: RegisterRole

    /// The instrument clamps set-points to its own range (102 % of nominal on an EA).
    static let overRange = 1.02

    func setpoint(_ c: DeviceControls, openCircuitVolts v0: Double, terminalVolts v: Double) -> Setpoint {
        guard c.output else { return .off }
        if kind == .load { return load(c, v0) }
        let vset = clampVolts(c.setVoltage)
        if v0 < vset {
            return limited(sign: 1, current: c.setCurrent, power: c.setPower, clamp: vset, volts: v)
        }
        if v0 > vset && kind.canSink {
            return limited(sign: -1, current: c.setSinkCurrent, power: c.setSinkPower, clamp: vset, volts: v)
        }
        return Setpoint(.current(amperes: 0))
    }

    private func load(_ c: DeviceControls, _ v0: Double) -> Setpoint {
        let rated = ratings.current * Self.overRange
        switch c.mode {
        case .cc:
            let i = clampAmps(loadCurrentRole == .setSinkCurrent ? c.setSinkCurrent : c.setCurrent)
            return i > 0 ? Setpoint(.current(amperes: -i), minVolts: 0) : Setpoint(.current(amperes: 0))
        case .cv:
            let vset = clampVolts(c.setVoltage)
            return v0 > vset ? Setpoint(.current(amperes: -rated), minVolts: vset) : Setpoint(.current(amperes: 0))
        case .cp:
            let p = clampWatts(c.setSinkPower ?? c.setPower ?? 0)
            return p > 0 ? Setpoint(.power(watts: -p), minVolts: 0, maxAbsCurrent: rated) : Setpoint(.current(amperes: 0))
        case .cr:
            guard let r = c.setResistance, r.isFinite, r > 0 else { return Setpoint(.current(amperes: 0)) }
            return Setpoint(.resistance(ohms: r), maxAbsCurrent: rated)
        }
    }

    /// CC towards `clamp` at `current`, or CP when the power limit binds first; the voltage clamp
    /// turns either into CV.
    private func limited(sign: Double, current: Double, power: Double?, clamp: Double, volts: Double) -> Setpoint {
        let i = clampAmps(current)
        guard i > 0 else { return Setpoint(.current(amperes: 0)) }
        let minVolts = sign < 0 ? clamp : nil
        let maxVolts = sign > 0 ? clamp : nil
        if let p = power.map(clampWatts), p < i * max(abs(volts), 1e-6) {
            guard p > 0 else { return Setpoint(.current(amperes: 0)) }
            return Setpoint(.power(watts: sign * p), minVolts: minVolts, maxVolts: maxVolts, maxAbsCurrent: i)
        }
        return Setpoint(.current(amperes: sign * i), minVolts: minVolts, maxVolts: maxVolts)
    }

    private func clampVolts(_ v: Double) -> Double { min(max(v.isFinite ? v : 0, 0), ratings.voltage * Self.overRange) }
    private func clampAmps(_ a: Double) -> Double { min(max(a.isFinite ? a : 0, 0), ratings.current * Self.overRange) }
    private func clampWatts(_ w: Double) -> Double { min(max(w.isFinite ? w : 0, 0), ratings.power * Self.overRange) }

    /// The cell model's channel limits for a unit of this rating: a little beyond what the
    /// regulator ever asks, so the model never refuses a set-point the instrument accepts.
    static func capabilities(_ r: DeviceRatings, samplePeriod: Double) -> ChannelCapabilities {
        let margin = 1.05
        return ChannelCapabilities(modes: [.rest, .current, .voltage, .cccv, .power, .resistance, .operatorPause],
                                   minVolts: -r.voltage * margin, maxVolts: r.voltage * margin,
                                   maxAbsCurrent: r.current * margin, maxAbsPower: r.power * margin,
                                   minSamplePeriod: samplePeriod)
    }
}
