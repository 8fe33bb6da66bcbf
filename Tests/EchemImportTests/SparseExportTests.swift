import EchemCore
import EchemImport
import Foundation
import Testing

/// Exports with fewer columns: what the importer infers, and that it says so.
@Suite("Sparse exports")
struct SparseExportTests {
    private func read(_ text: String, _ name: String) throws -> ImportedRun {
        let dir = try ImportFixtures.scratch(name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try VendorImporter.read(path: path)
    }

    @Test("with only step times, steps are laid end to end on the test-time axis")
    func stepTimesOnly() throws {
        let run = try read("""
            Step Index,Step Type,Time,Voltage(V),Current(A)
            1,Rest,0:00:00,3.60,0
            1,Rest,0:01:00,3.60,0
            1,Rest,0:02:00,3.60,0
            2,CC Chg,0:00:30,3.70,0.5
            2,CC Chg,0:01:30,3.75,0.5

            """, "neware-steptime.csv")
        #expect(run.samples.map(\.testTime) == [0, 60, 120, 150, 210])
        #expect(run.steps.map(\.startTestTime) == [0, 120])
        // 0.5 A from step start (30 s before the first row) to 90 s: 45 As = 0.0125 Ah.
        #expect(abs(run.steps[1].capacity - 0.5 * 90 / 3600) < 1e-12)
        #expect(run.notes.contains("no date-time column: Unix Time counts from the moment of import"))
    }

    @Test("with no step columns, steps follow the current: rest, charge, discharge; cycles open with the first direction")
    func currentOnly() throws {
        let run = try read("""
            TestTime/Sec.,Voltage/V,Current/mA
            0,3.60,0
            10,3.60,0
            20,3.70,2
            30,3.75,2
            40,3.65,-2
            50,3.60,-2
            60,3.72,2
            70,3.76,2

            """, "land-bare.csv")
        #expect(run.steps.map(\.kind) == [.rest, .current, .current, .current])
        #expect(run.steps.map(\.label) == ["rest", "charge", "discharge", "charge"])
        #expect(run.steps.map(\.cycle) == [1, 1, 1, 2])
        // ∫I dt: 2 mA for 10 s between the two rows of each step.
        #expect(run.steps.map(\.capacity).map { ($0 * 3600 * 1000).rounded() } == [0, 20, -20, 20])
        #expect(run.notes.contains { $0.hasPrefix("no capacity column") })
    }

    @Test("a temperature column is stored in °C")
    func temperature() throws {
        let run = try read("""
            DataPoint,Step Index,Step Type,Total Time,Voltage(V),Current(mA),T1(°C)
            1,1,CC DChg,0,3.9,-100,25.5
            2,1,CC DChg,60,3.8,-100,26.0

            """, "neware-temp.csv")
        #expect(run.samples.map(\.celsius) == [25.5, 26.0])
        #expect(run.samples.map(\.amperes) == [-0.1, -0.1])
    }
}
