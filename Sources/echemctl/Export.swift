import ArgumentParser
import Foundation
import EchemStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a stored run as Battery Data Format CSV (one cell per file, + = charge).",
        discussion: """
        With --db, reads the store file directly (no daemon needed). Without it, asks the running         echemd to export into its exports folder, then copies the files to --bdf when given.         Examples: echemctl export 3f2a --db runs.sqlite --bdf out/cell.bdf.csv; echemctl export 3f2a
        """)

    @Argument(help: "The run id, or a unique prefix of it (see `echemctl summary --list`).")
    var run: String

    @Option(help: "The SQLite store holding the run (e.g. echem-sim.sqlite). Without it, the daemon exports.")
    var db: String?

    @Option(help: "Where to write the BDF CSV (OUT.csv.metadata.json is written beside it, EIS spectra to OUT.eis.csv).")
    var bdf: String?

    @OptionGroup var socket: SocketOptions

    func run() async throws {
        guard let db else { return try exportThroughDaemon() }
        guard let bdf else { throw ValidationError("--bdf OUT.csv is needed with --db") }
        let store = try RunStore(path: db)
        let stored = try store.run(prefix: run)
        let report = try BDFExporter.export(store: store, runID: stored.info.id, to: bdf)
        print("exported run \(stored.info.id.uuidString.lowercased()) to \(bdf) (\(report.sampleCount) samples\(report.eisPath.map { ", spectra in \($0)" } ?? ""))")
    }

    private func exportThroughDaemon() throws {
        try runClient {
            let reply = try DaemonClient(socket).request("export", ["run": run, "format": "bdf"], timeout: 600)
            guard let path = reply["path"] as? String else { return }
            var written = [path]
            if let bdf {
                let pairs = [(path, bdf), (reply["metadata_path"] as? String, BDFExporter.metadataPath(for: bdf)),
                             (reply["eis_path"] as? String, BDFExporter.eisPath(for: bdf))]
                written = []
                for case let (from?, to) in pairs {
                    try? FileManager.default.removeItem(atPath: to)
                    try FileManager.default.copyItem(atPath: from, toPath: to)
                    written.append(to)
                }
            }
            print("exported run \((reply["run"] as? String ?? run)) (\(reply["rows"] ?? "?") samples) to \(written.joined(separator: ", "))")
        }
    }
}
