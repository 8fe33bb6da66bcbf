import EchemCore
import EchemImport
import EchemStore
import Foundation
import Testing

@Suite("Imported runs in the store")
struct ImportedBDFTests {
    @Test("BDF export of an imported Neware run has one row per sample, + = charge, cycles 1-3 and step counts 1-10")
    func bdfExport() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RunStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let run = try VendorImporter.importFile(path: ImportFixtures.path("neware-btsda.csv"), into: store,
                                                options: ImportOptions(name: "pouch 50 mAh"))
        let out = dir.appendingPathComponent("pouch.bdf.csv").path
        let report = try BDFExporter.export(store: store, runID: run.info.id, to: out)
        #expect(report.sampleCount == 755)

        let lines = try String(contentsOfFile: out, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.count == 756)
        let labels = lines[0].split(separator: ",").map(String.init)
        #expect(labels == BDFExporter.sampleLabels(withTemperature: false))
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        let col = { (label: String) in labels.firstIndex(of: label)! }
        #expect(Set(rows.map { Int($0[col(BDFLabels.cycleCount)]) }) == [1, 2, 3])
        #expect(rows.map { Int($0[col(BDFLabels.stepCount)]) }.max() == 10)
        #expect(rows.last![col(BDFLabels.testTime)] == 44_576)
        // Step 4 is CC DChg at 25 mA: negative current in BDF, rising discharging capacity.
        let discharge = rows.filter { Int($0[col(BDFLabels.stepCount)]) == 4 }
        #expect(discharge.allSatisfy { abs($0[col(BDFLabels.current)] + 0.025) < 1e-9 })
        #expect(discharge.last![col(BDFLabels.dischargingCapacity)] > 0.048)
        #expect(discharge.last![col(BDFLabels.stepCapacity)] < -0.048)

        let metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report.metadataPath))) as? [String: Any]
        #expect(metadata?["bench"] as? String == "Neware BTS (imported)")
        #expect(metadata?["protocol_name"] as? String == "pouch 50 mAh")
        #expect(metadata?["status"] as? String == "completed")
    }

    @Test("the stored run carries its provenance: vendor, file, format, row count and every note")
    func provenance() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RunStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let run = try VendorImporter.importFile(path: ImportFixtures.path("neware-legacy.csv"), into: store)
        let stored = try store.run(id: run.info.id)
        #expect(stored.info.bench == "Neware BTS (imported)")
        #expect(stored.info.channel == "neware-legacy.csv")
        #expect(stored.info.protocolName == "neware-legacy")
        #expect(stored.status == .completed)
        #expect(stored.endedTestTime == 44_576)
        let events = try store.events(runID: run.info.id)
        #expect(events.first?.kind == "import")
        #expect(events.first?.message == "imported from \(ImportFixtures.path("neware-legacy.csv")) (neware-csv, 755 rows)")
        #expect(events.dropFirst().map(\.message) == run.notes)
        #expect(try store.steps(runID: run.info.id) == run.steps)
        #expect(try store.sampleCount(runID: run.info.id) == 755)
    }
}
