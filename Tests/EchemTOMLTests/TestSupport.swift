import Foundation
import Testing
@testable import EchemTOML

/// The syntax error a document produces, or nil if it parses.
func syntaxError(_ text: String, filename: String = "bad.toml") -> TOMLSyntaxError? {
    do {
        _ = try TOMLParser.parse(text, filename: filename)
        return nil
    } catch {
        return error
    }
}

func syntaxError(bytes: [UInt8], filename: String = "bad.toml") -> TOMLSyntaxError? {
    do {
        _ = try TOMLParser.parse(utf8: bytes, filename: filename)
        return nil
    } catch {
        return error
    }
}

extension TOMLTable {
    /// The node at a path of keys, entering tables only (`t.node("a", "b")`).
    func node(_ path: String...) -> TOMLNode? {
        var table = self
        for key in path.dropLast() {
            guard case .table(let next)? = table[key]?.value else { return nil }
            table = next
        }
        return table[path.last!]
    }
}

/// Number of lines as diagnostics count them: line breaks + 1 (the end of a file that ends with
/// a newline is on the line after it).
func lineCount(_ bytes: [UInt8]) -> Int {
    bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
}
