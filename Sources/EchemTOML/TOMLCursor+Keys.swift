/// One part of a (possibly dotted) key, with where it was written.
struct TOMLKeyPart: Sendable {
    var name: String
    var location: TOMLLocation
}

extension TOMLCursor {
    /// A key as in `a`, `"a b"`, `'a'` or `a . "b" . c`: the parts, each located. Skips the spaces
    /// after the key, so the caller sees the `=` or `]` next.
    mutating func dottedKey() throws(TOMLSyntaxError) -> [TOMLKeyPart] {
        var parts: [TOMLKeyPart] = []
        while true {
            parts.append(try simpleKey())
            skipSpaces()
            guard peek() == TOMLByte.dot else { return parts }
            pos += 1
            skipSpaces()
        }
    }

    /// A bare key or a single-line quoted key.
    mutating func simpleKey() throws(TOMLSyntaxError) -> TOMLKeyPart {
        let start = here()
        guard let b = peek() else { throw error("expected a key, found the end of the file", at: pos) }
        if TOMLByte.isBareKey(b) {
            let from = pos
            while let c = peek(), TOMLByte.isBareKey(c) { pos += 1 }
            return TOMLKeyPart(name: String(decoding: bytes[from..<pos], as: UTF8.self), location: start)
        }
        if b == TOMLByte.quote || b == TOMLByte.apostrophe {
            if peek(1) == b && peek(2) == b {
                throw error("a multi-line string cannot be used as a key", at: pos)
            }
            let name = b == TOMLByte.quote ? try basicString() : try literalString()
            return TOMLKeyPart(name: name, location: start)
        }
        throw error("expected a key (letters, digits, '_' and '-', or a quoted string), found \(describe(at: pos))", at: pos)
    }
}
