import EchemCore

/// Which capacity is the numerator of the Coulombic efficiency (seed-experiments §G).
public enum CEDefinition: String, Sendable, Codable, CaseIterable {
    /// Anode half cells (ZnS, Si) and Li‖Cu (stripping / plating): delithiation over lithiation.
    case chargeOverDischarge = "charge/discharge"
    /// Cathodes (Li–S, MoS₆, Li₂S-first cells): discharge over the charge of the same cycle.
    case dischargeOverCharge = "discharge/charge"

    /// The usual choice for a cell: anodes, Li metal and Li‖Cu count charge over discharge.
    public static func suggested(for chemistry: String?) -> CEDefinition {
        switch chemistry ?? "" {
        case "zns_anode", "si_anode", "li_cu", "li_li_symmetric": return .chargeOverDischarge
        default: return .dischargeOverCharge
        }
    }
}

/// One row of the per-cycle table, by the seeds' definitions.
public struct CycleSummary: Sendable, Hashable, Codable {
    public var cycle: Int
    public var chargeMAh: Double
    public var dischargeMAh: Double
    /// mAh/g on the cell's declared mass basis (nil without a mass).
    public var specificChargeMAhPerG: Double?
    public var specificDischargeMAhPerG: Double?
    /// mAh/cm² (nil without an area).
    public var arealDischargeMAhPerCm2: Double?
    public var arealChargeMAhPerCm2: Double?
    /// Coulombic efficiency as a fraction (nil when the denominator is zero).
    public var coulombicEfficiency: Double?
    /// The retained capacity against the reference cycle, as a fraction.
    public var retention: Double?
    public var chargeMWh: Double
    public var dischargeMWh: Double
    /// Energy over charge: the average voltage of each half-cycle.
    public var averageChargeVolts: Double?
    public var averageDischargeVolts: Double?
    /// Average charge voltage minus average discharge voltage (ΔE, "polarization").
    public var polarizationVolts: Double?
    /// Discharge energy per mass on the basis, Wh/kg.
    public var specificEnergyWhPerKg: Double?
}

public struct CycleAnalysisOptions: Sendable {
    public var ce: CEDefinition
    /// Retention is measured against this cycle (seed 001 uses the 5th).
    public var referenceCycle: Int
    public var massBasis: String?

    public init(ce: CEDefinition, referenceCycle: Int = 1, massBasis: String? = nil) {
        self.ce = ce
        self.referenceCycle = referenceCycle
        self.massBasis = massBasis
    }
}

public enum CycleAnalysis {
    /// Turns raw per-cycle totals into the derived quantities. Cycles that moved no charge are skipped.
    public static func summarize(_ totals: [CycleTotals], cell: CellMetadata?, options: CycleAnalysisOptions) -> [CycleSummary] {
        let mass = cell?.mass(basis: options.massBasis)
        let area = cell?.areaCm2
        let active = totals.filter { $0.chargeAh > 0 || $0.dischargeAh > 0 }
        func retained(_ t: CycleTotals) -> Double { options.ce == .chargeOverDischarge ? t.chargeAh : t.dischargeAh }
        let reference = active.first { $0.cycle == options.referenceCycle }.map(retained)
        return active.map { t in
            let ratio: Double? = {
                let (num, den) = options.ce == .chargeOverDischarge ? (t.chargeAh, t.dischargeAh) : (t.dischargeAh, t.chargeAh)
                return den > 0 ? num / den : nil
            }()
            let vc = t.chargeAh > 0 ? t.chargeWh / t.chargeAh : nil
            let vd = t.dischargeAh > 0 ? t.dischargeWh / t.dischargeAh : nil
            return CycleSummary(
                cycle: t.cycle, chargeMAh: t.chargeAh * 1000, dischargeMAh: t.dischargeAh * 1000,
                specificChargeMAhPerG: mass.map { t.chargeAh * 1000 / $0 },
                specificDischargeMAhPerG: mass.map { t.dischargeAh * 1000 / $0 },
                arealDischargeMAhPerCm2: area.map { t.dischargeAh * 1000 / $0 },
                arealChargeMAhPerCm2: area.map { t.chargeAh * 1000 / $0 },
                coulombicEfficiency: ratio,
                retention: reference.flatMap { $0 > 0 ? retained(t) / $0 : nil },
                chargeMWh: t.chargeWh * 1000, dischargeMWh: t.dischargeWh * 1000,
                averageChargeVolts: vc, averageDischargeVolts: vd,
                polarizationVolts: (vc != nil && vd != nil) ? vc! - vd! : nil,
                specificEnergyWhPerKg: mass.map { t.dischargeWh / ($0 / 1000) })
        }
    }

    /// Initial Coulombic efficiency: the CE of the first cycle that moved charge both ways.
    public static func initialCoulombicEfficiency(_ summaries: [CycleSummary]) -> Double? {
        summaries.first { $0.chargeMAh > 0 && $0.dischargeMAh > 0 }?.coulombicEfficiency
    }

    /// Mean CE over a cycle range (seed 002: "average CE").
    public static func averageCoulombicEfficiency(_ summaries: [CycleSummary], cycles: ClosedRange<Int>) -> Double? {
        let ces = summaries.filter { cycles.contains($0.cycle) }.compactMap(\.coulombicEfficiency)
        return ces.isEmpty ? nil : ces.reduce(0, +) / Double(ces.count)
    }

    /// Capacity fade per cycle between two cycles, as a fraction of the first (seed 000: 0.07 %/cycle).
    public static func fadePerCycle(_ summaries: [CycleSummary], from a: Int, to b: Int, ce: CEDefinition) -> Double? {
        func cap(_ s: CycleSummary) -> Double { ce == .chargeOverDischarge ? s.chargeMAh : s.dischargeMAh }
        guard b > a, let sa = summaries.first(where: { $0.cycle == a }), let sb = summaries.first(where: { $0.cycle == b }),
              cap(sa) > 0 else { return nil }
        return (1 - cap(sb) / cap(sa)) / Double(b - a)
    }
}
