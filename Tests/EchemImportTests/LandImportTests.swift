import EchemCore
import EchemImport
import EchemStore
import Foundation
import Testing

@Suite("LAND import")
struct LandImportTests {
    let truth: FixtureTruth
    let csv: ImportedRun

    init() throws {
        truth = try FixtureTruth.load("land-truth.json")
        csv = try VendorImporter.read(path: ImportFixtures.path("land.csv"))
    }

    @Test("the LANDdt CSV is detected from its header (Voltage/V, TestTime/Sec., State)")
    func detectsFormat() {
        #expect(csv.format == .landCSV)
        #expect(csv.info.bench == "LAND (imported)")
        #expect(csv.samples.count == truth.rows)
    }

    @Test("State R / D_CC / C_CC / C_CV become rest / current / current / voltage steps at the simulated boundaries")
    func stepBoundaries() {
        #expect(csv.steps.count == 16)
        for (stored, expected) in zip(csv.steps, truth.steps) {
            #expect(stored.label == expected.label)
            #expect(stored.startTestTime == expected.start)
            #expect(stored.endTestTime == expected.end)
            let kind: ControlKind = ["R": .rest, "D_CC": .current, "C_CC": .current, "C_CV": .voltage][expected.label]!
            #expect(stored.kind == kind)
        }
    }

    @Test("without a cycle column, a half cell that starts on discharge counts a cycle per discharge + charge: 3")
    func inferredCycles() {
        #expect(csv.steps.map(\.cycle) == truth.steps.map(\.cycle))
        #expect(Set(csv.samples.map(\.cycle)) == [1, 2, 3])
        #expect(csv.notes.contains { $0.hasPrefix("no cycle column") })
    }

    @Test("Capacity/mAh is read in mAh: per-step capacity equals the simulation's and ∫I dt within 0.5 %")
    func capacityIsIntegralOfCurrent() {
        for (stored, expected) in zip(csv.steps, truth.steps) {
            #expect(Physics.close(stored.capacity, expected.capacity_ah, relative: 0.005),
                    "step \(stored.stepCount): stored \(stored.capacity) Ah, simulated \(expected.capacity_ah) Ah")
            let integral = Physics.chargeThrough(csv.samples, step: stored.stepCount)
            #expect(Physics.close(stored.capacity, integral, relative: 0.005, absolute: 1e-8),
                    "step \(stored.stepCount): capacity \(stored.capacity) Ah, ∫I dt \(integral) Ah")
        }
        // A 2 mAh coin cell discharged at 1 mA: about 1.8 mAh on the first discharge.
        #expect(abs(csv.steps[1].capacity + 0.0018189) < 1e-6)
    }

    @Test("LAND signs discharge negative already: currents stay as exported, in amperes")
    func currentSign() {
        #expect(!csv.notes.contains { $0.contains("positive magnitude") })
        let discharge = csv.samples.filter { $0.stepCount == 2 }
        #expect(discharge.allSatisfy { abs($0.amperes + 0.001) < 1e-12 })
        let charge = csv.samples.filter { $0.stepCount == 4 }
        #expect(charge.allSatisfy { abs($0.amperes - 0.001) < 1e-12 })
    }

    @Test("the same data as CSV and as a workbook (Record + header-less Record-2) store identical runs")
    func workbookAndCSVStoreTheSameRun() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RunStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let fromCSV = try VendorImporter.importFile(path: ImportFixtures.path("land.csv"), into: store)
        let fromBook = try VendorImporter.importFile(path: ImportFixtures.path("land.xlsx"), into: store)
        #expect(fromBook.format == .landXLSX)
        #expect(fromCSV.info.id != fromBook.info.id)
        let a = try store.samples(runID: fromCSV.info.id, limit: 100_000)
        let b = try store.samples(runID: fromBook.info.id, limit: 100_000)
        #expect(a.count == 719)
        #expect(a == b)
        #expect(try store.steps(runID: fromCSV.info.id) == store.steps(runID: fromBook.info.id))
        #expect(try store.run(id: fromBook.info.id).status == .completed)
    }

    @Test("a hand-built workbook with inline strings and stored entries reads like the CSV")
    func inlineStringsWorkbook() throws {
        let book = try VendorImporter.read(path: ImportFixtures.path("land-inline.xlsx"))
        #expect(book.format == .landXLSX)
        #expect(book.samples.count == 40)
        for (a, b) in zip(book.samples, csv.samples) {
            #expect(a.testTime == b.testTime && a.volts == b.volts && a.amperes == b.amperes && a.unixTime == b.unixTime)
        }
        #expect(book.steps.first?.label == "R")
        #expect(book.steps.dropFirst().first?.label == "D_CC")
    }
}
