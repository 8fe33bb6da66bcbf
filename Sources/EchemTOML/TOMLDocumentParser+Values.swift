/// Values, including the two that nest: arrays (`[…]`, may span lines) and inline tables (`{…}`,
/// one line only in TOML 1.0). Nesting is bounded by `maxDepth`, so a hostile document of ten
/// thousand `[` gets an error instead of overflowing the stack.
extension TOMLDocumentParser {
    /// A value at the cursor; `depth` is the number of containers it sits in.
    mutating func value(depth: Int) throws(TOMLSyntaxError) -> TOMLNode {
        let location = cursor.here()
        guard let b = cursor.peek() else {
            throw cursor.error("expected a value, found the end of the file", at: cursor.pos)
        }
        let v: TOMLValue
        switch b {
        case TOMLByte.quote, TOMLByte.apostrophe:
            v = .string(try cursor.string())
        case TOMLByte.openBracket:
            v = try array(depth: depth, open: location)
        case TOMLByte.openBrace:
            v = try inlineTable(depth: depth, open: location)
        case TOMLByte.plus, TOMLByte.minus, 0x30...0x39:
            v = try cursor.numberOrDateTime()
        case _ where TOMLByte.isLetter(b):
            v = try cursor.bareWord()
        default:
            throw cursor.error("expected a value, found \(cursor.describe(at: cursor.pos))", at: cursor.pos)
        }
        return TOMLNode(value: v, location: location)
    }

    private func checkDepth(_ depth: Int, open: TOMLLocation) throws(TOMLSyntaxError) {
        guard depth <= builder.maxDepth else {
            throw cursor.error("arrays and inline tables are nested more than \(builder.maxDepth) levels deep", at: open)
        }
    }

    /// `[ v, v, ]`: newlines and comments allowed anywhere between elements, trailing comma allowed.
    private mutating func array(depth: Int, open: TOMLLocation) throws(TOMLSyntaxError) -> TOMLValue {
        try checkDepth(depth, open: open)
        cursor.pos += 1
        var items: [TOMLNode] = []
        while true {
            try cursor.skipBlankLines()
            guard let b = cursor.peek() else { throw unterminated("array", "]", open) }
            if b == TOMLByte.closeBracket { break }
            items.append(try value(depth: depth + 1))
            try cursor.skipBlankLines()
            guard let next = cursor.peek() else { throw unterminated("array", "]", open) }
            if next == TOMLByte.comma {
                cursor.pos += 1
                continue
            }
            if next == TOMLByte.closeBracket { break }
            throw cursor.error("expected ',' or ']' after an array element, found \(cursor.describe(at: cursor.pos))", at: cursor.pos)
        }
        cursor.pos += 1
        return .array(items)
    }

    /// `{ k = v, k = v }`: on one line, no trailing comma; dotted keys build sub-tables inside it.
    private mutating func inlineTable(depth: Int, open: TOMLLocation) throws(TOMLSyntaxError) -> TOMLValue {
        try checkDepth(depth, open: open)
        cursor.pos += 1
        let body = TOMLTableBuilder.Table(origin: .inlineBody, location: open, depth: depth, path: [])
        let sectionID = newSection()
        cursor.skipSpaces()
        if cursor.peek() == TOMLByte.closeBrace {
            cursor.pos += 1
            return .table(builder.freeze(body, isInline: true))
        }
        while true {
            try checkOneLine(open)
            try keyValue(into: body, sectionID: sectionID)
            cursor.skipSpaces()
            try checkOneLine(open)
            guard let b = cursor.peek() else { throw unterminated("inline table", "}", open) }
            if b == TOMLByte.closeBrace { break }
            guard b == TOMLByte.comma else {
                throw cursor.error("expected ',' or '}' in the inline table, found \(cursor.describe(at: cursor.pos))", at: cursor.pos)
            }
            let comma = cursor.pos
            cursor.pos += 1
            cursor.skipSpaces()
            if cursor.peek() == TOMLByte.closeBrace {
                throw cursor.error("a trailing comma is not allowed in an inline table (TOML 1.0)", at: comma)
            }
        }
        cursor.pos += 1
        return .table(builder.freeze(body, isInline: true))
    }

    private mutating func checkOneLine(_ open: TOMLLocation) throws(TOMLSyntaxError) {
        switch cursor.peek() {
        case nil: throw unterminated("inline table", "}", open)
        case TOMLByte.lf, TOMLByte.cr, TOMLByte.hash:
            throw cursor.error("an inline table must be on one line (TOML 1.0): the '{' at \(open) is not closed before the line ends; use a [table] for longer tables", at: cursor.pos)
        default: return
        }
    }

    private func unterminated(_ what: String, _ closer: String, _ open: TOMLLocation) -> TOMLSyntaxError {
        cursor.error("unterminated \(what): the '\(what == "array" ? "[" : "{")' here is never closed with '\(closer)'", at: open)
    }
}
