import EchemAnalysis
import EchemCore
import EchemStore
import Foundation

/// Computes a run's analysis (CV peaks, scan-rate fits, EIS fits) from its stored data and stores it
/// with the run, replacing what was there. Called when a run finishes, and by `echemctl analyze`.
public enum RunAnalyser {
    /// Analyses run `runID` and replaces its stored analyses; returns the kinds saved (`overview`,
    /// `cv`, `scan_rate`, `eis`, `error`). It only reads the run's rows and writes the analysis
    /// table, so it can never damage a run; whatever cannot be analysed is stored as kind `error`
    /// with the reason. Throws only when the run is not in the store or the analysis cannot be
    /// written. Blocking (SQLite reads, fits that take milliseconds per spectrum): call it off
    /// Swift's cooperative pool.
    @discardableResult
    public static func analyseAndStore(store: RunStore, runID: UUID,
                                       options: RunAnalysis.Options = RunAnalysis.Options()) throws -> [String] {
        _ = try store.analyses(runID: runID)  // throws StoreError.unknownRun before anything is computed
        var documents: [(kind: String, json: String)]
        do {
            documents = try analyse(store: store, runID: runID, options: options).documents()
        } catch {
            let errors = RunAnalysisErrors(messages: ["the run could not be analysed: \(error)"])
            let json = (try? AnalysisJSON.encoder().encode(errors)).map { String(decoding: $0, as: UTF8.self) }
            documents = [(RunAnalysisKind.error.rawValue, json ?? #"{"messages":["the run could not be analysed"]}"#)]
        }
        try store.replaceAnalyses(runID: runID, documents: documents)
        return documents.map(\.kind)
    }

    /// The report from the store's data, without storing it. Only the samples of sweep steps are
    /// kept in memory, so a months-long cycling run costs one pass over its rows (none without sweeps).
    public static func analyse(store: RunStore, runID: UUID,
                               options: RunAnalysis.Options = RunAnalysis.Options()) throws -> RunAnalysisReport {
        let run = try store.run(id: runID)
        let steps = try store.steps(runID: runID)
        let sweepSteps = Set(steps.filter { $0.kind == .sweep }.map(\.stepCount))
        var samples: [Sample] = []
        if !sweepSteps.isEmpty {
            try store.forEachSample(runID: runID) { if sweepSteps.contains($0.stepCount) { samples.append($0) } }
        }
        return try RunAnalysis.analyse(program: run.info.program, cell: run.info.cell, steps: steps, samples: samples,
                                       spectra: try store.spectra(runID: runID), options: options)
    }
}
