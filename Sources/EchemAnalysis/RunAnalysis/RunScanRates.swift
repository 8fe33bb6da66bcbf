import EchemCore

/// A run's complete sweep cycles grouped by scan rate, and the fits of peak current against it.
struct RunScanRates {
    struct Candidate {
        var rate: Double
        var stepCount: Int
        var peaks: CVCyclePeaks
    }

    /// Candidates per distinct rate (slowest first), each group in run order.
    let groups: [[Candidate]]
    let options: RunAnalysis.Options

    /// Mean rate of each group (V/s), slowest first.
    var rates: [Double] { groups.map { g in g.reduce(0) { $0 + $1.rate } / Double(g.count) } }

    init(_ steps: [CVStepReport], options: RunAnalysis.Options) {
        self.options = options
        var all: [Candidate] = []
        for s in steps {
            for c in s.cycles where c.complete && c.scanRateVoltsPerSecond > 0 {
                all.append(Candidate(rate: c.scanRateVoltsPerSecond, stepCount: s.stepCount, peaks: c.peaks))
            }
        }
        // A group spans the rates within the tolerance of its slowest; inside it, run order.
        var groups: [[Candidate]] = []
        for c in all.sorted(by: { $0.rate < $1.rate }) {
            if let first = groups.last?.first, (c.rate - first.rate) / first.rate <= options.rateTolerance {
                groups[groups.count - 1].append(c)
            } else {
                groups.append([c])
            }
        }
        self.groups = groups.map { g in g.sorted { ($0.stepCount, $0.peaks.cycle) < ($1.stepCount, $1.peaks.cycle) } }
    }

    func report(areaCm2: Double?) -> ScanRateReport {
        var notes: [String] = []
        let canGiveD = areaCm2 != nil && options.concentrationMolPerCm3 != nil
        if !canGiveD {
            var missing: [String] = []
            if areaCm2 == nil { missing.append("the electrode area (cell `area`)") }
            if options.concentrationMolPerCm3 == nil { missing.append("the concentration (analysis option)") }
            notes.append("D not computed: it needs \(missing.joined(separator: " and ")); the slope K is given alone")
        }
        let anodic = direction(.anodic, areaCm2: canGiveD ? areaCm2 : nil)
        let cathodic = direction(.cathodic, areaCm2: canGiveD ? areaCm2 : nil)
        for (name, fitted) in [("anodic", anodic != nil), ("cathodic", cathodic != nil)] where !fitted {
            notes.append("no \(name) fits: that peak was found in complete cycles at fewer than 3 scan rates")
        }
        return ScanRateReport(cycleChoice: options.cycleChoice, electrons: options.electrons, areaCm2: areaCm2,
                              concentrationMolPerCm3: options.concentrationMolPerCm3, kelvin: options.kelvin,
                              anodic: anodic, cathodic: cathodic, notes: notes)
    }

    /// The fits for one peak, or nil when it was found at fewer than 3 rates.
    private func direction(_ d: SweepDirection, areaCm2: Double?) -> ScanRateDirectionReport? {
        var points: [ScanRatePoint] = []
        for group in groups {
            let having = group.filter { (d == .anodic ? $0.peaks.anodic : $0.peaks.cathodic) != nil }
            guard let pick = options.cycleChoice == .first ? having.first : having.last,
                  let peak = d == .anodic ? pick.peaks.anodic : pick.peaks.cathodic,
                  peak.heightAmperes != 0 else { continue }
            points.append(ScanRatePoint(scanRateVoltsPerSecond: pick.rate, peakAmperes: abs(peak.heightAmperes),
                                        peakVolts: peak.volts, stepCount: pick.stepCount, cycle: pick.peaks.cycle))
        }
        guard points.count >= 3 else { return nil }
        var notes: [String] = []
        let v = points.map(\.scanRateVoltsPerSecond), i = points.map(\.peakAmperes)
        func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
            do { return try body() } catch {
                notes.append("\(what): \(error)")
                return nil
            }
        }
        let b = attempt("b-value") { try ScanRateAnalysis.bValue(scanRates: v, peakAmperes: i) }
        let rs = attempt("Randles–Sevcik") {
            // n, A and C together or not at all: D needs all three.
            try ScanRateAnalysis.randlesSevcik(scanRates: v, peakAmperes: i,
                                               electrons: areaCm2 == nil ? nil : options.electrons, areaCm2: areaCm2,
                                               concentrationMolPerCm3: areaCm2 == nil ? nil : options.concentrationMolPerCm3,
                                               kelvin: options.kelvin)
        }
        let split = attempt("surface/diffusion split") { try ScanRateAnalysis.capacitiveDiffusive(scanRates: v, peakAmperes: i) }
        return ScanRateDirectionReport(direction: d, points: points, bValue: b, randlesSevcik: rs, split: split, notes: notes)
    }
}
