/// The document's line structure: `[header]`, `[[header]]` and `key = value` lines, comments and
/// blank lines. Values are read by `TOMLDocumentParser+Values.swift`, keys and scalars by the
/// cursor, and the table rules are the builder's.
struct TOMLDocumentParser {
    var cursor: TOMLCursor
    let builder: TOMLTableBuilder
    /// Numbers each `[header]` and inline table, so dotted keys know which section created a table.
    var sectionCount = 0

    init(bytes: [UInt8], filename: String, maxDepth: Int) {
        cursor = TOMLCursor(bytes: bytes, filename: filename)
        builder = TOMLTableBuilder(filename: filename, maxDepth: maxDepth)
    }

    mutating func parseDocument() throws(TOMLSyntaxError) -> TOMLTable {
        var section = builder.root
        var sectionID = 0
        while true {
            cursor.skipSpaces()
            guard let b = cursor.peek() else { break }
            switch b {
            case TOMLByte.hash:
                try cursor.skipComment()
            case TOMLByte.lf, TOMLByte.cr:
                _ = try cursor.consumeNewline()
            case TOMLByte.openBracket:
                section = try header()
                sectionID = newSection()
                try endOfLine(after: "the table header")
            default:
                try keyValue(into: section, sectionID: sectionID)
                try endOfLine(after: "the value")
            }
        }
        return builder.freeze(builder.root)
    }

    mutating func newSection() -> Int {
        sectionCount += 1
        return sectionCount
    }

    /// `[a.b]` or `[[a.b]]`; returns the table that following key/value lines fill.
    private mutating func header() throws(TOMLSyntaxError) -> TOMLTableBuilder.Table {
        let open = cursor.here()
        cursor.pos += 1
        let isArray = cursor.peek() == TOMLByte.openBracket
        if isArray { cursor.pos += 1 }
        cursor.skipSpaces()
        let path = try cursor.dottedKey()
        let closing = isArray ? "']]'" : "']'"
        guard cursor.peek() == TOMLByte.closeBracket, !isArray || cursor.peek(1) == TOMLByte.closeBracket else {
            let at = cursor.peek() == TOMLByte.closeBracket ? cursor.pos + 1 : cursor.pos
            throw cursor.error("expected \(closing) to close the \(isArray ? "array-of-tables" : "table") header, found \(cursor.describe(at: at))", at: at)
        }
        cursor.pos += isArray ? 2 : 1
        return isArray ? try builder.appendArrayElement(path, header: open) : try builder.defineTable(path, header: open)
    }

    /// `key = value`, added to `table` (a section's table or an inline table's body).
    mutating func keyValue(into table: TOMLTableBuilder.Table, sectionID: Int) throws(TOMLSyntaxError) {
        let key = try cursor.dottedKey()
        guard cursor.peek() == TOMLByte.equals else {
            let rendered = TOMLKeyPath.render(key.map(\.name))
            throw cursor.error("expected '=' after the key \(rendered), found \(cursor.describe(at: cursor.pos))", at: cursor.pos)
        }
        cursor.pos += 1
        cursor.skipSpaces()
        let depth = table.depth + key.count
        guard depth <= builder.maxDepth else {
            let culprit = key[max(0, min(key.count - 1, builder.maxDepth - table.depth))]
            throw cursor.error("keys are nested more than \(builder.maxDepth) levels deep", at: culprit.location)
        }
        let node = try value(depth: depth)
        try builder.insert(key, node, into: table, sectionID: sectionID)
    }

    /// After a statement only spaces and a comment may follow on the same line.
    private mutating func endOfLine(after what: String) throws(TOMLSyntaxError) {
        cursor.skipSpaces()
        if cursor.peek() == TOMLByte.hash { try cursor.skipComment() }
        if cursor.isAtEnd { return }
        if try cursor.consumeNewline() { return }
        throw cursor.error("expected the end of the line after \(what), found \(cursor.describe(at: cursor.pos))", at: cursor.pos)
    }
}
