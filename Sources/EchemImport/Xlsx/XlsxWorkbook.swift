import Foundation

/// The sheets of an XLSX workbook, in workbook order, read as text tables.
///
/// Reads `xl/workbook.xml` for sheet names, `xl/_rels/workbook.xml.rels` for where each sheet's
/// XML lives, the shared-string table when there is one, and each sheet's cells (shared strings,
/// inline strings, numbers as written, booleans, formula results). Styles are not read, so a
/// number formatted as a date arrives as its serial day number (the date parser accepts that).
struct XlsxWorkbook {
    struct Sheet {
        var name: String
        var path: String
    }

    let archive: ZipArchive
    let sheets: [Sheet]
    private let sharedStrings: [String]

    init(data: Data) throws {
        archive = try ZipArchive(data: data)
        guard archive.contains("xl/workbook.xml") else {
            throw ZipError("no xl/workbook.xml: a ZIP file, but not an XLSX workbook")
        }
        let relations = archive.contains("xl/_rels/workbook.xml.rels")
            ? try XlsxRelations.parse(archive.read("xl/_rels/workbook.xml.rels")) : [:]
        let declared = try XlsxSheetList.parse(archive.read("xl/workbook.xml"))
        var sheets: [Sheet] = []
        for (index, sheet) in declared.enumerated() {
            // Fallback for writers that omit the relations part: sheetN.xml in declaration order.
            let target = sheet.relationID.flatMap { relations[$0] } ?? "worksheets/sheet\(index + 1).xml"
            sheets.append(Sheet(name: sheet.name, path: Self.resolve(target)))
        }
        self.sheets = sheets
        let sharedPath = relations.values.first { $0.hasSuffix("sharedStrings.xml") }.map(Self.resolve)
            ?? "xl/sharedStrings.xml"
        sharedStrings = archive.contains(sharedPath) ? try XlsxSharedStrings.parse(archive.read(sharedPath)) : []
    }

    /// Every non-empty row of `sheet`, cells placed by their column letters (gaps are "").
    func rows(of sheet: Sheet) throws -> [TableRow] {
        try XlsxSheetReader.rows(archive.read(sheet.path), sharedStrings: sharedStrings, sheet: sheet.name)
    }

    /// Relationship targets are relative to `xl/` unless absolute within the package.
    private static func resolve(_ target: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = ["xl"]
        for piece in target.split(separator: "/") {
            if piece == ".." { if !parts.isEmpty { parts.removeLast() } } else if piece != "." { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }
}
