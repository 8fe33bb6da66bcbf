/// Constant-current cycling between the voltage limits, straight on a `CellModel` (no engine):
/// what the benchmark times and what the physics tests use to read capacities per half cycle.
public struct GalvanostaticCycler: Sendable {
    public struct HalfCycle: Sendable, Hashable {
        public var amperes: Double
        /// Charge passed (Ah, magnitude) and duration (s).
        public var ampereHours: Double
        public var seconds: Double
        public var endVolts: Double
        public var steps: Int
    }

    public var dt: Double
    public var minVolts: Double
    public var maxVolts: Double
    /// Stop a half cycle after this long even without reaching the cut-off.
    public var maxSeconds: Double

    public init(dt: Double = 1, minVolts: Double, maxVolts: Double, maxSeconds: Double = 1e7) {
        self.dt = dt
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxSeconds = maxSeconds
    }

    /// Run `amperes` (signed) until the voltage cut-off in that direction.
    public func run(_ cell: inout CellModel, amperes: Double) -> HalfCycle {
        var ah = 0.0
        var t = 0.0
        var n = 0
        var v = cell.state.volts
        let drive = CellDrive(.current(amperes))
        while t < maxSeconds {
            let r = cell.step(drive, dt: dt)
            n += 1
            t += dt
            ah += abs(r.amperes) * dt / 3600
            v = r.volts
            if amperes > 0 ? v >= maxVolts : v <= minVolts { break }
        }
        return HalfCycle(amperes: amperes, ampereHours: ah, seconds: t, endVolts: v, steps: n)
    }

    /// Rest with the output open for `seconds`.
    public func rest(_ cell: inout CellModel, seconds: Double) {
        var t = 0.0
        while t < seconds {
            _ = cell.step(.open, dt: dt)
            t += dt
        }
    }
}
