/// OCV with Plett hysteresis: V_eq(z, h) = ½(1+h)·OCV_charge(z) + ½(1−h)·OCV_discharge(z).
///
/// Outside the table the curve continues along its end slope plus a runaway slope (V per unit SOC),
/// so a cell driven past full or empty always reaches its cut-off instead of sitting on a flat line.
public struct OCVCurve: Sendable, Hashable {
    public let charge: PCHIP
    public let discharge: PCHIP
    public let hasHysteresis: Bool
    public let runawayLow: Double
    public let runawayHigh: Double

    public struct Value {
        public var volts: Double
        /// dV/dz at fixed h.
        public var slope: Double
        /// ½(OCV_charge − OCV_discharge): Plett's M, the gain of h.
        public var halfGap: Double
    }

    public init(table: ChemistryParameters.OCVTable, kind: ChemistryParameters.Kind) {
        charge = PCHIP(x: table.soc, y: table.charge)
        if let d = table.discharge, d != table.charge {
            discharge = PCHIP(x: table.soc, y: d)
            hasHysteresis = true
        } else {
            discharge = charge
            hasHysteresis = false
        }
        // Steep past the ends so cut-offs are met; plated Li has no lower end, Li‖Li none at all.
        switch kind {
        case .insertion: (runawayLow, runawayHigh) = (20, 20)
        case .plating: (runawayLow, runawayHigh) = (0, 200)
        case .symmetric: (runawayLow, runawayHigh) = (0, 0)
        }
    }

    /// Equilibrium voltage at SOC `z` and hysteresis state `h` ∈ [−1, 1].
    @inline(__always)
    public func evaluate(_ z: Double, h: Double) -> Value {
        let xs = charge.x
        let last = xs.count - 1
        var c: (value: Double, slope: Double)
        var d: (value: Double, slope: Double)
        var extra = 0.0
        var extraSlope = 0.0
        if z <= xs[0] {
            c = charge.valueAndSlope(z)
            d = hasHysteresis ? discharge.valueAndSlope(z) : c
            extra = runawayLow * (z - xs[0])
            extraSlope = runawayLow
        } else if z >= xs[last] {
            c = charge.valueAndSlope(z)
            d = hasHysteresis ? discharge.valueAndSlope(z) : c
            extra = runawayHigh * (z - xs[last])
            extraSlope = runawayHigh
        } else {
            let k = charge.interval(z)
            c = charge.valueAndSlope(z, interval: k)
            d = hasHysteresis ? discharge.valueAndSlope(z, interval: k) : c
        }
        let wc = 0.5 * (1 + h)
        let wd = 1 - wc
        return Value(volts: wc * c.value + wd * d.value + extra,
                     slope: wc * c.slope + wd * d.slope + extraSlope,
                     halfGap: 0.5 * (c.value - d.value))
    }
}
