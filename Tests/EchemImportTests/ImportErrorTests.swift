import EchemCore
import EchemImport
import EchemStore
import Foundation
import Testing

/// Bad input never crashes: each failure names FILE:LINE:COLUMN, the column, the text, and what
/// would be valid.
@Suite("Import errors")
struct ImportErrorTests {
    /// A copy of a fixture with `edit` applied to its lines (1-based line numbers as in the file).
    private func edited(_ fixture: String, in dir: URL, name: String? = nil,
                        _ edit: (inout [String]) -> Void) throws -> String {
        var lines = try ImportFixtures.text(fixture).components(separatedBy: "\r\n")
        edit(&lines)
        let path = dir.appendingPathComponent(name ?? fixture).path
        try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func failure(_ path: String, _ options: ImportOptions = ImportOptions()) -> String? {
        do {
            _ = try VendorImporter.read(path: path, options: options)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func setCell(_ lines: inout [String], line: Int, column: Int, to text: String) {
        var cells = lines[line - 1].components(separatedBy: ",")
        cells[column - 1] = text
        lines[line - 1] = cells.joined(separator: ",")
    }

    @Test("a non-numeric voltage names file, line, column and text")
    func nonNumericCell() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("neware-btsda.csv", in: dir) { setCell(&$0, line: 7, column: 8, to: "abc") }
        #expect(failure(path) == "\(path):7:8: column 'Voltage(V)': 'abc' is not a number")
    }

    @Test("a row cut short says which column is missing and how many cells it had")
    func missingCell() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("neware-btsda.csv", in: dir) { lines in
            lines[4] = lines[4].components(separatedBy: ",").prefix(7).joined(separator: ",")
        }
        #expect(failure(path) == "\(path):5:8: column 'Voltage(V)': missing: the row has 7 cells, the header 18; a number is needed")
    }

    @Test("NaN is not a measurement")
    func nanIsRefused() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("land.csv", in: dir) { setCell(&$0, line: 3, column: 5, to: "nan") }
        #expect(failure(path) == "\(path):3:5: column 'Current/mA': 'nan' is not a number")
    }

    @Test("a header that is neither vendor's lists both column sets")
    func unknownHeader() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mystery.csv").path
        try "time,U,I\n0,3.1,0.1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let message = try #require(failure(path))
        #expect(message.hasPrefix("\(path):1: not a Neware BTSDA or LANDdt export header: found no voltage and current columns in the first 2 lines (first line: 'time', 'U', 'I'); expected Neware BTSDA: DataPoint, Cycle Index"))
        #expect(message.contains("LANDdt: Index, Cycle-Index, Step-Index, State, StepTime/Sec., TestTime/Sec., SysTime, Voltage/V, Current/mA"))
    }

    @Test("a voltage without a current points at the voltage column")
    func voltageWithoutCurrent() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("half.csv").path
        try "TestTime/Sec.,Voltage/V,Amps\n0,3.1,0.1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let message = try #require(failure(path))
        #expect(message.hasPrefix("\(path):1:2: not a Neware BTSDA or LANDdt export header: found no current column beside 'Voltage/V'"))
    }

    @Test("an unknown unit names the column and the units accepted")
    func unknownUnit() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("neware-btsda.csv", in: dir) { setCell(&$0, line: 1, column: 7, to: "Current(kA)") }
        #expect(failure(path) == "\(path):1:7: column 'Current(kA)': 'kA' is not a current unit; expected A, mA, uA (µA)")
    }

    @Test("a current column without a unit needs --current-unit; with it the amperes are scaled")
    func unitlessCurrent() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("land.csv", in: dir) { setCell(&$0, line: 1, column: 5, to: "Current") }
        #expect(failure(path) == "\(path):1:5: column 'Current' does not say its unit; add --current-unit A or --current-unit mA")
        let run = try VendorImporter.read(path: path, options: ImportOptions(currentUnit: .mA))
        #expect(abs(run.samples[10].amperes + 0.001) < 1e-12)
        let conflicting = ImportOptions(currentUnit: .A)
        #expect(failure(ImportFixtures.path("land.csv"), conflicting)
                == "\(ImportFixtures.path("land.csv")):1:5: column 'Current/mA' is in mA but --current-unit A was given; leave the option out")
    }

    @Test("an unknown step type lists the ones understood")
    func unknownStepType() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("neware-btsda.csv", in: dir) { lines in
            for n in 2...11 { setCell(&lines, line: n, column: 4, to: "Wobble") }
        }
        #expect(failure(path) == "\(path):2:4: column 'Step Type': 'Wobble' is not a step type this importer knows; expected \(stepTypes)")
    }

    private var stepTypes: String {
        "Neware: Rest, CC Chg, CC DChg, CV Chg, CV DChg, CCCV Chg, CCCV DChg, CP Chg, CP DChg, CR DChg, SIM, Pause (spaces or underscores); LAND: R, C_CC, D_CC, C_CV, D_CV"
    }

    @Test("test time running backwards is refused where it happens")
    func timeBackwards() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("land.csv", in: dir) { setCell(&$0, line: 6, column: 2, to: "100") }
        #expect(failure(path) == "\(path):6:2: column 'TestTime/Sec.': test time 100 s is before the previous row's 180 s (line 5); rows must be in time order")
    }

    @Test("a bad clock time says what a time looks like")
    func badClock() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try edited("neware-btsda.csv", in: dir) { setCell(&$0, line: 4, column: 6, to: "0:75:00") }
        #expect(failure(path) == "\(path):4:6: column 'Total Time': '0:75:00' is not a time (expected seconds, or h:mm:ss such as 1:02:03.5)")
    }

    @Test("a workbook error names the sheet, its row and the column")
    func workbookCellError() {
        let path = ImportFixtures.path("land-bad-voltage.xlsx")
        #expect(failure(path) == "\(path)[Record]:11:4: column 'Voltage/V': '1.2.3' is not a number")
    }

    @Test("forcing LAND on a Neware file says which LAND columns are missing")
    func forcedFormatMismatch() throws {
        let path = ImportFixtures.path("neware-btsda.csv")
        let message = try #require(failure(path, ImportOptions(format: .landCSV)))
        #expect(message.hasPrefix("\(path):1: the LANDdt header has no time column: expected one of 'TestTime/Sec.', 'SysTime', 'StepTime/Sec.'; columns found: 'DataPoint', 'Cycle Index'"))
        #expect(failure(path, ImportOptions(format: .landXLSX))
                == "\(path): --format land-xlsx needs an .xlsx workbook, but this file is not a ZIP container")
    }

    @Test("damaged workbooks fail with a reason, never a crash")
    func damagedWorkbooks() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("land.xlsx")))

        let truncated = dir.appendingPathComponent("truncated.xlsx").path
        try whole.prefix(whole.count - 200).write(to: URL(fileURLWithPath: truncated))
        #expect(failure(truncated) == "\(truncated): unreadable workbook: no ZIP end-of-central-directory record (not an XLSX/ZIP file?)")

        // Flip bytes in the middle of the compressed sheet data: inflate or the CRC must object.
        var flipped = whole
        for k in stride(from: whole.count / 3, to: whole.count / 3 + 64, by: 8) { flipped[k] ^= 0x5A }
        let corrupt = dir.appendingPathComponent("corrupt.xlsx").path
        try flipped.write(to: URL(fileURLWithPath: corrupt))
        let message = try #require(failure(corrupt))
        #expect(message.hasPrefix("\(corrupt)"))
        #expect(message.contains(": unreadable "))
        #expect(["corrupt deflate data", "damaged or ends early", "inflates to", "CRC-32", "not well-formed"].contains { message.contains($0) },
                "\(message)")

        let xls = dir.appendingPathComponent("old.xls").path
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504))
            .write(to: URL(fileURLWithPath: xls))
        #expect(failure(xls) == "\(xls): an Excel 97-2003 (.xls) workbook, which is not read; save it as .xlsx or export CSV")
    }

    @Test("a missing file and an empty file are reported, not crashed on")
    func missingAndEmpty() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let nowhere = dir.appendingPathComponent("nowhere.csv").path
        #expect(failure(nowhere)?.hasPrefix("\(nowhere): cannot read the file") == true)
        let empty = dir.appendingPathComponent("empty.csv").path
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(failure(empty) == "\(empty): the file holds no rows")
        let headerOnly = try edited("land.csv", in: dir, name: "header-only.csv") { $0 = [$0[0]] }
        #expect(failure(headerOnly) == "\(headerOnly):1: no data rows under the header")
    }

    @Test("a file that fails on its 700th row stores nothing, and the error says so")
    func failureStoresNothing() throws {
        let dir = try ImportFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RunStore(path: dir.appendingPathComponent("runs.sqlite").path)
        try VendorImporter.importFile(path: ImportFixtures.path("land.csv"), into: store)
        let path = try edited("land.csv", in: dir, name: "late-failure.csv") { setCell(&$0, line: 700, column: 4, to: "\"4,1\"") }
        #expect(throws: ImportError(origin: path, line: 700, column: 4,
                                    message: "column 'Voltage/V': '4,1' is not a number; nothing was stored")) {
            try VendorImporter.importFile(path: path, into: store)
        }
        #expect(try store.runs().count == 1)
    }
}
