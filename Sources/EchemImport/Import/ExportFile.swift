import Foundation

/// An export file opened as text tables: one for a CSV, the data sheets for a workbook.
struct ExportFile {
    var path: String
    var isWorkbook: Bool
    /// How messages name the data: the path, plus `[Sheet]` for a workbook (set once found).
    var origin: String
    private var csv: SourceTable?
    private var workbook: XlsxWorkbook?

    static func open(path: String, format: VendorFormat?) throws -> ExportFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImportError(origin: path, message: "cannot read the file (\(Self.reason(error)))")
        }
        let magic = [UInt8](data.prefix(4))
        if magic == [0xD0, 0xCF, 0x11, 0xE0] {
            throw ImportError(origin: path, message: "an Excel 97-2003 (.xls) workbook, which is not read; save it as .xlsx or export CSV")
        }
        let zip = magic == [0x50, 0x4B, 0x03, 0x04]
        if let format, format.isWorkbook != zip {
            throw ImportError(origin: path, message: format.isWorkbook
                              ? "--format \(format.rawValue) needs an .xlsx workbook, but this file is not a ZIP container"
                              : "--format \(format.rawValue) needs a CSV text file, but this file is a ZIP container (an .xlsx workbook?)")
        }
        if zip {
            do {
                return ExportFile(path: path, isWorkbook: true, origin: path, workbook: try XlsxWorkbook(data: data))
            } catch let error as ZipError {
                throw ImportError(origin: path, message: "unreadable workbook: \(error)")
            }
        }
        let text = DelimitedTextReader.read(data)
        let table = SourceTable(origin: path, rows: text.rows, decimalComma: text.decimalComma)
        return ExportFile(path: path, isWorkbook: false, origin: path, csv: table)
    }

    /// Which vendor the file name suggests (`…neware…`, `BTS…`, `…land…`, `…lanhe…`): a tie-breaker only.
    static func vendorHint(_ path: String) -> TesterVendor? {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        if name.contains("neware") || name.hasPrefix("bts") { return .neware }
        if name.contains("land") || name.contains("lanhe") { return .land }
        return nil
    }

    /// The header and every data row. A workbook's data sheet is the first sheet (of those named
    /// like "record", else all) with a recognisable header; later "record" sheets continue it.
    /// The text is released once read: a large export is held as rows only once.
    mutating func rows(vendors: [TesterVendor], preferred: TesterVendor?, options: ImportOptions) throws -> (HeaderBinding, [VendorRow]) {
        defer { csv = nil; workbook = nil }
        if let csv {
            let header = try HeaderMatcher.match(csv, vendors: vendors, preferred: preferred,
                                                 currentUnit: options.currentUnit)
            let rows = try RowReader(table: csv, header: header, decimalComma: csv.decimalComma,
                                     timeZone: options.timeZone).read()
            return (header, rows)
        }
        guard let workbook else { throw ImportError(origin: path, message: "nothing to read") }
        let recordSheets = workbook.sheets.filter { $0.name.lowercased().contains("record") }
        let candidates = recordSheets.isEmpty ? workbook.sheets : recordSheets
        var firstFailure: ImportError?
        for (position, sheet) in candidates.enumerated() {
            let table = try sheetTable(sheet, workbook)
            let header: HeaderBinding
            do {
                header = try HeaderMatcher.match(table, vendors: vendors, preferred: preferred,
                                                 currentUnit: options.currentUnit)
            } catch let error as ImportError {
                if firstFailure == nil { firstFailure = error }
                continue
            }
            origin = table.origin
            var rows = try RowReader(table: table, header: header, decimalComma: false, timeZone: options.timeZone).read()
            // Continuation sheets hold rows only (or repeat the header, which the reader skips).
            if !recordSheets.isEmpty {
                for next in candidates.dropFirst(position + 1) {
                    var more = try sheetTable(next, workbook)
                    more.rows.insert(TableRow(line: 0, cells: header.headerCells), at: 0)
                    var continued = header
                    continued.rowIndex = 0
                    rows += try RowReader(table: more, header: continued, decimalComma: false,
                                          timeZone: options.timeZone).read()
                }
            }
            return (header, rows)
        }
        if workbook.sheets.isEmpty { throw ImportError(origin: path, message: "the workbook has no sheets") }
        throw firstFailure ?? ImportError(origin: path, message: "no sheet holds a data table")
    }

    private func sheetTable(_ sheet: XlsxWorkbook.Sheet, _ workbook: XlsxWorkbook) throws -> SourceTable {
        let origin = "\(path)[\(sheet.name)]"
        do {
            return SourceTable(origin: origin, rows: try workbook.rows(of: sheet), omitsEmptyCells: true)
        } catch let error as ZipError {
            throw ImportError(origin: origin, message: "unreadable sheet: \(error)")
        }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return ns.localizedDescription
    }
}
