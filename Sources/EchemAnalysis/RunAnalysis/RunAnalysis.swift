import EchemCore

/// The analysis stored with a finished run, computed from what the store holds: the program (for
/// each sweep's scan rate and path), the step log, the samples and the EIS spectra. Plain values in,
/// a `Codable` report out; the store and the daemon only move the JSON.
///
/// - every sweep step: CV peaks per sweep cycle (`CVStepReport`);
/// - sweeps at ≥ 3 scan rates: b-value, Randles–Sevcik slope (and D when the cell gives the area
///   and a concentration is given) and Dunn's split, per peak direction (`ScanRateReport`);
/// - every EIS spectrum: lin-KK and the R_e + (R_ct ∥ CPE) fit with and without W (`EISSpectrumReport`).
///
/// A part that cannot be analysed (too few samples in a stopped sweep, a spectrum too short to
/// fit) leaves a message in `errors` naming the step or spectrum; the other parts are still made.
public enum RunAnalysis {
    /// Which cycle at each scan rate feeds the scan-rate fits.
    public enum CycleChoice: String, Sendable, Hashable, Codable, CaseIterable {
        /// The first cycle at the rate: a dissolved couple's first scan from rest is the one
        /// Randles–Sevcik describes.
        case first
        /// The last: battery CVs analyse a later cycle, the first carrying the rate change's transient.
        case last
    }

    public struct Options: Sendable, Hashable, Codable {
        /// Electrons per molecule, n (Randles–Sevcik D).
        public var electrons: Int
        /// Bulk concentration of the electroactive species (mol/cm³; 1 mM = 1e-6); D needs it.
        public var concentrationMolPerCm3: Double?
        public var kelvin: Double
        public var cycleChoice: CycleChoice
        /// Peak heights over a straight baseline fitted to this fraction of each sweep's start
        /// (`CVBaseline.sweepStart`); nil measures them from zero current, as the seeds' plots do.
        public var baselineFraction: Double?
        /// Scan rates within this relative difference are the same rate (the program's 0.1 mV/s and
        /// a measured 0.1003 mV/s).
        public var rateTolerance: Double
        /// A sweep reverses once the potential comes back this far from its extreme (V).
        public var reversalVolts: Double

        public init(electrons: Int = 1, concentrationMolPerCm3: Double? = nil, kelvin: Double = 298.15,
                    cycleChoice: CycleChoice = .last, baselineFraction: Double? = nil, rateTolerance: Double = 0.02,
                    reversalVolts: Double = 0.005) {
            self.electrons = electrons
            self.concentrationMolPerCm3 = concentrationMolPerCm3
            self.kelvin = kelvin
            self.cycleChoice = cycleChoice
            self.baselineFraction = baselineFraction
            self.rateTolerance = rateTolerance
            self.reversalVolts = reversalVolts
        }

        /// Every problem, each naming the option, its value and what is valid.
        public var problems: [String] {
            var out: [String] = []
            if !(1...10).contains(electrons) { out.append("electrons \(electrons): must be a whole number from 1 to 10") }
            if let c = concentrationMolPerCm3, !(c.isFinite && c > 0) {
                out.append("concentration \(c) mol/cm³: must be > 0 (1 mM = 1e-6 mol/cm³)")
            }
            if !(kelvin.isFinite && kelvin > 0) { out.append("temperature \(kelvin) K: must be > 0 K (25 °C = 298.15 K)") }
            if let f = baselineFraction, !(f > 0 && f < 1) {
                out.append("baseline fraction \(f): must be between 0 and 1 (0.1 = the first tenth of each sweep)")
            }
            if !(rateTolerance > 0 && rateTolerance < 0.5) {
                out.append("rate tolerance \(rateTolerance): must be between 0 and 0.5 (0.02 = 2 %)")
            }
            if !(reversalVolts.isFinite && reversalVolts > 0) {
                out.append("reversal threshold \(reversalVolts) V: must be > 0 V (e.g. 0.005)")
            }
            return out
        }

        var cvOptions: CVAnalysis.Options {
            CVAnalysis.Options(baseline: baselineFraction.map { .sweepStart(fraction: $0) } ?? .none,
                               reversalVolts: reversalVolts)
        }
    }

    /// Analyses one run. `samples` may be all of the run's samples or only those of its sweep steps
    /// (others are ignored), in seq order. Throws only for invalid `options`.
    public static func analyse(program: StepProgram?, cell: CellMetadata?, steps: [StepRecord], samples: [Sample],
                               spectra: [ImpedanceSpectrum], options: Options = Options()) throws -> RunAnalysisReport {
        let problems = options.problems
        guard problems.isEmpty else { throw RunAnalysisError("analysis options: " + problems.joined(separator: "; ")) }
        var errors: [String] = []
        var notes: [String] = []

        let sweepSteps = steps.filter { $0.kind == .sweep }
        var cvSteps: [CVStepReport] = []
        if !sweepSteps.isEmpty {
            let definitions = stepDefinitions(program)
            var byStep: [Int: [Sample]] = [:]
            let wanted = Set(sweepSteps.map(\.stepCount))
            for s in samples where wanted.contains(s.stepCount) { byStep[s.stepCount, default: []].append(s) }
            for record in sweepSteps {
                do {
                    cvSteps.append(try SweepStepAnalysis.analyse(record, step: definitions[record.stepID],
                                                                 samples: byStep[record.stepCount] ?? [],
                                                                 options: options))
                } catch {
                    errors.append("sweep step \(describe(record)): \(error)")
                }
            }
        }

        let series = RunScanRates(cvSteps, options: options)
        var scanRate: ScanRateReport?
        if series.rates.count >= 3 {
            scanRate = series.report(areaCm2: cell?.areaCm2)
        } else if !cvSteps.isEmpty {
            notes.append("scan-rate analysis needs sweeps at 3 or more scan rates; this run has \(series.rates.count)")
        }

        var eisReports: [EISSpectrumReport] = []
        for spectrum in spectra {
            let (report, failures) = SpectrumAnalysis.analyse(spectrum)
            eisReports.append(report)
            errors += failures
        }
        if sweepSteps.isEmpty && spectra.isEmpty {
            notes.append("nothing to analyse here: the run has no sweep steps and no EIS spectra")
        }

        let overview = RunAnalysisOverview(sweepSteps: sweepSteps.count, sweepCycles: cvSteps.reduce(0) { $0 + $1.cycles.count },
                                           scanRates: series.rates, spectra: spectra.count, options: options, notes: notes)
        return RunAnalysisReport(overview: overview, cv: cvSteps.isEmpty ? nil : CVRunReport(steps: cvSteps),
                                 scanRate: scanRate, eis: eisReports.isEmpty ? nil : EISRunReport(spectra: eisReports),
                                 errors: errors)
    }

    /// Every step of the program (main and event bodies) by id.
    static func stepDefinitions(_ program: StepProgram?) -> [Int: Step] {
        guard let program else { return [:] }
        var out: [Int: Step] = [:]
        for code in [program.instructions] + program.subroutines {
            for case .step(let s) in code { out[s.id] = s }
        }
        return out
    }

    static func describe(_ r: StepRecord) -> String {
        "#\(r.stepCount) (step \(r.stepID)\(r.label.map { " '\($0)'" } ?? ""))"
    }
}
