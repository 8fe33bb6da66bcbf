/// A read position in a document's UTF-8 bytes, with the line bookkeeping that turns a byte
/// offset into the `line:column` every node and error carries.
///
/// Scanning bytes rather than `Character`s keeps the parser linear and means a hostile document
/// cannot make grapheme breaking do surprising work. The lexical rules (keys, strings, numbers,
/// date-times) are extensions of this type in their own files.
struct TOMLCursor {
    let bytes: [UInt8]
    let filename: String
    /// Offset of the first byte after a UTF-8 byte order mark, if the file starts with one.
    let origin: Int
    var pos: Int
    /// Line of `pos`, 1-based.
    private(set) var line = 1
    /// Offset where the line of `pos` starts.
    private(set) var lineStart: Int
    /// Last column computed on the current line, so locations asked for left to right along one
    /// long line (a 100 000-element array) cost linear time in total, not quadratic.
    private var memoOffset: Int
    private var memoColumn = 1

    init(bytes: [UInt8], filename: String) {
        self.bytes = bytes
        self.filename = filename
        origin = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        pos = origin
        lineStart = origin
        memoOffset = origin
    }

    var isAtEnd: Bool { pos >= bytes.count }

    func peek(_ ahead: Int = 0) -> UInt8? {
        let i = pos + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    // MARK: locations and errors

    /// The location of a byte offset: fast on the current line, a rescan from the top otherwise
    /// (only error paths ask about earlier lines).
    mutating func location(at offset: Int) -> TOMLLocation {
        guard offset >= lineStart else { return Self.locate(offset, in: bytes, origin: origin) }
        var column = 1, i = lineStart
        if memoOffset >= lineStart && memoOffset <= offset {
            column = memoColumn
            i = memoOffset
        }
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }   // count lead bytes: one per scalar
            i += 1
        }
        memoOffset = i
        memoColumn = column
        return TOMLLocation(line: line, column: column)
    }

    mutating func here() -> TOMLLocation { location(at: pos) }

    /// The location of any offset, counting lines from the start of the document.
    static func locate(_ offset: Int, in bytes: [UInt8], origin: Int) -> TOMLLocation {
        var line = 1, column = 1, i = origin
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == TOMLByte.lf {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return TOMLLocation(line: line, column: column)
    }

    func error(_ message: String, at location: TOMLLocation) -> TOMLSyntaxError {
        TOMLSyntaxError(filename: filename, location: location, message: message)
    }

    mutating func error(_ message: String, at offset: Int) -> TOMLSyntaxError {
        error(message, at: location(at: offset))
    }

    /// What is at `offset`, for "found …" in messages: `'x'`, `U+0007`, `end of line`, ….
    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let b = bytes[offset]
        switch b {
        case TOMLByte.lf: return "the end of the line"
        case TOMLByte.cr: return offset + 1 < bytes.count && bytes[offset + 1] == TOMLByte.lf ? "the end of the line" : "a carriage return (U+000D)"
        case TOMLByte.space: return "a space"
        case TOMLByte.tab: return "a tab"
        case _ where b < 0x20 || b == 0x7F: return "the control character \(Self.codePoint(UInt32(b)))"
        case _ where b < 0x80: return "'\(Character(Unicode.Scalar(b)))'"
        default:
            let slice = bytes[offset..<min(offset + 4, bytes.count)]
            guard let scalar = String(decoding: slice, as: UTF8.self).unicodeScalars.first else { return "a non-ASCII character" }
            return "'\(Character(scalar))' (\(Self.codePoint(scalar.value)))"
        }
    }

    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    // MARK: whitespace, newlines, comments

    mutating func skipSpaces() {
        while let b = peek(), b == TOMLByte.space || b == TOMLByte.tab { pos += 1 }
    }

    /// Consumes one LF or CRLF and starts a new line; returns false if not at a line break.
    /// A CR on its own is an error: TOML allows only those two line endings.
    mutating func consumeNewline() throws(TOMLSyntaxError) -> Bool {
        switch peek() {
        case TOMLByte.lf:
            pos += 1
        case TOMLByte.cr:
            guard peek(1) == TOMLByte.lf else {
                throw error("a carriage return (U+000D) must be followed by a line feed; TOML lines end with LF or CRLF", at: pos)
            }
            pos += 2
        default:
            return false
        }
        line += 1
        lineStart = pos
        return true
    }

    /// Skips a `#` comment up to (not including) the line break, rejecting control characters.
    mutating func skipComment() throws(TOMLSyntaxError) {
        pos += 1
        while let b = peek(), b != TOMLByte.lf {
            if b == TOMLByte.cr && peek(1) == TOMLByte.lf { return }
            if TOMLByte.isControl(b) {
                throw error("\(describe(at: pos)) is not allowed in a comment", at: pos)
            }
            pos += 1
        }
    }

    /// Skips spaces, tabs, comments and line breaks: everything allowed between array elements.
    mutating func skipBlankLines() throws(TOMLSyntaxError) {
        while true {
            skipSpaces()
            if peek() == TOMLByte.hash { try skipComment() }
            if try !consumeNewline() { return }
        }
    }
}
