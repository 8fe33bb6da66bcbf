import EchemCore
import Foundation
import Testing
@testable import EchemStore

/// Not a check by itself: `scripts/oracles/bdf.sh` runs this with `ECHEM_BDF_OUT=/path/out.csv` to
/// get a realistic export that the independent `batterydf` package then validates.
@Suite("BDF oracle export helper")
struct BDFOracleExport {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ECHEM_BDF_OUT"] != nil))
    func writeExportForOracle() async throws {
        let out = try #require(ProcessInfo.processInfo.environment["ECHEM_BDF_OUT"])
        let db = out + ".sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store = try RunStore(path: db)
        let run = SyntheticRun(samplesPerStep: 300, cycles: 3)
        try await run.store(into: store, batch: 250)
        let export = try BDFExporter.export(store: store, runID: run.info.id, to: out)
        #expect(export.sampleCount == Int64(run.samples.count))
        #expect(export.eisPath != nil)
    }
}
