import Testing
@testable import EchemTOML

/// Every invalid document gives one located `TOMLSyntaxError` on the right line, never a crash.
@Suite("Syntax errors")
struct SyntaxErrorTests {
    @Test("each invalid document is rejected on the expected line", arguments: InvalidCorpus.documents)
    func invalidDocument(_ doc: InvalidDocument) throws {
        let error = try #require(syntaxError(doc.text), "\(doc.name) parsed but must not")
        #expect(error.location.line == doc.line, "\(error)")
        #expect(error.location.column >= 1)
        #expect(error.message.contains(doc.fragment), "\(error)")
        #expect(error.filename == "bad.toml")
    }

    @Test func theCorpusHasAtLeast25Documents() {
        #expect(InvalidCorpus.documents.count >= 25)
    }

    @Test func descriptionIsFileLineColumnErrorMessage() throws {
        let error = try #require(syntaxError("a = 1\nb = 01\n", filename: "echemd.toml"))
        #expect(error.description == "echemd.toml:2:5: error: leading zeros are not allowed in '01'")
        #expect(error.diagnostic.description == error.description)
    }

    @Test func columnsPointAtTheOffendingCharacter() throws {
        #expect(syntaxError("x = 1__0")?.location == TOMLLocation(line: 1, column: 6))
        #expect(syntaxError("s = \"ab\\qc\"")?.location == TOMLLocation(line: 1, column: 8))
        #expect(syntaxError("a = [1 2]")?.location == TOMLLocation(line: 1, column: 8))
        #expect(syntaxError("d = 2023-02-30")?.location == TOMLLocation(line: 1, column: 13))
        // after non-ASCII text, columns count scalars: 'é' and '😀' are one column each
        #expect(syntaxError("s = \"é😀\" x")?.location == TOMLLocation(line: 1, column: 10))
    }

    @Test func redefinitionErrorsSayWhereTheFirstDefinitionWas() throws {
        let error = try #require(syntaxError("[a]\nx = 1\n\n[a]\n"))
        #expect(error.message.contains("first defined at 1:1"), "\(error)")
        let dup = try #require(syntaxError("name = 1\nname = 2\n"))
        #expect(dup.location == TOMLLocation(line: 2, column: 1))
        #expect(dup.message.contains("already defined at 1:1"), "\(dup)")
    }

    @Test func invalidUTF8IsALocatedError() throws {
        let bytes: [UInt8] = Array("a = 1\nb = \"x".utf8) + [0xFF] + Array("\"\n".utf8)
        let error = try #require(syntaxError(bytes: bytes))
        #expect(error.location == TOMLLocation(line: 2, column: 7))
        #expect(error.message.contains("not valid UTF-8"))
    }

    @Test("malformed UTF-8 sequences are all rejected", arguments: [
        [0xC0, 0xAF],              // overlong '/'
        [0xE0, 0x80, 0xAF],        // overlong
        [0xED, 0xA0, 0x80],        // UTF-16 surrogate D800
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xE2, 0x82],              // truncated
        [0x80],                    // lone continuation byte
        [0xFE],
    ] as [[UInt8]])
    func malformedUTF8(_ sequence: [UInt8]) throws {
        let bytes = Array("# comment ".utf8) + sequence + Array("\na = 1\n".utf8)
        let error = try #require(syntaxError(bytes: bytes))
        #expect(error.location.line == 1)
        #expect(error.location.column == 11)
    }

    @Test func aLeadingByteOrderMarkIsSkippedAndDoesNotShiftColumns() throws {
        let table = try TOMLParser.parse(utf8: [0xEF, 0xBB, 0xBF] + Array("a = 1\n".utf8), filename: "bom.toml")
        #expect(table["a"]?.value == .integer(1))
        #expect(table.keyLocation("a") == TOMLLocation(line: 1, column: 1))
        // ...but only at the very start
        #expect(syntaxError("a = 1\n\u{FEFF}b = 2\n")?.location.line == 2)
    }

    @Test func integersBeyond64BitsAreRejectedNotRounded() {
        #expect(syntaxError("n = 9223372036854775808")?.message.contains("64 bits") == true)
        #expect(syntaxError("n = -9223372036854775809")?.message.contains("64 bits") == true)
        #expect(syntaxError("n = 0x8000000000000000")?.message.contains("64 bits") == true)
        #expect(syntaxError("n = 0b" + String(repeating: "1", count: 64))?.message.contains("64 bits") == true)
    }
}

/// Hostile nesting is capped with a clear error instead of overflowing the stack.
@Suite("Nesting depth")
struct DepthTests {
    static let deep = 10_000

    @Test func tenThousandOpenBrackets() throws {
        let error = try #require(syntaxError("a = " + String(repeating: "[", count: Self.deep)))
        #expect(error.message.contains("nested more than \(TOMLParser.maxNestingDepth) levels"), "\(error)")
        #expect(error.location.line == 1)
    }

    @Test func tenThousandClosedBrackets() throws {
        let text = "a = " + String(repeating: "[", count: Self.deep) + String(repeating: "]", count: Self.deep)
        #expect(syntaxError(text)?.message.contains("nested more than") == true)
    }

    @Test func tenThousandInlineTables() throws {
        let text = "a = " + String(repeating: "{b = ", count: Self.deep) + "1" + String(repeating: "}", count: Self.deep)
        #expect(syntaxError(text)?.message.contains("nested more than") == true)
    }

    @Test func tenThousandDottedKeyParts() throws {
        let key = (0..<Self.deep).map { "k\($0)" }.joined(separator: ".")
        #expect(syntaxError("\(key) = 1")?.message.contains("nested more than") == true)
        #expect(syntaxError("[\(key)]")?.message.contains("nested more than") == true)
        #expect(syntaxError("[[\(key)]]")?.message.contains("nested more than") == true)
    }

    @Test func nestingUpToTheCapParses() throws {
        let n = TOMLParser.maxNestingDepth - 1
        let text = "a = " + String(repeating: "[", count: n) + String(repeating: "]", count: n)
        var node = try #require(try TOMLParser.parse(text, filename: "t.toml")["a"])
        var depth = 1
        while case .array(let items) = node.value, let first = items.first {
            node = first
            depth += 1
        }
        #expect(depth == n)
    }
}
