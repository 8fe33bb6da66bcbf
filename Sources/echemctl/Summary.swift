import ArgumentParser
import Foundation
import EchemCore
import EchemStore
import EchemAnalysis

struct Summary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-cycle table of a stored run: capacities, CE, retention, energy, average voltages.",
        discussion: "Example: echemctl summary 3f2a --db runs.sqlite --csv > cycles.csv")

    @Argument(help: "The run id or a unique prefix; omit with --list.")
    var run: String?

    @Option(help: "The SQLite store holding the run.")
    var db: String = Simulate.defaultDatabase

    @Flag(help: "List the runs in the store instead.")
    var list = false

    @Flag(help: "Write CSV to stdout instead of a table.")
    var csv = false

    @OptionGroup var analysis: AnalysisOptions

    func run() async throws {
        let store = try RunStore(path: db)
        if list || run == nil {
            for r in try store.runs() {
                print("\(r.id.uuidString.lowercased())  \(r.status.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))  \(r.channel)  \(r.protocolName)")
            }
            return
        }
        let stored = try store.run(prefix: run!)
        var totals: [CycleTotals] = []
        try store.forEachSample(runID: stored.info.id) { CycleTotals.fold($0, into: &totals) }
        let cell = stored.info.cell
        let rows = CycleAnalysis.summarize(totals, cell: cell, options: analysis.options(for: cell))
        print(csv ? SummaryTable.csv(rows) : SummaryTable.text(rows, cell: cell, options: analysis.options(for: cell)), terminator: "")
    }
}

/// How cycles are judged: CE definition and retention reference (seed-experiments §G).
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Coulombic efficiency as charge/discharge (anodes, Li‖Cu) or discharge/charge (cathodes). Default: by chemistry.")
    var ce: String?

    @Option(help: "Cycle that retention is measured against (seed 001 uses 5).")
    var referenceCycle: Int = 1

    func options(for cell: CellMetadata?) -> CycleAnalysisOptions {
        let def = ce.flatMap(CEDefinition.init(rawValue:)) ?? CEDefinition.suggested(for: cell?.chemistry)
        return CycleAnalysisOptions(ce: def, referenceCycle: referenceCycle, massBasis: cell?.massBasis)
    }
}
