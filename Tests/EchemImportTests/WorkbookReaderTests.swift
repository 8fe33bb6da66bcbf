@testable import EchemImport
import Foundation
import Testing

@Suite("ZIP and XLSX reader")
struct WorkbookReaderTests {
    @Test("the central directory lists every part of a workbook, and each inflates with a good CRC")
    func readsEveryEntry() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("land.xlsx")))
        let zip = try ZipArchive(data: data)
        #expect(zip.contains("xl/workbook.xml"))
        #expect(zip.contains("xl/sharedStrings.xml"))
        for name in zip.names {
            let bytes = try zip.read(name)
            #expect(bytes.count == zip.entries[name]!.size)
        }
        let sheet = try zip.read("xl/worksheets/sheet2.xml")
        #expect(String(decoding: sheet.prefix(5), as: UTF8.self) == "<?xml")
    }

    @Test("sheets come in workbook order with their names; shared strings resolve; cells land in their lettered columns")
    func sheetsAndCells() throws {
        let book = try XlsxWorkbook(data: Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("land.xlsx"))))
        #expect(book.sheets.map(\.name) == ["Info", "Record", "Record-2"])
        let record = try book.rows(of: book.sheets[1])
        #expect(record[0].line == 1)
        #expect(record[0].cells == ["Index", "TestTime/Sec.", "StepTime/Sec.", "Voltage/V", "Current/mA", "Capacity/mAh",
                                    "SCapacity/mAh/g", "Energy/mWh", "SEnergy/Wh/kg", "SysTime", "State"])
        #expect(record[1].cells[3] == "1.512835")
        #expect(record[1].cells[10] == "R")
        let info = try book.rows(of: book.sheets[0])
        // A rich-text shared string is its runs joined; the phonetic guide is not cell text.
        #expect(info[0].cells == ["Test name", "fixture half cell"])
        #expect(info[1].cells == ["Active mass (mg)", "4.2"])
        #expect(XlsxSheetReader.columnIndex("A1") == 0)
        #expect(XlsxSheetReader.columnIndex("AB12") == 27)
        #expect(XlsxSheetReader.columnIndex("XFD1") == 16_383)
    }

    @Test("a flipped byte in a stored entry fails its CRC-32 check by name")
    func crcCatchesCorruption() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("land-inline.xlsx")))
        // Stored (uncompressed) entries: find the sheet's first <v> and change a digit.
        let marker = Data("<v>".utf8)
        let at = try #require(data.range(of: marker)).upperBound
        data[at] = data[at] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let zip = try ZipArchive(data: data)
        #expect(throws: ZipError.self) { try zip.read("xl/worksheets/sheet1.xml") }
        do {
            _ = try zip.read("xl/worksheets/sheet1.xml")
        } catch let error as ZipError {
            #expect(error.description.hasPrefix("'xl/worksheets/sheet1.xml' fails its CRC-32 check"))
        }
    }
}

@Suite("Workbook written by a third-party library")
struct ThirdPartyWorkbookTests {
    @Test("openpyxl's workbook (inline strings, its own part order) lists its sheets and the record header")
    func openpyxlWorkbook() throws {
        let book = try XlsxWorkbook(data: Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("neware-btsda.xlsx"))))
        #expect(book.sheets.map(\.name) == ["test", "record"])
        let rows = try book.rows(of: book.sheets[1])
        #expect(rows.count == 756)
        #expect(rows[0].cells.prefix(4) == ["DataPoint", "Cycle Index", "Step Index", "Step Type"])
        #expect(rows[755].line == 756)
    }
}
