import EchemCore
import EchemImport
import EchemStore
import Foundation
import Testing

@Suite("Neware BTSDA import")
struct NewareImportTests {
    let truth: FixtureTruth
    let btsda: ImportedRun

    init() throws {
        truth = try FixtureTruth.load("neware-truth.json")
        btsda = try VendorImporter.read(path: ImportFixtures.path("neware-btsda.csv"))
    }

    @Test("the BTSDA 8 CSV is detected from its header and every data row becomes a sample")
    func detectsFormatAndKeepsEveryRow() {
        #expect(btsda.format == .newareCSV)
        #expect(btsda.rowCount == truth.rows)
        #expect(btsda.samples.count == 755)
        #expect(btsda.samples.map(\.seq) == (0..<755).map(Int64.init))
        #expect(btsda.info.bench == "Neware BTS (imported)")
        #expect(btsda.events.first?.kind == "import")
        #expect(btsda.events.first?.message.hasSuffix("neware-btsda.csv (neware-csv, 755 rows)") == true)
    }

    @Test("step boundaries, step ids, types and cycles are the simulated program's")
    func stepBoundaries() {
        #expect(btsda.steps.count == truth.steps.count)
        for (stored, expected) in zip(btsda.steps, truth.steps) {
            #expect(stored.stepCount == expected.step_count)
            #expect(stored.stepID == expected.step_id)
            #expect(stored.cycle == expected.cycle)
            #expect(stored.label == expected.label)
            #expect(stored.startTestTime == expected.start)
            #expect(stored.endTestTime == expected.end)
        }
        #expect(btsda.steps.map(\.kind) == [.rest] + Array(repeating: [ControlKind.cccv, .rest, .current], count: 3).flatMap { $0 })
        #expect(Set(btsda.samples.map(\.cycle)) == [1, 2, 3])
    }

    @Test("per-step capacity is the simulation's charge and ∫I dt of the stored current, within 0.5 %")
    func capacityIsIntegralOfCurrent() {
        for (stored, expected) in zip(btsda.steps, truth.steps) {
            #expect(Physics.close(stored.capacity, expected.capacity_ah, relative: 0.005),
                    "step \(stored.stepCount): stored \(stored.capacity) Ah, simulated \(expected.capacity_ah) Ah")
            let integral = Physics.chargeThrough(btsda.samples, step: stored.stepCount)
            #expect(Physics.close(stored.capacity, integral, relative: 0.005, absolute: 1e-7),
                    "step \(stored.stepCount): capacity \(stored.capacity) Ah, ∫I dt \(integral) Ah")
        }
        // Charge about 48.6 mAh each cycle, the first from near empty a little less.
        #expect(abs(btsda.steps[4].capacity - 0.0485834) < 1e-6)
    }

    @Test("charge current is positive and discharge current negative; the voltage rises on charge")
    func signConvention() {
        for step in btsda.steps {
            let rows = btsda.samples.filter { $0.stepCount == step.stepCount }
            switch step.label {
            case "CCCV Chg":
                #expect(rows.allSatisfy { $0.amperes > 0 })
                #expect(rows.last!.volts > rows.first!.volts)
                #expect(step.capacity > 0)
            case "CC DChg":
                #expect(rows.allSatisfy { $0.amperes < 0 })
                #expect(abs(rows[1].amperes + 0.025) < 1e-9)
                #expect(rows.last!.volts < rows.first!.volts)
                #expect(step.capacity < 0)
            default:
                #expect(rows.allSatisfy { $0.amperes == 0 })
            }
        }
    }

    @Test("cumulative and per-cycle totals are sums of the step capacities")
    func cumulativeTotals() throws {
        let last = try #require(btsda.samples.last)
        let charged = btsda.steps.filter { $0.capacity > 0 }.map(\.capacity).reduce(0, +)
        let discharged = btsda.steps.filter { $0.capacity < 0 }.map { -$0.capacity }.reduce(0, +)
        #expect(Physics.close(last.chargeCapacity, charged, relative: 1e-9))
        #expect(Physics.close(last.dischargeCapacity, discharged, relative: 1e-9))
        let cycles = CycleTotals.fromSamples(btsda.samples)
        #expect(cycles.map(\.cycle) == [1, 2, 3])
        for totals in cycles {
            let discharge = btsda.steps.filter { $0.cycle == totals.cycle && $0.capacity < 0 }.map(\.capacity).reduce(0, +)
            #expect(Physics.close(totals.dischargeAh, -discharge, relative: 1e-9))
        }
    }

    @Test("test time comes from Total Time (h:mm:ss) and Unix time from Date")
    func times() throws {
        let last = try #require(btsda.samples.last)
        #expect(last.testTime == 44_576)
        // 2024-03-05 09:30:00 UTC = 1709631000.
        #expect(btsda.info.startedUnix == 1_709_631_000)
        #expect(last.unixTime == 1_709_631_000 + 44_576)
        #expect(zip(btsda.samples, btsda.samples.dropFirst()).allSatisfy { $0.testTime <= $1.testTime })
    }

    @Test("the older BTSDA layout (Cycle ID from 0, current as a magnitude, no step type) stores the same steps")
    func legacyLayoutMatches() throws {
        let legacy = try VendorImporter.read(path: ImportFixtures.path("neware-legacy.csv"))
        #expect(legacy.format == .newareCSV)
        #expect(legacy.samples.count == btsda.samples.count)
        #expect(legacy.steps.map(\.cycle) == btsda.steps.map(\.cycle))
        #expect(legacy.steps.map(\.startTestTime) == btsda.steps.map(\.startTestTime))
        #expect(legacy.steps.map(\.endTestTime) == btsda.steps.map(\.endTestTime))
        for (a, b) in zip(legacy.steps, btsda.steps) {
            #expect(Physics.close(a.capacity, b.capacity, relative: 1e-6, absolute: 1e-9))
        }
        for (a, b) in zip(legacy.samples, btsda.samples) {
            #expect(abs(a.amperes - b.amperes) < 1e-9)
        }
        #expect(legacy.notes.contains("the export writes discharge current as a positive magnitude; stored negative (+ = charge)"))
        #expect(legacy.notes.contains("the export counts cycles from 0; stored from 1 (file cycle N is stored as N + 1)"))
    }

    @Test("the BTSDA workbook (sheet 'record') stores exactly what the CSV does")
    func workbookMatchesCSV() throws {
        let book = try VendorImporter.read(path: ImportFixtures.path("neware-btsda.xlsx"))
        #expect(book.format == .newareXLSX)
        #expect(book.samples == btsda.samples)
        #expect(book.steps == btsda.steps)
    }
}
