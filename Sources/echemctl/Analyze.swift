import ArgumentParser
import EchemAnalysis
import EchemDaemon
import EchemStore
import Foundation

extension RunAnalysis.CycleChoice: ExpressibleByArgument {}

struct Analyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "CV peaks, b-value, Randles–Sevcik and EIS fits of a stored run (as stored with it; computed if missing).",
        discussion: """
        Prints the analyses stored with the run: CV peaks per sweep cycle, the b-value and Randles–Sevcik \
        slope when the run sweeps at 3 or more scan rates, and per EIS spectrum the lin-KK residual and \
        the R_e + (R_ct ∥ CPE) fit with and without W (± standard errors). When none is stored, or with \
        --recompute, it computes them from the run's data and stores them first. The analysis options \
        below apply only when computing.

        Example: echemctl analyze 3f2a --db runs.sqlite --concentration-mm 1 --recompute
        """)

    @Argument(help: "The run id or a unique prefix.")
    var run: String

    @Option(help: "The SQLite store holding the run.")
    var db: String = Simulate.defaultDatabase

    @Flag(help: "Print the stored JSON documents, keyed by kind, instead of tables.")
    var json = false

    @Flag(help: "Compute the analysis again and replace what is stored.")
    var recompute = false

    @Option(help: "Bulk concentration of the electroactive species in mM (mmol/L), for D from the Randles–Sevcik slope, e.g. 1.")
    var concentrationMm: Double?

    @Option(help: "Electrons transferred per molecule, n, for D.")
    var electrons: Int = 1

    @Option(help: "Which cycle at each scan rate the scan-rate fits use: first or last.")
    var cycle: RunAnalysis.CycleChoice = .last

    @Option(help: "Peak heights over a straight baseline fitted to this fraction of each sweep's start, e.g. 0.1 (default: from zero current).")
    var baseline: Double?

    func run() async throws {
        let options = RunAnalysis.Options(electrons: electrons, concentrationMolPerCm3: concentrationMm.map { $0 * 1e-6 },
                                          cycleChoice: cycle, baselineFraction: baseline)
        let problems = options.problems
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        let store = try RunStore(path: db)
        let stored = try store.run(prefix: run)
        let id = stored.info.id
        var analyses = try store.analyses(runID: id)
        if recompute || analyses.isEmpty {
            try RunAnalyser.analyseAndStore(store: store, runID: id, options: options)
            analyses = try store.analyses(runID: id)
        } else if concentrationMm != nil || electrons != 1 || cycle != .last || baseline != nil {
            printError("note: the stored analysis is shown; analysis options apply when computing (add --recompute)")
        }
        let computed = analyses.map(\.computedUnix).max() ?? 0
        if json {
            let body = analyses.map { "\"\($0.kind)\":\($0.json)" }.joined(separator: ",")
            print("{\"run\":\"\(id.uuidString.lowercased())\",\"computed_unix\":\(computed),\"analyses\":{\(body)}}")
            return
        }
        let report = try RunAnalysisReport(documents: analyses.map { (kind: $0.kind, json: $0.json) })
        let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: computed))
        print("Run \(id.uuidString.lowercased()) — \(stored.info.protocolName) (\(stored.status.rawValue)); "
              + "analysis computed \(when)\n")
        print(RunAnalysisText.render(report), terminator: "")
    }
}
