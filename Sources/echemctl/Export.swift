import ArgumentParser
import Foundation
import EchemStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a stored run as Battery Data Format CSV (one cell per file, + = charge).",
        discussion: "Example: echemctl export 3f2a --db runs.sqlite --bdf out/cell.bdf.csv")

    @Argument(help: "The run id, or a unique prefix of it (see `echemctl summary --list`).")
    var run: String

    @Option(help: "The SQLite store holding the run.")
    var db: String = Simulate.defaultDatabase

    @Option(help: "Where to write the BDF CSV (OUT.csv.metadata.json is written beside it, EIS spectra to OUT.eis.csv).")
    var bdf: String

    func run() async throws {
        let store = try RunStore(path: db)
        let stored = try store.run(prefix: run)
        let report = try BDFExporter.export(store: store, runID: stored.info.id, to: bdf)
        print("exported run \(stored.info.id.uuidString.lowercased()) to \(bdf) (\(report.sampleCount) samples\(report.eisPath.map { ", spectra in \($0)" } ?? ""))")
    }
}
