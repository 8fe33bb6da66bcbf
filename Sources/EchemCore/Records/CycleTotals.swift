/// Charge and energy of one finished cycle (the raw material of the per-cycle summary).
public struct CycleTotals: Sendable, Hashable, Codable {
    public var cycle: Int
    public var chargeAh: Double
    public var dischargeAh: Double
    public var chargeWh: Double
    public var dischargeWh: Double
    public var endTestTime: Double

    public init(cycle: Int, chargeAh: Double, dischargeAh: Double, chargeWh: Double, dischargeWh: Double,
                endTestTime: Double) {
        self.cycle = cycle
        self.chargeAh = chargeAh
        self.dischargeAh = dischargeAh
        self.chargeWh = chargeWh
        self.dischargeWh = dischargeWh
        self.endTestTime = endTestTime
    }

    /// Totals per cycle from stored samples: each sample carries its cycle's running totals,
    /// so the last sample of a cycle holds them.
    public static func fromSamples<S: Sequence>(_ samples: S) -> [CycleTotals] where S.Element == Sample {
        var out: [CycleTotals] = []
        for s in samples { fold(s, into: &out) }
        return out
    }

    /// Folds one sample (in seq order) into a running list of per-cycle totals.
    public static func fold(_ s: Sample, into totals: inout [CycleTotals]) {
        let t = CycleTotals(cycle: s.cycle, chargeAh: s.cycleChargeCapacity, dischargeAh: s.cycleDischargeCapacity,
                            chargeWh: s.cycleChargeEnergy, dischargeWh: s.cycleDischargeEnergy, endTestTime: s.testTime)
        if totals.last?.cycle == s.cycle { totals[totals.count - 1] = t } else { totals.append(t) }
    }
}


