@testable import EchemImport
import EchemCore
import Foundation
import Testing

@Suite("Units, encodings and clocks")
struct UnitHandlingTests {
    private func write(_ bytes: Data, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a Windows-1252 BTSDA export with Current(µA), Voltage(mV) and Capacity(mAs) is scaled to A, V and Ah")
    func windows1252MicroAmps() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 0xB5 is µ in Windows-1252 (not valid UTF-8 on its own).
        var text = Data("DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(".utf8)
        text.append(0xB5)
        text.append(Data("""
        A),Voltage(mV),Capacity(mAs)\r
        1,1,1,CC DChg,0:00:00,0:00:00,-500,3700,0\r
        2,1,1,CC DChg,0:01:00,0:01:00,-500,3650,30\r
        3,1,1,CC DChg,0:02:00,0:02:00,-500,3600,60\r

        """.utf8))
        let run = try VendorImporter.read(path: try write(text, "micro.csv", in: dir))
        #expect(run.samples.map(\.amperes) == [-0.0005, -0.0005, -0.0005])
        #expect(abs(run.samples[2].volts - 3.6) < 1e-12)
        // 60 mAs = 60/3600 mAh; -500 µA for 120 s is the same charge.
        #expect(abs(run.steps[0].capacity + 60.0 / 3600 / 1000) < 1e-15)
        #expect(abs(Physics.chargeThrough(run.samples, step: 1) - run.steps[0].capacity) < 1e-15)
        #expect(run.notes.contains("no energy column for some charge or discharge steps: their energy is ∫V·I dt (trapezoid rule)"))
    }

    @Test("semicolon-separated text with decimal commas reads 3,75 as 3.75")
    func decimalComma() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = """
        Index;TestTime/Sec.;Voltage/V;Current/mA;State
        1;0;3,75;0,5;C_CC
        2;10,5;3,76;0,5;C_CC

        """
        let run = try VendorImporter.read(path: try write(Data(csv.utf8), "eu-land.csv", in: dir))
        #expect(run.format == .landCSV)
        #expect(run.samples.map(\.volts) == [3.75, 3.76])
        #expect(run.samples.map(\.testTime) == [0, 10.5])
        #expect(run.samples.map(\.amperes) == [0.0005, 0.0005])
        // No capacity column: the charge is ∫I dt, 0.5 mA × 10.5 s.
        #expect(abs(run.steps[0].capacity - 0.0005 * 10.5 / 3600) < 1e-15)
    }

    @Test("preamble lines before the header are skipped; the header's own line is reported")
    func preamble() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = """
        Test name,A12
        Channel,3-1-5

        Index,TestTime/Sec.,Voltage/V,Current/mA,State
        1,0,3.75,0.5,C_CC
        2,10,x,0.5,C_CC

        """
        let path = try write(Data(csv.utf8), "preamble.csv", in: dir)
        #expect(throws: ImportError(origin: path, line: 6, column: 3, message: "column 'Voltage/V': 'x' is not a number")) {
            try VendorImporter.read(path: path)
        }
    }

    @Test("clock times: any number of hours, fractional seconds")
    func clocks() {
        #expect(CellParsers.duration("0:00:00", factor: 1, decimalComma: false) == 0)
        #expect(CellParsers.duration("25:00:00.5", factor: 1, decimalComma: false) == 90_000.5)
        let expected: Double = 3600 + 23 * 60 + 45.1
        #expect(CellParsers.duration("001:23:45.1", factor: 1, decimalComma: false) == expected)
        #expect(CellParsers.duration("1.5", factor: 3600, decimalComma: false) == 5400)
        #expect(CellParsers.duration("1:60:00", factor: 1, decimalComma: false) == nil)
        #expect(CellParsers.duration("12:00", factor: 1, decimalComma: false) == nil)
    }

    @Test("date-times are wall clock in the tester's zone; workbook serial days are accepted")
    func dateTimes() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        #expect(CellParsers.dateTime("2024-03-05 09:30:00", zone: utc, decimalComma: false) == 1_709_631_000)
        #expect(CellParsers.dateTime("2024/03/05 17:30:00.250", zone: shanghai, decimalComma: false) == 1_709_631_000.25)
        #expect(CellParsers.dateTime("2024-03-05T09:30:00", zone: utc, decimalComma: false) == 1_709_631_000)
        // 45356.395833… days after 1899-12-30 = 2024-03-05 09:30:00.
        let serial = try #require(CellParsers.dateTime("45356.395833333336", zone: utc, decimalComma: false))
        #expect(abs(serial - 1_709_631_000) < 1e-3)
        #expect(CellParsers.dateTime("2024-13-05 09:30:00", zone: utc, decimalComma: false) == nil)
        #expect(CellParsers.dateTime("yesterday", zone: utc, decimalComma: false) == nil)
    }

    @Test("--time-zone moves Unix time, not test time")
    func timeZoneOption() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let utcRun = try VendorImporter.read(path: ImportFixtures.path("land-inline.xlsx"))
        let cnRun = try VendorImporter.read(path: ImportFixtures.path("land-inline.xlsx"), options: ImportOptions(timeZone: zone))
        #expect(utcRun.samples.map(\.testTime) == cnRun.samples.map(\.testTime))
        #expect(utcRun.info.startedUnix - cnRun.info.startedUnix == 8 * 3600)
    }

    @Test("header cells split into name and unit in both vendors' styles")
    func headerCells() {
        let neware = HeaderCell("Chg. Cap.(mAh)")
        #expect(neware.key == "chgcap" && neware.unit == "mAh")
        let land = HeaderCell("TestTime/Sec.")
        #expect(land.key == "testtime" && land.unit == "Sec.")
        #expect(UnitTable.time.factor("Sec.") == 1)
        #expect(UnitTable.time.factor("h:min:s.ms") == 1)
        #expect(UnitTable.current.factor("µA") == 1e-6)
        let specific = HeaderCell("SCapacity/mAh/g")
        #expect(specific.key == "scapacity" && specific.unit == "mAh/g")
        #expect(ColumnCatalog.land.field(for: specific) == nil)
        #expect(HeaderCell("Cycle-Index").key == HeaderCell("Cycle Index").key)
    }
}
