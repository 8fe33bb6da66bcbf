import Foundation

/// Why a BTS document or step file could not be read, with the byte offset it was found at.
public struct BTSXMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "XML at byte \(offset): \(reason)" }
}

/// A small, strict-enough XML reader for the BTS dialect, working on bytes.
///
/// Own code rather than libxml2 (FoundationXML) because the inputs are hostile or odd in known
/// ways: step files that declare `encoding="GB2312"` but hold UTF-8, requests with a stray `"`
/// after `</list>` (aurora-neware), `count = "1"` with spaces, and anything a broken peer sends.
/// It never traps: depth and size are bounded, and every failure is a `BTSXMLError`.
///
/// Reads elements, attributes (single or double quotes), character data, CDATA, the five named
/// entities and numeric character references; skips the XML declaration, processing
/// instructions, comments and a DOCTYPE. Text outside the document element is ignored.
public enum BTSXMLParser {
    public static let maxDepth = 64
    public static let maxBytes = 64 << 20

    public static func parse(_ text: String) throws(BTSXMLError) -> BTSXMLElement {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(BTSXMLError) -> BTSXMLElement {
        guard bytes.count <= maxBytes else {
            throw BTSXMLError(offset: 0, reason: "document of \(bytes.count) bytes exceeds the \(maxBytes)-byte limit")
        }
        var reader = Reader(bytes: bytes)
        return try reader.document()
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws(BTSXMLError) -> BTSXMLElement {
            while true {
                guard let lt = nextOpenAngle() else {
                    throw BTSXMLError(offset: bytes.count, reason: "no element found (expected a document such as <bts>…</bts>)")
                }
                i = lt
                if try skipMarkup() { continue }
                if peek(1) == UInt8(ascii: "/") {
                    throw BTSXMLError(offset: i, reason: "closing tag before any opening tag")
                }
                return try element(depth: 1)
            }
        }

        func peek(_ k: Int) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }

        func nextOpenAngle() -> Int? {
            var j = i
            while j < bytes.count {
                if bytes[j] == UInt8(ascii: "<") { return j }
                j += 1
            }
            return nil
        }

        func starts(with s: StaticString, at j: Int) -> Bool {
            let n = s.utf8CodeUnitCount
            guard j + n <= bytes.count else { return false }
            return s.withUTF8Buffer { buf in
                for k in 0..<n where bytes[j + k] != buf[k] { return false }
                return true
            }
        }

        /// At `<`: skips `<?…?>`, `<!--…-->` and `<!…>`; true if something was skipped.
        mutating func skipMarkup() throws(BTSXMLError) -> Bool {
            if starts(with: "<?", at: i) {
                try skip(past: "?>", what: "processing instruction")
                return true
            }
            if starts(with: "<!--", at: i) {
                try skip(past: "-->", what: "comment")
                return true
            }
            if starts(with: "<![CDATA[", at: i) { return false }
            if starts(with: "<!", at: i) {
                try skip(past: ">", what: "declaration")
                return true
            }
            return false
        }

        mutating func skip(past end: StaticString, what: String) throws(BTSXMLError) {
            let start = i
            var j = i
            while j < bytes.count {
                if starts(with: end, at: j) {
                    i = j + end.utf8CodeUnitCount
                    return
                }
                j += 1
            }
            throw BTSXMLError(offset: start, reason: "unterminated \(what)")
        }

        static func isNameByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: ":") || b >= 0x80
        }

        static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        mutating func skipSpaces() {
            while i < bytes.count, Reader.isSpace(bytes[i]) { i += 1 }
        }

        mutating func name(_ what: String) throws(BTSXMLError) -> String {
            let start = i
            while i < bytes.count, Reader.isNameByte(bytes[i]) { i += 1 }
            guard i > start else {
                let got = i < bytes.count ? "'\(Character(Unicode.Scalar(bytes[i])))'" : "the end of the data"
                throw BTSXMLError(offset: start, reason: "expected \(what) name, found \(got)")
            }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        /// At `<name`: reads the whole element, its attributes, text and children.
        mutating func element(depth: Int) throws(BTSXMLError) -> BTSXMLElement {
            guard depth <= BTSXMLParser.maxDepth else {
                throw BTSXMLError(offset: i, reason: "elements nested deeper than \(BTSXMLParser.maxDepth)")
            }
            i += 1
            var el = BTSXMLElement(try name("an element"))
            // Attributes, then `>` or `/>`.
            while true {
                skipSpaces()
                guard i < bytes.count else { throw BTSXMLError(offset: i, reason: "unterminated tag <\(el.name)") }
                if bytes[i] == UInt8(ascii: "/") {
                    guard peek(1) == UInt8(ascii: ">") else { throw BTSXMLError(offset: i, reason: "expected '/>' in <\(el.name)") }
                    i += 2
                    return el
                }
                if bytes[i] == UInt8(ascii: ">") {
                    i += 1
                    break
                }
                let attrName = try name("an attribute")
                skipSpaces()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                    throw BTSXMLError(offset: i, reason: "attribute \(attrName) of <\(el.name)> has no '=' and value")
                }
                i += 1
                skipSpaces()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw BTSXMLError(offset: i, reason: "attribute \(attrName) of <\(el.name)> needs a quoted value")
                }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < bytes.count, bytes[i] != quote { i += 1 }
                guard i < bytes.count else { throw BTSXMLError(offset: start, reason: "unterminated value of attribute \(attrName)") }
                el.attributes.append(.init(attrName, Reader.decodeEntities(bytes[start..<i])))
                i += 1
            }
            // Content.
            var text: [UInt8] = []
            while true {
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "<") { i += 1 }
                text.append(contentsOf: bytes[start..<i])
                guard i < bytes.count else { throw BTSXMLError(offset: i, reason: "<\(el.name)> is never closed") }
                if starts(with: "<![CDATA[", at: i) {
                    let s = i + 9
                    var j = s
                    while j < bytes.count, !starts(with: "]]>", at: j) { j += 1 }
                    guard j < bytes.count else { throw BTSXMLError(offset: i, reason: "unterminated CDATA section") }
                    text.append(contentsOf: Reader.escapeAmpersands(bytes[s..<j]))
                    i = j + 3
                    continue
                }
                if try skipMarkup() { continue }
                if peek(1) == UInt8(ascii: "/") {
                    let closeAt = i
                    i += 2
                    let closing = try name("a closing tag's")
                    skipSpaces()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else {
                        throw BTSXMLError(offset: i, reason: "expected '>' after </\(closing)")
                    }
                    i += 1
                    guard closing == el.name else {
                        throw BTSXMLError(offset: closeAt, reason: "</\(closing)> closes <\(el.name)>")
                    }
                    el.text = Reader.decodeEntities(text[...]).trimmingCharacters(in: .whitespacesAndNewlines)
                    return el
                }
                el.children.append(try element(depth: depth + 1))
            }
        }

        /// CDATA is literal: protect its `&` so entity decoding leaves it as written.
        static func escapeAmpersands(_ s: ArraySlice<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(s.count)
            for b in s {
                if b == UInt8(ascii: "&") { out.append(contentsOf: Array("&amp;".utf8)) } else { out.append(b) }
            }
            return out
        }

        static func decodeEntities(_ s: ArraySlice<UInt8>) -> String {
            guard s.contains(UInt8(ascii: "&")) else { return String(decoding: s, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(s.count)
            var k = s.startIndex
            while k < s.endIndex {
                let b = s[k]
                guard b == UInt8(ascii: "&"), let semi = s[k..<min(s.endIndex, k + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                    out.append(b)
                    k += 1
                    continue
                }
                let entity = String(decoding: s[(k + 1)..<semi], as: UTF8.self)
                var replacement: [UInt8]?
                switch entity {
                case "lt": replacement = [UInt8(ascii: "<")]
                case "gt": replacement = [UInt8(ascii: ">")]
                case "amp": replacement = [UInt8(ascii: "&")]
                case "quot": replacement = [UInt8(ascii: "\"")]
                case "apos": replacement = [UInt8(ascii: "'")]
                default:
                    if entity.hasPrefix("#") {
                        let digits = entity.dropFirst()
                        let code = digits.hasPrefix("x") || digits.hasPrefix("X")
                            ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                        if let code, code != 0, let scalar = Unicode.Scalar(code) {
                            replacement = Array(String(Character(scalar)).utf8)
                        }
                    }
                }
                if let replacement {
                    out.append(contentsOf: replacement)
                    k = semi + 1
                } else {
                    out.append(b)   // not an entity we know: keep it as written
                    k += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
