import Foundation
import EchemCore
import EchemAnalysis

/// Renders per-cycle summaries for people (aligned table) and for programs (CSV).
enum SummaryTable {
    static func text(_ rows: [CycleSummary], cell: CellMetadata?, options: CycleAnalysisOptions) -> String {
        let basis = cell?.massBasis.map { " (\($0))" } ?? ""
        var out = "cycle  charge/mAh  disch/mAh  charge/mAh/g  disch/mAh/g  CE/%     retention/%  E_dis/mWh  V̄_ch/V  V̄_dis/V  ΔE/mV\n"
        for r in rows {
            out += [pad("\(r.cycle)", 5), num(r.chargeMAh, 10, 4), num(r.dischargeMAh, 9, 4),
                    num(r.specificChargeMAhPerG, 12, 1), num(r.specificDischargeMAhPerG, 11, 1),
                    num(r.coulombicEfficiency.map { $0 * 100 }, 7, 2), num(r.retention.map { $0 * 100 }, 11, 1),
                    num(r.dischargeMWh, 9, 4), num(r.averageChargeVolts, 7, 3), num(r.averageDischargeVolts, 8, 3),
                    num(r.polarizationVolts.map { $0 * 1000 }, 6, 0)].joined(separator: "  ") + "\n"
        }
        if let ice = CycleAnalysis.initialCoulombicEfficiency(rows) {
            out += String(format: "ICE %.1f %% (CE = %@); specific values per gram of %@%@\n", ice * 100,
                          options.ce.rawValue, cell?.massBasis ?? "the declared mass", basis.isEmpty ? "" : "")
        }
        return out
    }

    static func csv(_ rows: [CycleSummary]) -> String {
        var out = "cycle,charge_mAh,discharge_mAh,charge_mAh_per_g,discharge_mAh_per_g,charge_mAh_per_cm2,discharge_mAh_per_cm2,coulombic_efficiency,retention,charge_mWh,discharge_mWh,avg_charge_V,avg_discharge_V,polarization_V,specific_energy_Wh_per_kg\n"
        for r in rows {
            let fields: [Double?] = [r.chargeMAh, r.dischargeMAh, r.specificChargeMAhPerG, r.specificDischargeMAhPerG,
                                     r.arealChargeMAhPerCm2, r.arealDischargeMAhPerCm2, r.coulombicEfficiency, r.retention,
                                     r.chargeMWh, r.dischargeMWh, r.averageChargeVolts, r.averageDischargeVolts,
                                     r.polarizationVolts, r.specificEnergyWhPerKg]
            out += "\(r.cycle)," + fields.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? s : String(repeating: " ", count: w - s.count) + s
    }

    static func num(_ x: Double?, _ w: Int, _ decimals: Int) -> String {
        pad(x.map { String(format: "%.\(decimals)f", $0) } ?? "-", w)
    }
}
