import EchemCore
import EchemSim
import EchemStore
import Foundation
import Testing
@testable import EchemAnalysis

/// A 1 mM reversible couple (D = 1e-5 cm²/s, n = 1) at a 3 mm disc, E° = 0.2 V.
let reversibleCouple = RedoxCouple(e0Volts: 0.2, concentrationMolPerCm3: 1e-6, diffusionCm2PerSecond: 1e-5,
                                   areaCm2: 0.0707)

/// A scan-rate series as a scientist writes it: before each CV a quiet hold at the start potential
/// (long enough for the previous scan's diffusion layer to relax, as a potentiostat's quiet time
/// does), then `cycles` cycles 0.5 V → −0.1 V → 0.5 V. The cell's area is what D needs.
func scanRateSeries(_ rates: [Double], cycles: Int = 1, quietSeconds: Double = 600) -> String {
    var steps = ""
    for v in rates {
        let mv = Int((v * 1000).rounded())
        steps += """
              - {label: quiet_\(mv), hold: 0.5 V, until: [time >= \(Int(quietSeconds)) s], record: {every: 60 s}}
              - {label: cv_\(mv), sweep: {start: 0.5 V, vertices: [-0.1 V], scan_rate: \(mv) mV/s, cycles: \(cycles)}}

            """
    }
    return """
        echemd: 1
        name: Reversible couple, CV at \(rates.count) scan rates
        cell: {name: 3 mm disc in 1 mM couple, area: 0.0707 cm2}
        record: {every: 1 ms}
        safety: {voltage: [-0.5 V, 1.0 V], current: 5 mA}
        steps:
        \(steps)
        """
}

/// Randles–Sevcik slope K = 0.4463·n^1.5·F^1.5·A·C·√(D/RT) (A·s^½·V^−½).
func theoreticalSlope(_ c: RedoxCouple) -> Double {
    let F = RedoxCouple.faraday, n = Double(c.electrons)
    return 0.4463 * pow(n, 1.5) * pow(F, 1.5) * c.areaCm2 * c.concentrationMolPerCm3
        * (c.diffusionCm2PerSecond / (RedoxCouple.gasConstant * c.kelvin)).squareRoot()
}

@Suite("Run analysis: CV scan-rate series recorded through the engine into a store")
struct RunAnalysisCVTests {
    static let rates = [0.02, 0.05, 0.1, 0.2, 0.5]

    @Test("the stored b-value of a reversible couple is 0.5 (diffusion control) for both peaks, after a reopen")
    func storedBValueIsOneHalf() async throws {
        let run = try await record(scanRateSeries(Self.rates), on: RedoxChannel(reversibleCouple, restingAt: 0.5))
        defer { run.remove() }
        #expect(run.outcome.status == .completed)
        let report = try run.analysis()
        try run.store.replaceAnalyses(runID: run.runID, documents: try report.documents())
        try run.store.close()

        let reopened = try RunStore(path: run.path)
        let stored = try reopened.analyses(runID: run.runID)
        #expect(stored.map(\.kind) == ["cv", "overview", "scan_rate"])
        let back = try RunAnalysisReport(documents: stored.map { ($0.kind, $0.json) })
        #expect(back == report, "what is stored reads back as computed")
        let series = try #require(back.scanRate)
        for direction in [series.cathodic, series.anodic] {
            let d = try #require(direction)
            let b = try #require(d.bValue)
            #expect(d.points.count == 5)
            #expect(abs(b.b - 0.5) < 0.05, "\(d.direction) b = \(b.b)")
            #expect(b.r2 > 0.999)
        }
        #expect(back.overview.scanRates.count == 5)
        #expect(zip(back.overview.scanRates, Self.rates).allSatisfy { abs($0 / $1 - 1) < 1e-9 })
    }

    @Test("the Randles–Sevcik slope of the forward (cathodic) peak is 0.4463·n^1.5·F^1.5·A·C·√(D/RT) within 1 %, and gives D back")
    func randlesSevcikSlopeMatchesTheory() async throws {
        let run = try await record(scanRateSeries(Self.rates), on: RedoxChannel(reversibleCouple, restingAt: 0.5))
        defer { run.remove() }
        let withoutC = try #require(try run.analysis().scanRate?.cathodic?.randlesSevcik)
        let k = theoreticalSlope(reversibleCouple)
        #expect(abs(withoutC.slope / k - 1) < 0.01, "K = \(withoutC.slope), theory \(k)")
        #expect(withoutC.diffusionCm2PerSecond == nil, "no concentration given: the slope alone")

        let withC = try #require(try run.analysis(.init(concentrationMolPerCm3: 1e-6)).scanRate)
        #expect(withC.areaCm2 == 0.0707, "the area comes from the run's cell")
        let d = try #require(withC.cathodic?.randlesSevcik?.diffusionCm2PerSecond)
        #expect(abs(d / 1e-5 - 1) < 0.02, "D = \(d) cm²/s")
    }

    @Test("a sweep step of 3 cycles gives 3 cycles: E_pc = E° − 1.109RT/F, ΔE_p ≈ 58 mV, and a depleted later scan")
    func cyclesOfOneSweepStepAreSplit() async throws {
        let run = try await record(scanRateSeries([0.1], cycles: 3), on: RedoxChannel(reversibleCouple, restingAt: 0.5))
        defer { run.remove() }
        let step = try #require(try run.analysis().cv?.steps.first)
        #expect(step.label == "cv_100")
        #expect(step.cycles.map(\.cycle) == [1, 2, 3])
        #expect(step.cycles.allSatisfy { $0.complete && $0.scanRateSource == .program })
        let expectedEpc = reversibleCouple.e0Volts - 1.109 / reversibleCouple.nFOverRT
        for c in step.cycles {
            let p = c.peaks
            let cathodic = try #require(p.cathodic), separation = try #require(p.peakSeparationVolts)
            #expect(abs(cathodic.volts - expectedEpc) < 0.0015, "cycle \(c.cycle) E_pc = \(cathodic.volts)")
            #expect(separation > 0.056 && separation < 0.061, "cycle \(c.cycle) ΔE_p = \(separation)")
            #expect(abs(p.scanRateVoltsPerSecond / 0.1 - 1) < 0.01, "measured rate \(p.scanRateVoltsPerSecond)")
        }
        let first = try #require(step.cycles[0].peaks.cathodic), second = try #require(step.cycles[1].peaks.cathodic)
        // The first scan starts from a uniform solution: Randles–Sevcik. The second starts in the
        // depletion the first left behind, so its peak is lower.
        #expect(abs(abs(first.heightAmperes) / reversibleCouple.randlesSevcikPeakAmperes(scanRate: 0.1) - 1) < 0.01)
        #expect(abs(second.heightAmperes) < 0.95 * abs(first.heightAmperes))
    }

    @Test("a sweep starting at the open-circuit potential between its vertices ends each cycle as it passes the start")
    func openCircuitStartBetweenVertices() async throws {
        let yaml = """
            echemd: 1
            name: CV from OCV
            record: {every: 1 ms}
            steps:
              - {hold: 0.25 V, until: [time >= 300 s], record: {every: 60 s}}
              - {rest: 20 s, record: {every: 10 s}}
              - {label: cv, sweep: {start: ocv, vertices: [-0.1 V, 0.5 V], scan_rate: 50 mV/s, cycles: 2}}
            """
        let run = try await record(yaml, on: RedoxChannel(reversibleCouple, restingAt: 0.5))
        defer { run.remove() }
        let report = try run.analysis()
        let step = try #require(report.cv?.steps.first)
        #expect(step.cycles.map(\.cycle) == [1, 2])
        #expect(step.cycles.allSatisfy { $0.complete })
        #expect(step.cycles.allSatisfy { $0.peaks.anodic != nil && $0.peaks.cathodic != nil })
        #expect(report.scanRate == nil)
        #expect(report.overview.notes.contains { $0.contains("3 or more scan rates; this run has 1") })
    }

    @Test("samples 7 mV apart that miss the vertices still split into the 3 programmed cycles, each ending as it passes the start")
    func sparseSamplesSplitAtTheStart() {
        let sweep = Sweep(startVolts: 0.2, vertices: [-0.1, 0.5], scanRateVoltsPerSecond: 1, cycles: 3, stepVolts: 0)
        var runner = SweepRunner(sweep, startVolts: 0.2)
        var volts: [Double] = []
        while !runner.done { volts.append(runner.advance(0.007)) }
        #expect(!volts.contains(-0.1) && !volts.contains(0.5), "no sample lands on a vertex")
        let split = SweepCycleSplitter.split(volts: volts, sweep: sweep, start: 0.2)
        #expect(split.completed == [1, 2, 3])
        #expect(Set(split.cycles) == [1, 2, 3])
        for c in 1...2 {
            let last = split.cycles.lastIndex(of: c)!
            // Heading down from 0.5 V: the first sample within 1 mV of the start ends the cycle.
            #expect(volts[last] <= 0.201 && volts[last - 1] > 0.201, "cycle \(c) ends at \(volts[last]) V")
        }
        let perCycle = (1...3).map { c in split.cycles.filter { $0 == c }.count }
        #expect(perCycle.allSatisfy { abs($0 - 171) <= 2 }, "1.2 V of path at 7 mV per sample: \(perCycle)")
    }

    @Test("a sweep stopped after two samples is reported as an error naming the step; the rest is still analysed")
    func stoppedSweepIsAnErrorNotACrash() throws {
        let sweep = Sweep(startVolts: 0.5, vertices: [-0.1], scanRateVoltsPerSecond: 0.1, cycles: 1)
        let program = StepProgram(name: "short", source: "short.yaml", instructions: [
            .step(Step(id: 1, label: "cv_fast", summary: "sweep", control: .sweep(sweep))),
        ])
        let steps = [StepRecord(stepCount: 1, stepID: 1, label: "cv_fast", kind: .sweep, cycle: 1, startTestTime: 0,
                                endTestTime: 0.02, endReason: "operator stop")]
        let samples = [1.0, 2.0].map { k -> Sample in
            let t = 0.01 * k
            return Sample(seq: Int64(k) - 1, testTime: t, unixTime: 0, stepTime: t, volts: 0.5 - 0.001 * k,
                          amperes: -1e-7, stepID: 1, stepCount: 1, cycle: 1)
        }
        let report = try RunAnalysis.analyse(program: program, cell: nil, steps: steps, samples: samples, spectra: [])
        #expect(report.errors == ["sweep step #1 (step 1 'cv_fast'): 2 stored samples; CV peaks need at least 3 "
                                  + "(was the sweep stopped at once?)"])
        let kinds = try report.documents().map { $0.kind }
        #expect(kinds == ["overview", "error"])
    }

    @Test("invalid options are refused with what would be valid")
    func invalidOptionsAreRefused() {
        #expect(throws: RunAnalysisError.self) {
            try RunAnalysis.analyse(program: nil, cell: nil, steps: [], samples: [], spectra: [],
                                    options: .init(electrons: 0, concentrationMolPerCm3: -1))
        }
        let problems = RunAnalysis.Options(electrons: 0, concentrationMolPerCm3: -1).problems
        #expect(problems == ["electrons 0: must be a whole number from 1 to 10",
                             "concentration -1.0 mol/cm³: must be > 0 (1 mM = 1e-6 mol/cm³)"])
    }
}
