import EchemCore
import Foundation

/// A run's analysis as tables for people (what `echemctl analyze` prints): peaks per cycle, the
/// scan-rate fits, and per spectrum lin-KK and both circuit fits with standard errors.
public enum RunAnalysisText {
    public static func render(_ report: RunAnalysisReport) -> String {
        var out: [String] = []
        if let cv = report.cv { out.append(peaks(cv, options: report.overview.options)) }
        if let s = report.scanRate { out.append(scanRates(s)) }
        if let eis = report.eis { out += eis.spectra.map { spectrum($0, errors: report.errors) } }
        if !report.overview.notes.isEmpty { out.append(report.overview.notes.map { "note: \($0)" }.joined(separator: "\n")) }
        if !report.errors.isEmpty {
            out.append((["Could not analyse:"] + report.errors.map { "  - \($0)" }).joined(separator: "\n"))
        }
        return out.joined(separator: "\n\n") + "\n"
    }

    // MARK: CV

    static func peaks(_ cv: CVRunReport, options: RunAnalysis.Options) -> String {
        let baseline = options.baselineFraction.map { "over a baseline fitted to the first \(percent($0)) of each sweep" }
            ?? "from zero current"
        var rows = [["step", "label", "cycle", "v/(mV/s)", "E_pa/V", "i_pa", "E_pc/V", "i_pc", "ΔE_p/mV", "E½/V", "notes"]]
        var notes: [String] = []
        for step in cv.steps {
            for c in step.cycles {
                let p = c.peaks
                var remarks = p.notes
                if !c.complete { remarks.insert("incomplete", at: 0) }
                if c.scanRateSource == .samples { remarks.append("rate measured") }
                rows.append(["#\(step.stepCount)", step.label ?? "-", "\(c.cycle)", SIFormat.number(c.scanRateVoltsPerSecond * 1000),
                             p.anodic.map { fixed($0.volts, 4) } ?? "-", p.anodic.map { si($0.heightAmperes, "A") } ?? "-",
                             p.cathodic.map { fixed($0.volts, 4) } ?? "-", p.cathodic.map { si($0.heightAmperes, "A") } ?? "-",
                             p.peakSeparationVolts.map { fixed($0 * 1000, 1) } ?? "-", p.midpointVolts.map { fixed($0, 4) } ?? "-",
                             remarks.joined(separator: "; ")])
            }
            notes += step.notes.map { "step #\(step.stepCount): \($0)" }
        }
        return (["CV peaks per cycle (peak currents \(baseline))", table(rows, left: [0, 1, 10])] + notes).joined(separator: "\n")
    }

    static func scanRates(_ s: ScanRateReport) -> String {
        var inputs = ["n = \(s.electrons)"]
        if let a = s.areaCm2 { inputs.append("A = \(SIFormat.number(a)) cm²") }
        if let c = s.concentrationMolPerCm3 { inputs.append("C = \(SIFormat.number(c * 1e6)) mM") }
        var rows = [["peak", "rates", "b", "R²(log-log)", "K/(A·s½·V⁻½)", "intercept", "R²", "D/(cm²/s)"]]
        var lines: [String] = []
        for d in [s.anodic, s.cathodic].compactMap({ $0 }) {
            let rs = d.randlesSevcik
            rows.append([d.direction.rawValue, "\(d.points.count)",
                         d.bValue.map { pm($0.b, $0.bStandardError, decimals: 4) } ?? "-",
                         d.bValue.map { fixed($0.r2, 5) } ?? "-",
                         rs.map { sci($0.slope) + ($0.slopeStandardError.map { " ± " + sci($0) } ?? "") } ?? "-",
                         rs.map { si($0.intercept, "A") } ?? "-", rs.map { fixed($0.r2, 5) } ?? "-",
                         rs?.diffusionCm2PerSecond.map { sci($0) + (rs?.diffusionStandardError.map { " ± " + sci($0) } ?? "") } ?? "-"])
            let used = d.points.map { "\(SIFormat.number($0.scanRateVoltsPerSecond * 1000)) mV/s → \(si($0.peakAmperes, "A")) (#\($0.stepCount) c\($0.cycle))" }
            lines.append("\(d.direction.rawValue) points: " + used.joined(separator: ", "))
            lines += d.notes.map { "\(d.direction.rawValue): \($0)" }
        }
        let head = "Scan-rate series (\(s.cycleChoice.rawValue) complete cycle at each rate; i_p = a·v^b, i_p = K·√v + c; "
            + inputs.joined(separator: ", ") + ")"
        return ([head, table(rows)] + lines + s.notes.map { "note: \($0)" }).joined(separator: "\n")
    }

    // MARK: EIS

    /// `errors` are the run's: a failure already listed there is not repeated under the spectrum.
    static func spectrum(_ s: EISSpectrumReport, errors: [String] = []) -> String {
        var head = "EIS spectrum \(s.index) (step #\(s.stepCount), cycle \(s.cycle), t = \(SIFormat.duration(s.testTime)); "
            + "\(s.pointCount) points"
        if let hi = s.highestHz, let lo = s.lowestHz { head += ", \(si(hi, "Hz")) – \(si(lo, "Hz"))" }
        head += ")"
        var lines = [head]
        if let kk = s.linKK {
            lines.append("lin-KK: max residual \(fixed(kk.maxAbsResidual * 100, 3)) %, mean \(fixed(kk.meanAbsResidual * 100, 3)) % "
                         + "(M = \(kk.elements), μ = \(fixed(kk.mu, 3))): " + (kk.valid ? "consistent" : "NOT consistent (> 1 %)"))
        }
        if !s.fits.isEmpty {
            var rows = [["parameter"] + s.fits.map { $0.result.circuit.rawValue + ($0.result.circuit == s.preferred ? " (preferred)" : "") }]
            let names = EISCircuit.chargeTransferWarburg.parameterNames
            for (k, name) in names.enumerated() {
                rows.append([name] + s.fits.map { f in
                    f.result.parameter(name).map { p in valueWithError(p.value, p.standardError, unit: p.unit) }
                        ?? (k < f.result.parameters.count ? "?" : "-")
                })
            }
            rows.append(["χ²/dof"] + s.fits.map { sci($0.result.reducedChiSquare) })
            rows.append(["max |ΔZ|/|Z|"] + s.fits.map { fixed($0.result.maxRelativeResidual * 100, 2) + " %" })
            rows.append(["AIC"] + s.fits.map { fixed($0.aic, 1) })
            rows.append(["converged"] + s.fits.map { $0.result.converged ? "yes" : "no" })
            lines.append(table(rows))
        }
        lines += s.notes.filter { n in !errors.contains { $0.hasSuffix(n) } }.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }

    // MARK: Formatting

    /// Columns two spaces apart; numbers right-aligned, the columns in `left` (names, notes) left-aligned.
    static func table(_ rows: [[String]], left: Set<Int> = [0]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in rows { for (k, cell) in r.enumerated() { widths[k] = max(widths[k], cell.count) } }
        return rows.map { r in
            r.enumerated().map { k, cell in
                let pad = String(repeating: " ", count: widths[k] - cell.count)
                return left.contains(k) ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        x.isFinite ? String(format: "%.\(decimals)f", x) : "\(x)"
    }

    static func sci(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }

    static func si(_ x: Double, _ unit: String) -> String { SIFormat.format(x, unit: unit, significant: 4) }

    static func percent(_ f: Double) -> String { "\(SIFormat.number(f * 100)) %" }

    static func pm(_ x: Double, _ se: Double?, decimals: Int) -> String {
        fixed(x, decimals) + (se.map { " ± " + fixed($0, decimals) } ?? "")
    }

    /// `50.02 Ω ± 41 mΩ`; dimensionless values as plain numbers.
    static func valueWithError(_ x: Double, _ se: Double?, unit: String) -> String {
        if unit == "1" { return fixed(x, 4) + (se.map { " ± " + String(format: "%.2g", $0) } ?? "") }
        return SIFormat.format(x, unit: unit, significant: 4)
            + (se.map { " ± " + SIFormat.format($0, unit: unit, significant: 2) } ?? " (no std. error)")
    }
}
