/// TOML's four string forms: basic `"…"` with escapes, literal `'…'` without, and their
/// multi-line `"""…"""` and `'''…'''` variants.
///
/// Strings are collected as UTF-8 bytes and decoded once at the end; the document was validated
/// as UTF-8 before parsing, so the decoding never substitutes anything.
extension TOMLCursor {
    /// Any string form, at its opening quote.
    mutating func string() throws(TOMLSyntaxError) -> String {
        let q = bytes[pos]
        let multiline = peek(1) == q && peek(2) == q
        switch (q == TOMLByte.quote, multiline) {
        case (true, false): return try basicString()
        case (true, true): return try multilineString(escapes: true)
        case (false, false): return try literalString()
        case (false, true): return try multilineString(escapes: false)
        }
    }

    /// `"…"`: one line, escapes.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        let open = here()
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else {
                throw error("unterminated string: the '\"' here is never closed", at: open)
            }
            switch b {
            case TOMLByte.quote:
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case TOMLByte.backslash:
                try escape(into: &out, multiline: false)
            case TOMLByte.lf, TOMLByte.cr:
                // a CR on its own is a stray control character, not a line end
                if b == TOMLByte.cr && peek(1) != TOMLByte.lf { throw controlCharacter(inside: "a string") }
                throw error("unterminated string: a \"…\" string must end on the line it starts on (use \"\"\"…\"\"\" for several lines)", at: open)
            default:
                if TOMLByte.isControl(b) { throw controlCharacter(inside: "a string") }
                out.append(b)
                pos += 1
            }
        }
    }

    /// `'…'`: one line, no escapes.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        let open = here()
        pos += 1
        let from = pos
        while true {
            guard let b = peek() else {
                throw error("unterminated string: the \"'\" here is never closed", at: open)
            }
            switch b {
            case TOMLByte.apostrophe:
                pos += 1
                return String(decoding: bytes[from..<(pos - 1)], as: UTF8.self)
            case TOMLByte.lf, TOMLByte.cr:
                // a CR on its own is a stray control character, not a line end
                if b == TOMLByte.cr && peek(1) != TOMLByte.lf { throw controlCharacter(inside: "a string") }
                throw error("unterminated string: a '…' string must end on the line it starts on (use '''…''' for several lines)", at: open)
            default:
                if TOMLByte.isControl(b) { throw controlCharacter(inside: "a string") }
                pos += 1
            }
        }
    }

    /// `"""…"""` (with escapes) or `'''…'''`. A line break right after the opening delimiter is
    /// dropped, CRLF becomes LF, and up to two quotes may sit just before the closing delimiter.
    mutating func multilineString(escapes: Bool) throws(TOMLSyntaxError) -> String {
        let open = here()
        let q = bytes[pos]
        pos += 3
        _ = try consumeNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else {
                let delimiter = escapes ? "\"\"\"" : "'''"
                throw error("unterminated multi-line string: the \(delimiter) here is never closed", at: open)
            }
            switch b {
            case q:
                var run = 1
                while peek(run) == q { run += 1 }
                if run >= 3 {
                    if run > 5 {
                        throw error("too many quotes: at most two may come right before the closing delimiter", at: pos + 5)
                    }
                    out.append(contentsOf: repeatElement(q, count: run - 3))
                    pos += run
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(contentsOf: repeatElement(q, count: run))
                pos += run
            case TOMLByte.backslash where escapes:
                try escape(into: &out, multiline: true)
            case TOMLByte.lf, TOMLByte.cr:
                _ = try consumeNewline()
                out.append(TOMLByte.lf)
            default:
                if TOMLByte.isControl(b) { throw controlCharacter(inside: "a string") }
                out.append(b)
                pos += 1
            }
        }
    }

    /// An escape sequence at `\`, appended as UTF-8; in a multi-line string also the
    /// line-ending backslash, which swallows the line break and the blank space after it.
    private mutating func escape(into out: inout [UInt8], multiline: Bool) throws(TOMLSyntaxError) {
        let start = pos
        pos += 1
        guard let e = peek() else {
            throw error("unterminated string: the file ends after a '\\'", at: start)
        }
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case TOMLByte.quote: out.append(TOMLByte.quote)
        case TOMLByte.backslash: out.append(TOMLByte.backslash)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            try unicodeEscape(into: &out, digits: e == UInt8(ascii: "u") ? 4 : 8, start: start)
            return
        case TOMLByte.space, TOMLByte.tab, TOMLByte.lf, TOMLByte.cr:
            guard multiline else { throw invalidEscape(at: start) }
            var i = pos
            while i < bytes.count, bytes[i] == TOMLByte.space || bytes[i] == TOMLByte.tab { i += 1 }
            guard i < bytes.count, bytes[i] == TOMLByte.lf || bytes[i] == TOMLByte.cr else {
                throw error("a '\\' followed by spaces must end its line (a line-ending backslash); write '\\\\' for a backslash", at: start)
            }
            pos = i
            while try consumeNewline() { skipSpaces() }
            return
        default:
            throw invalidEscape(at: start)
        }
        pos += 1
    }

    private mutating func invalidEscape(at start: Int) -> TOMLSyntaxError {
        error("invalid escape sequence: '\\' followed by \(describe(at: start + 1)); the escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX", at: start)
    }

    private mutating func unicodeEscape(into out: inout [UInt8], digits: Int, start: Int) throws(TOMLSyntaxError) {
        pos += 1
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let b = peek(), let d = TOMLByte.hexValue(b) else {
                let letter = digits == 4 ? "u" : "U"
                throw error("'\\\(letter)' must be followed by exactly \(digits) hexadecimal digits", at: start)
            }
            value = value << 4 | d
            pos += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("escape \(Self.codePoint(value)) is not a Unicode scalar value (surrogates D800–DFFF and values above 10FFFF are not)", at: start)
        }
        UTF8.encode(scalar) { out.append($0) }
    }

    private mutating func controlCharacter(inside what: String) -> TOMLSyntaxError {
        let b = bytes[pos]
        return error("\(describe(at: pos)) is not allowed in \(what); write it as the escape \\u\(Self.codePoint(UInt32(b)).dropFirst(2))", at: pos)
    }
}
