import Foundation

/// One XML element as the BTS API and Neware step files use them: a name, attributes in document
/// order, the character data directly inside it, and child elements. No namespaces, no mixed
/// content beyond "text plus children" (the BTS dialect has none).
public struct BTSXMLElement: Sendable, Hashable {
    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var attributes: [Attribute]
    /// Character data directly inside this element, entities decoded, surrounding whitespace trimmed.
    public var text: String
    public var children: [BTSXMLElement]

    public init(_ name: String, attributes: [Attribute] = [], text: String = "", children: [BTSXMLElement] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// An attribute's value. Exact name first, then case-insensitively, because real replies spell
    /// one field two ways (`Channelid` in `getdevinfo`, `chlid` everywhere else).
    public subscript(_ attribute: String) -> String? {
        if let a = attributes.first(where: { $0.name == attribute }) { return a.value }
        let lower = attribute.lowercased()
        return attributes.first(where: { $0.name.lowercased() == lower })?.value
    }

    /// The first of several spellings that is present.
    public func value(_ names: String...) -> String? {
        for n in names { if let v = self[n] { return v } }
        return nil
    }

    /// The first child with this name (case-sensitive).
    public func child(_ name: String) -> BTSXMLElement? {
        children.first { $0.name == name }
    }

    public func children(named name: String) -> [BTSXMLElement] {
        children.filter { $0.name == name }
    }

    /// Every element with this name at any depth below this one, in document order.
    public func descendants(named name: String) -> [BTSXMLElement] {
        var out: [BTSXMLElement] = []
        for c in children {
            if c.name == name { out.append(c) }
            out.append(contentsOf: c.descendants(named: name))
        }
        return out
    }

    /// The element's `Value` attribute as a number: step files write every quantity that way.
    public var numericValue: Double? { self["Value"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
}

/// Escaping for text and attribute values written into BTS XML.
public enum BTSXMLEscape {
    public static func attribute(_ s: String) -> String {
        guard s.contains(where: { "&<>\"'\r\n\t".contains($0) }) else { return s }
        var out = ""
        out.reserveCapacity(s.count + 8)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default: out.append(ch)
            }
        }
        return out
    }

    public static func text(_ s: String) -> String {
        guard s.contains(where: { "&<>".contains($0) }) else { return s }
        return s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension BTSXMLElement {
    /// `<name a="1" b="2">text</name>` or `<name a="1" b="2" />`, children rendered inline.
    public func rendered() -> String {
        var s = "<" + name
        for a in attributes { s += " \(a.name)=\"\(BTSXMLEscape.attribute(a.value))\"" }
        if text.isEmpty && children.isEmpty { return s + " />" }
        s += ">" + BTSXMLEscape.text(text)
        for c in children { s += c.rendered() }
        return s + "</\(name)>"
    }

    /// Indented rendering, one element per line, with the given line ending (step files use CRLF).
    public func pretty(indent: String = "  ", level: Int = 0, newline: String = "\r\n") -> String {
        let pad = String(repeating: indent, count: level)
        var head = "<" + name
        for a in attributes { head += " \(a.name)=\"\(BTSXMLEscape.attribute(a.value))\"" }
        if text.isEmpty && children.isEmpty { return pad + head + " />" + newline }
        if children.isEmpty { return pad + head + ">" + BTSXMLEscape.text(text) + "</\(name)>" + newline }
        var s = pad + head + ">" + BTSXMLEscape.text(text) + newline
        for c in children { s += c.pretty(indent: indent, level: level + 1, newline: newline) }
        return s + pad + "</\(name)>" + newline
    }
}
