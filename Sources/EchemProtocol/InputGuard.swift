import EchemCore
import Foundation

/// Checks raw bytes before YAML ever sees them, so nothing can crash or exhaust the stack:
/// size cap, UTF-8, control characters, nesting depth and anchor count (libyaml recurses per level).
enum InputGuard {
    static let maxBytes = 4 * 1024 * 1024
    /// Deeper than any real protocol (nested loops 5 deep are ~15 levels), far below the stack limit.
    static let maxDepth = 100
    /// Anchors make aliases, which can multiply a tree exponentially ("billion laughs").
    static let maxAnchors = 200

    /// The decoded text, or a located error.
    static func decode(_ bytes: [UInt8], file: String) -> Result<String, Diagnostic> {
        if bytes.count > maxBytes {
            return .failure(.error(SourceLocation(file: file, line: 1, column: 1),
                                   "file is \(bytes.count) bytes, more than the \(maxBytes / 1024 / 1024) MB limit",
                                   expected: "a protocol file under 4 MB"))
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }   // UTF-8 BOM
        if let bad = firstInvalidUTF8(body) {
            return .failure(.error(location(ofByte: bad, in: Array(body), file: file),
                                   "binary data: the file is not UTF-8 text", expected: "a YAML or JSON text file"))
        }
        let text = String(decoding: body, as: UTF8.self)
        return .success(text)
    }

    /// Structural checks on decoded text: control characters, depth and anchors.
    static func check(_ text: String, file: String) -> Diagnostic? {
        var line = 1, column = 1
        for s in text.unicodeScalars {
            let v = s.value
            let control = (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F
                || (0x80...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF
            if control {
                return .error(SourceLocation(file: file, line: line, column: column),
                              String(format: "binary data: control character U+%04X", v),
                              expected: "printable text")
            }
            if s == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return depthScan(text, file: file)
    }

    /// A conservative estimate of nesting depth: flow brackets (outside comments) plus block
    /// indentation levels (×2, since a sequence may sit at its parent map's indent) plus chained `- `.
    static func depthScan(_ text: String, file: String) -> Diagnostic? {
        var flow = 0
        var indents: [Int] = []
        var anchors = 0
        var blockScalarIndent: Int? = nil
        var lineNo = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = Array(rawLine.unicodeScalars)
            var indent = 0
            while indent < line.count, line[indent] == " " { indent += 1 }
            let blank = indent >= line.count || line[indent] == "#" || line[indent] == "\r"
            if let b = blockScalarIndent {
                if blank || indent > b { continue }
                blockScalarIndent = nil
            }
            if blank { continue }
            if flow == 0 {
                while let top = indents.last, top >= indent { indents.removeLast() }
                indents.append(indent)
            }
            // chained sequence entries "- - - x"
            var i = indent, dashes = 0
            while i + 1 < line.count, line[i] == "-" || line[i] == "?", line[i + 1] == " " {
                dashes += 1; i += 2
                while i < line.count, line[i] == " " { i += 1 }
            }
            var prev: Unicode.Scalar = " "
            var col = 0
            for s in line {
                col += 1
                if s == "#", prev == " " || prev == "\t" { break }
                switch s {
                case "[", "{":
                    flow += 1
                    if flow > maxDepth { return tooDeep(file, lineNo, col) }
                case "]", "}": flow = max(0, flow - 1)
                case "&" where prev == " " || prev == "[" || prev == "{" || prev == "," || prev == ":":
                    anchors += 1
                    if anchors > maxAnchors {
                        return .error(SourceLocation(file: file, line: lineNo, column: col),
                                      "more than \(maxAnchors) YAML anchors", expected: "fewer anchors and aliases")
                    }
                default: break
                }
                prev = s
            }
            let depth = 2 * indents.count + dashes + flow
            if depth > maxDepth { return tooDeep(file, lineNo, indent + 1) }
            // a block scalar header ("description: |", ">-", "|2") hides the lines indented under it
            if isBlockScalarHeader(line) { blockScalarIndent = indent }
        }
        return nil
    }

    static func isBlockScalarHeader(_ line: [Unicode.Scalar]) -> Bool {
        var s = String(String.UnicodeScalarView(line))
        if let hash = s.range(of: " #") { s = String(s[..<hash.lowerBound]) }
        s = s.trimmingWhitespace()
        while let l = s.last, l == "+" || l == "-" || ("1"..."9").contains(l) { s.removeLast() }
        guard let l = s.last, l == "|" || l == ">" else { return false }
        s.removeLast()
        return s.isEmpty || s.hasSuffix(" ") || s.hasSuffix(":") || s.hasSuffix("-")
    }

    static func tooDeep(_ file: String, _ line: Int, _ column: Int) -> Diagnostic {
        .error(SourceLocation(file: file, line: line, column: column),
               "nesting deeper than \(maxDepth) levels", expected: "a protocol nested at most \(maxDepth) levels deep")
    }

    /// Byte offset of the first byte that is not valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var offset = 0
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                offset += UTF8.width(s)
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }

    /// Line and column (1-based) of a byte offset.
    static func location(ofByte offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1, column = 1
        var i = 0
        while i < offset, i < bytes.count {
            if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
