import Foundation

/// Parses TOML 1.0 into tables whose every key and value carries its source location.
///
/// echemd has its own parser because the ones available (TOMLKit over toml++) locate syntax
/// errors only; configuration and device-profile loaders need the location of a *valid* value
/// that has the wrong meaning ("expected a number, found a string") long after parsing.
public enum TOMLParser {
    /// Maximum nesting of tables, arrays and inline tables. Real files need a handful of levels;
    /// the cap turns a hostile `[[[[…` into an error instead of a stack overflow.
    public static let maxNestingDepth = 128

    /// Parses a document held as a `String` (already Unicode, so only the TOML rules apply).
    public static func parse(_ text: String, filename: String) throws(TOMLSyntaxError) -> TOMLTable {
        try parse(bytes: Array(text.utf8), filename: filename)
    }

    /// Parses a document as read from disk. Bytes that are not valid UTF-8 are a located error;
    /// they are never silently replaced. A leading UTF-8 byte order mark is skipped.
    public static func parse(utf8 data: some Collection<UInt8>, filename: String) throws(TOMLSyntaxError) -> TOMLTable {
        try parse(bytes: Array(data), filename: filename)
    }

    /// Reads and parses a file; I/O errors are thrown as they come from Foundation, syntax errors
    /// as `TOMLSyntaxError` with the file's path as the filename.
    public static func parse(contentsOf url: URL) throws -> TOMLTable {
        let data = try Data(contentsOf: url)
        return try parse(utf8: data, filename: url.path)
    }

    private static func parse(bytes: [UInt8], filename: String) throws(TOMLSyntaxError) -> TOMLTable {
        if let bad = TOMLUTF8.firstInvalidOffset(in: bytes) {
            let origin = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let hex = String(bytes[bad], radix: 16, uppercase: true)
            throw TOMLSyntaxError(filename: filename, location: TOMLCursor.locate(bad, in: bytes, origin: origin),
                                  message: "the file is not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" : "")\(hex) here); TOML files must be UTF-8")
        }
        var parser = TOMLDocumentParser(bytes: bytes, filename: filename, maxDepth: maxNestingDepth)
        return try parser.parseDocument()
    }
}
