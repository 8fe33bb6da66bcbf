import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads one worksheet's `<sheetData>` into text rows. Cell text by type: `s` = shared-string
/// index, `inlineStr` = the `<is>` text, `b` = 0/1, `str`/`e`/`n`/none = the `<v>` text as written
/// (numbers keep every digit the writer put there). Rows and cells without an `r` reference
/// follow the previous one, as the format allows.
final class XlsxSheetReader: NSObject, XMLParserDelegate {
    private let sharedStrings: [String]
    private let sheet: String
    private var rows: [TableRow] = []
    private var rowNumber = 0
    private var cells: [String] = []
    private var column = -1
    private var cellType = ""
    private var value = ""
    private var collecting = false
    private var inInlineString = false
    private var failure: String?

    private init(sharedStrings: [String], sheet: String) {
        self.sharedStrings = sharedStrings
        self.sheet = sheet
    }

    static func rows(_ data: Data, sharedStrings: [String], sheet: String) throws -> [TableRow] {
        let reader = XlsxSheetReader(sharedStrings: sharedStrings, sheet: sheet)
        try XlsxXML.parse(data, part: "sheet '\(sheet)'", delegate: reader)
        if let failure = reader.failure { throw ZipError(failure) }
        return reader.rows
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch XlsxXML.local(elementName) {
        case "row":
            rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
            cells = []
            column = -1
        case "c":
            column = attributes["r"].flatMap(Self.columnIndex) ?? column + 1
            cellType = attributes["t"] ?? "n"
            value = ""
        case "v":
            value = ""
            collecting = true
        case "is":
            inInlineString = true
        case "t" where inInlineString:
            collecting = true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        switch XlsxXML.local(elementName) {
        case "v", "t":
            collecting = false
        case "is":
            inInlineString = false
        case "c":
            place(text(), at: column)
        case "row":
            if cells.contains(where: { !$0.isEmpty }) { rows.append(TableRow(line: rowNumber, cells: cells)) }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { value += string }
    }

    private func text() -> String {
        switch cellType {
        case "s":
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(index) else {
                if failure == nil {
                    failure = "sheet '\(sheet)' row \(rowNumber): shared string '\(value)' is not in the workbook's table of \(sharedStrings.count)"
                }
                return ""
            }
            return sharedStrings[index]
        default:
            return value
        }
    }

    private func place(_ text: String, at column: Int) {
        // A cell far to the right of the data (stray formatting) must not make a huge row.
        guard column >= 0, column < 16_384 else { return }
        if cells.count <= column { cells.append(contentsOf: repeatElement("", count: column + 1 - cells.count)) }
        cells[column] = text
    }

    /// "AB12" → 27 (0-based column of the letters).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            let v = scalar.value
            let letter: UInt32
            if (65...90).contains(v) { letter = v - 64 } else if (97...122).contains(v) { letter = v - 96 } else { break }
            index = index * 26 + Int(letter)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : index - 1
    }
}
