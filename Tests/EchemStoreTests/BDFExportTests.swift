import EchemCore
import Foundation
import Testing
@testable import EchemStore

@Suite("BDF CSV export")
struct BDFExportTests {
    static let headerWithTemperature = "Test Time / s,Voltage / V,Current / A,Unix Time / s,Cycle Count / 1,"
        + "Step Count / 1,Step Index / 1,Step Time / s,Charging Capacity / Ah,Discharging Capacity / Ah,"
        + "Charging Energy / Wh,Discharging Energy / Wh,Cycle Charging Capacity / Ah,"
        + "Cycle Discharging Capacity / Ah,Cycle Charging Energy / Wh,Cycle Discharging Energy / Wh,"
        + "Step Capacity / Ah,Step Energy / Wh,Ambient Temperature / degC"

    func exported(_ run: SyntheticRun, _ dir: TempDir, name: String = "cell.csv") async throws -> (BDFExport, [[String]]) {
        let store = try RunStore(path: dir.file("store.sqlite"))
        try await run.store(into: store, batch: 16)
        let export = try BDFExporter.export(store: store, runID: run.info.id, to: dir.file(name))
        return (export, try Self.rows(export.csvPath))
    }

    static func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("header: BDF preferred labels, exactly, in order; temperature only when measured")
    func header() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let (_, rows) = try await exported(SyntheticRun(samplesPerStep: 4, cycles: 1), dir)
        #expect(rows[0].joined(separator: ",") == Self.headerWithTemperature)

        let dry = try TempDir(); defer { dry.remove() }
        let (_, noTemp) = try await exported(SyntheticRun(samplesPerStep: 4, cycles: 1, temperature: false), dry)
        #expect(noTemp[0].last == "Step Energy / Wh")
        #expect(noTemp[0].count == 18 && noTemp[1].count == 18)
    }

    @Test("every value parses back to the identical Double; integers stay integers")
    func valuesRoundTrip() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let run = SyntheticRun(samplesPerStep: 12, cycles: 2)
        let (export, rows) = try await exported(run, dir)
        #expect(export.sampleCount == Int64(run.samples.count))
        #expect(rows.count == run.samples.count + 1)
        for (s, row) in zip(run.samples, rows.dropFirst()) {
            let doubles = [s.testTime, s.volts, s.amperes, s.unixTime]
            for (k, value) in doubles.enumerated() { #expect(Double(row[k])?.bitPattern == value.bitPattern) }
            #expect(row[4] == "\(s.cycle)" && row[5] == "\(s.stepCount)" && row[6] == "\(s.stepID)")
            let rest = [s.stepTime, s.chargeCapacity, s.dischargeCapacity, s.chargeEnergy, s.dischargeEnergy,
                        s.cycleChargeCapacity, s.cycleDischargeCapacity, s.cycleChargeEnergy, s.cycleDischargeEnergy,
                        s.stepCapacity, s.stepEnergy, s.celsius!]
            for (k, value) in rest.enumerated() { #expect(Double(row[7 + k])?.bitPattern == value.bitPattern) }
        }
    }

    @Test("awkward doubles keep full precision, with no locale and no exponent surprises")
    func precision() throws {
        let dir = try TempDir(); defer { dir.remove() }
        let values = [0.1 + 0.2, 1e-300, Double.leastNonzeroMagnitude, 1_718_000_000.123456789, -2e-3, 3600.000000000001, 1.0 / 3.0]
        var csv = try CSVWriter(path: dir.file("p.csv"))
        for v in values { csv.number(v) }
        csv.number(nil as Double?)
        try csv.endLine()
        try csv.close()
        let fields = try Self.rows(dir.file("p.csv"))[0]
        #expect(fields[0] == "0.30000000000000004")
        #expect(fields.last == "")
        for (text, v) in zip(fields, values) {
            #expect(Double(text)?.bitPattern == v.bitPattern)
            #expect(!text.contains(" ") && !text.contains(";"))
        }
    }

    @Test("sign convention: charge rows have I > 0 and only charging capacity grows")
    func signConvention() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let (_, rows) = try await exported(SyntheticRun(samplesPerStep: 10, cycles: 1), dir)
        let data = rows.dropFirst().map { $0.map { Double($0)! } }
        let charge = data.filter { $0[6] == 1 }  // Step Index 1 is "Charge at 2 mA"
        #expect(charge.allSatisfy { $0[2] == 2e-3 })
        #expect(charge.last![8] > charge.first![8])
        #expect(charge.last![9] == charge.first![9])
        let discharge = data.filter { $0[6] == 3 }
        #expect(discharge.allSatisfy { $0[2] == -2e-3 })
        #expect(discharge.last![9] > discharge.first![9])
    }

    @Test("metadata sidecar names run, bench, channel, protocol and cell")
    func metadata() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let run = SyntheticRun(samplesPerStep: 3, cycles: 1)
        let (export, _) = try await exported(run, dir, name: "LAB__ZnS-A7__20260101_001.csv")
        #expect(export.metadataPath == dir.file("LAB__ZnS-A7__20260101_001.csv.metadata.json"))
        let json = try #require(JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: export.metadataPath))) as? [String: Any])
        #expect(json["run_id"] as? String == run.info.id.uuidString.lowercased())
        #expect(json["bench"] as? String == "bench-7")
        #expect(json["channel"] as? String == "neware-1/3")
        #expect(json["protocol_name"] as? String == "cc-cycling")
        #expect(json["status"] as? String == "completed")
        #expect(json["sample_count"] as? Int == 9)
        #expect((json["cell"] as? [String: Any])?["name"] as? String == "ZnS-A7")
        #expect(json["csv_file"] as? String == "LAB__ZnS-A7__20260101_001.csv")
        #expect(json["sign_convention"] as? String == "positive current charges the cell")
    }

    @Test("spectra go to NAME.eis.csv with frequency, Z', Z'', |Z| and phase")
    func eisFile() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let run = SyntheticRun(samplesPerStep: 3, cycles: 2)
        let (export, _) = try await exported(run, dir, name: "cell.bdf.csv")
        #expect(export.eisPath == dir.file("cell.eis.bdf.csv"))
        #expect(export.spectrumCount == 1)
        let rows = try Self.rows(try #require(export.eisPath))
        #expect(rows[0] == ["Test Time / s", "Cycle Count / 1", "Step Count / 1", "Spectrum Index / 1", "Frequency / Hz",
                            "Real Impedance / ohm", "Imaginary Impedance / ohm", "Absolute Impedance / ohm", "Phase / deg"])
        #expect(rows.count == 14)
        let p = run.spectra[0].points[0], first = rows[1]
        #expect(Double(first[0]) == run.spectra[0].testTime && first[1] == "1" && first[2] == "3" && first[3] == "0")
        #expect(Double(first[4]) == p.frequencyHz && Double(first[5]) == p.real && Double(first[6]) == p.imaginary)
        #expect(Double(first[7]) == p.magnitude)
        #expect(Double(first[8])! < 0 && Double(first[8])! > -90)  // capacitive: Z'' < 0
    }

    @Test("a run without spectra writes no EIS file, and no .partial file is left behind")
    func noSpectraNoLeftovers() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let run = SyntheticRun(samplesPerStep: 3, cycles: 2)
        let store = try RunStore(path: dir.file("store.sqlite"))
        try await store.begin(run.info)
        try await store.commit(runID: run.info.id, samples: run.samples, steps: [], events: [], spectra: [],
                               checkpoint: nil)
        let export = try BDFExporter.export(store: store, runID: run.info.id, to: dir.file("out.csv"))
        #expect(export.eisPath == nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files.filter { $0.hasPrefix("out") } == ["out.csv", "out.csv.metadata.json"])
    }

    @Test("100 000 samples export by streaming pages, and iteration sees rows committed meanwhile")
    func largeExportStreams() throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let id = UUID()
        try store.beginSync(RunInfo(id: id, bench: "b", channel: "c", protocolName: "p", protocolText: "",
                                    program: StepProgram(name: "p", source: "", instructions: []), cell: nil,
                                    startedUnix: 0))
        for b in 0..<100 {
            try store.commitSync(runID: id, samples: (0..<1000).map { StoreBenchmark.benchSample(Int64(b * 1000 + $0)) })
        }

        var next: Int64 = 0
        try store.forEachSample(runID: id, pageSize: 1000) { sample in
            #expect(sample.seq == next)
            next += 1
            // Short reads per page: a batch committed mid-iteration is still picked up.
            if sample.seq == 50_000 {
                try store.commitSync(runID: id, samples: (0..<1000).map { StoreBenchmark.benchSample(100_000 + Int64($0)) })
            }
        }
        #expect(next == 101_000)

        let export = try BDFExporter.export(store: store, runID: id, to: dir.file("big.csv"))
        #expect(export.sampleCount == 101_000)
        let text = try String(contentsOfFile: export.csvPath, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 101_001)
        #expect(lines.last!.hasPrefix("100999.0,3.300999,0.001,"))
    }
}
