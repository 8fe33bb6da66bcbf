import EchemCore
import Foundation

/// A channel held inside its configured hard limits, whatever the protocol says.
///
/// Two lines of defence: the capabilities it reports are clipped to the limits, so a protocol
/// beyond them is refused at submit and the engine's planner refuses its setpoints; and every
/// setpoint and reading is checked again here. A reading outside the limits (plus a small
/// measurement margin) is a fault: the output goes off first, then the run fails with the reason.
public final class LimitedChannel: Channel, @unchecked Sendable {
    // @unchecked: `inner` is Sendable and the limits are immutable.
    public let inner: any Channel
    public let limits: HardLimits
    public let capabilities: ChannelCapabilities
    /// Readings may exceed a limit by this fraction of the range before it is a fault (noise, overshoot).
    static let readingMargin = 0.02

    public init(_ inner: any Channel, limits: HardLimits) {
        self.inner = inner
        self.limits = limits
        self.capabilities = LimitedChannel.clip(inner.capabilities, to: limits)
    }

    public static func clip(_ c: ChannelCapabilities, to l: HardLimits) -> ChannelCapabilities {
        var caps = c
        caps.minVolts = max(c.minVolts, l.minVolts)
        caps.maxVolts = min(c.maxVolts, l.maxVolts)
        caps.maxAbsCurrent = min(c.maxAbsCurrent, l.maxAmperes)
        if let w = l.maxWatts { caps.maxAbsPower = min(c.maxAbsPower ?? w, w) }
        return caps
    }

    public func apply(_ setpoint: Setpoint) async throws {
        if let problem = LimitedChannel.violation(setpoint, limits) {
            try await inner.outputOff()
            throw ChannelError.outOfRange("refused by the channel's hard limits: \(problem)")
        }
        try await inner.apply(clamped(setpoint))
    }

    public func nextReading() async throws -> ChannelReading {
        let r = try await inner.nextReading()
        let vMargin = (limits.maxVolts - limits.minVolts) * LimitedChannel.readingMargin
        var fault: String?
        if r.volts > limits.maxVolts + vMargin { fault = "voltage \(r.volts) V above the hard limit \(limits.maxVolts) V" }
        if r.volts < limits.minVolts - vMargin { fault = "voltage \(r.volts) V below the hard limit \(limits.minVolts) V" }
        if abs(r.amperes) > limits.maxAmperes * (1 + LimitedChannel.readingMargin) {
            fault = "current \(r.amperes) A beyond the hard limit ±\(limits.maxAmperes) A"
        }
        if let t = r.celsius {
            if let hi = limits.maxCelsius, t > hi { fault = "temperature \(t) °C above the hard limit \(hi) °C" }
            if let lo = limits.minCelsius, t < lo { fault = "temperature \(t) °C below the hard limit \(lo) °C" }
        }
        if let fault {
            try? await inner.outputOff() // the safe state comes before the report
            throw ChannelError.fault("hard limit: \(fault); output switched off")
        }
        return r
    }

    public func outputOff() async throws { try await inner.outputOff() }

    public func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        try await inner.measureImpedance(spec)
    }

    public func setChamberTemperature(_ celsius: Double) async throws {
        if let hi = limits.maxCelsius, celsius > hi {
            throw ChannelError.outOfRange("chamber \(celsius) °C above the channel's hard limit \(hi) °C")
        }
        if let lo = limits.minCelsius, celsius < lo {
            throw ChannelError.outOfRange("chamber \(celsius) °C below the channel's hard limit \(lo) °C")
        }
        try await inner.setChamberTemperature(celsius)
    }

    /// What about a setpoint breaks the limits, or nil.
    static func violation(_ s: Setpoint, _ l: HardLimits) -> String? {
        switch s.mode {
        case .off, .resistance, .sweep: break
        case .current(let a) where abs(a) > l.maxAmperes * (1 + 1e-9):
            return "current \(a) A beyond ±\(l.maxAmperes) A"
        case .voltage(let v) where v > l.maxVolts + 1e-9 || v < l.minVolts - 1e-9:
            return "voltage \(v) V outside \(l.minVolts)…\(l.maxVolts) V"
        case .power(let w):
            if let p = l.maxWatts, abs(w) > p * (1 + 1e-9) { return "power \(w) W beyond ±\(p) W" }
        default: break
        }
        if case .sweep(let sw) = s.mode {
            let potentials = [sw.startVolts] + sw.vertices + (sw.firstCycleVertices ?? []) + (sw.endVolts.map { [$0] } ?? [])
            for v in potentials where v > l.maxVolts + 1e-9 || v < l.minVolts - 1e-9 {
                return "sweep potential \(v) V outside \(l.minVolts)…\(l.maxVolts) V"
            }
        }
        return nil
    }

    /// Compliance can only tighten: the hardware never drives the cell beyond the limits.
    func clamped(_ s: Setpoint) -> Setpoint {
        var s = s
        s.maxVolts = min(s.maxVolts ?? limits.maxVolts, limits.maxVolts)
        s.minVolts = max(s.minVolts ?? limits.minVolts, limits.minVolts)
        s.maxAbsCurrent = min(s.maxAbsCurrent ?? limits.maxAmperes, limits.maxAmperes)
        return s
    }
}
