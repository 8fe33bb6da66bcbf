import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Runs a SAX delegate over one XML part; a malformed part is an error naming it.
enum XlsxXML {
    static func parse(_ data: Data, part: String, delegate: XMLParserDelegate) throws {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        guard parser.parse() else {
            let why = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw ZipError("\(part) is not well-formed XML (line \(parser.lineNumber)): \(why)")
        }
    }

    /// `x:sheet` → `sheet`: writers differ in whether they prefix the main namespace.
    static func local(_ name: String) -> Substring {
        name.split(separator: ":").last ?? Substring(name)
    }
}

/// `<sheet name="Record" r:id="rId2"/>` entries of xl/workbook.xml, in order.
final class XlsxSheetList: NSObject, XMLParserDelegate {
    struct Declared {
        var name: String
        var relationID: String?
    }

    private var sheets: [Declared] = []

    static func parse(_ data: Data) throws -> [Declared] {
        let list = XlsxSheetList()
        try XlsxXML.parse(data, part: "xl/workbook.xml", delegate: list)
        return list.sheets
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard XlsxXML.local(elementName) == "sheet" else { return }
        let id = attributes.first { XlsxXML.local($0.key) == "id" }?.value
        sheets.append(Declared(name: attributes["name"] ?? "Sheet\(sheets.count + 1)", relationID: id))
    }
}

/// Relationship id → target path, from xl/_rels/workbook.xml.rels.
final class XlsxRelations: NSObject, XMLParserDelegate {
    private var targets: [String: String] = [:]

    static func parse(_ data: Data) throws -> [String: String] {
        let relations = XlsxRelations()
        try XlsxXML.parse(data, part: "xl/_rels/workbook.xml.rels", delegate: relations)
        return relations.targets
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard XlsxXML.local(elementName) == "Relationship", let id = attributes["Id"],
              let target = attributes["Target"] else { return }
        targets[id] = target
    }
}

/// The shared-string table: one string per `<si>`, the text of its `<t>` runs joined. Phonetic
/// guides (`<rPh>`) are annotations, not part of the cell's text, and are skipped.
final class XlsxSharedStrings: NSObject, XMLParserDelegate {
    private var strings: [String] = []
    private var current = ""
    private var inText = false
    private var phoneticDepth = 0

    static func parse(_ data: Data) throws -> [String] {
        let table = XlsxSharedStrings()
        try XlsxXML.parse(data, part: "xl/sharedStrings.xml", delegate: table)
        return table.strings
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch XlsxXML.local(elementName) {
        case "si": current = ""
        case "rPh": phoneticDepth += 1
        case "t": inText = phoneticDepth == 0
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        switch XlsxXML.local(elementName) {
        case "si": strings.append(current)
        case "rPh": phoneticDepth -= 1
        case "t": inText = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}
