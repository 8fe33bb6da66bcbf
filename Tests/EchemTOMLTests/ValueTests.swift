import Testing
@testable import EchemTOML

/// What each kind of value parses to.
@Suite("Values")
struct ValueTests {
    func value(_ toml: String) throws -> TOMLValue {
        try #require(try TOMLParser.parse("v = \(toml)", filename: "t.toml")["v"]).value
    }

    @Test func everyValidCorpusDocumentParses() throws {
        #expect(ValidCorpus.documents.count >= 30)
        for doc in ValidCorpus.documents {
            #expect(throws: Never.self, "\(doc.name)") { try TOMLParser.parse(doc.text, filename: doc.name) }
        }
    }

    @Test func basicStringEscapes() throws {
        #expect(try value(#""\b\t\n\f\r\"\\""#) == .string("\u{8}\t\n\u{C}\r\"\\"))
        #expect(try value(#""\u00E9\U0001F600\u0000""#) == .string("é😀\u{0}"))
        #expect(try value(#"'C:\no\escapes'"#) == .string(#"C:\no\escapes"#))
    }

    @Test func multiLineStrings() throws {
        #expect(try value("\"\"\"\nfirst newline trimmed\"\"\"") == .string("first newline trimmed"))
        #expect(try value("\"\"\"a \\\n    \n   b\"\"\"") == .string("a b"))
        #expect(try value("\"\"\"a \\  \t\n  b\"\"\"") == .string("a b"))
        #expect(try value("\"\"\"two \"\"quotes\"\"\"") == .string("two \"\"quotes"))
        #expect(try value("\"\"\"\"quoted\"\"\"\"") == .string("\"quoted\""))
        #expect(try value("\"\"\"x\"\"\"\"\"") == .string("x\"\""))
        #expect(try value("'''\r\nline1\r\nline2'''") == .string("line1\nline2"))
        #expect(try value("'''no \\escapes ''here'''") == .string("no \\escapes ''here"))
    }

    @Test func integers() throws {
        #expect(try value("+99") == .integer(99))
        #expect(try value("-17") == .integer(-17))
        #expect(try value("1_000_000") == .integer(1_000_000))
        #expect(try value("0xDEAD_beef") == .integer(0xDEADBEEF))
        #expect(try value("0o755") == .integer(0o755))
        #expect(try value("0b1101") == .integer(13))
        #expect(try value("9223372036854775807") == .integer(.max))
        #expect(try value("-9223372036854775808") == .integer(.min))
        #expect(try value("-0") == .integer(0))
    }

    @Test func floats() throws {
        #expect(try value("6.626e-34") == .float(6.626e-34))
        #expect(try value("224_617.445_991_228") == .float(224_617.445_991_228))
        #expect(try value("1e06") == .float(1e6))
        #expect(try value("-2E-2") == .float(-0.02))
        #expect(try value("-inf") == .float(-.infinity))
        #expect(try value("+inf") == .float(.infinity))
        #expect(try value("nan").doubleValue?.isNaN == true)
        #expect(try value("-nan").doubleValue?.isNaN == true)
        let negativeZero = try #require(try value("-0.0").doubleValue)
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
    }

    @Test func dateTimes() throws {
        guard case .offsetDateTime(let odt) = try value("1979-05-27T00:32:00.999999999-07:00") else {
            Issue.record("not an offset date-time"); return
        }
        #expect((odt.year, odt.month, odt.day, odt.hour, odt.minute, odt.second) == (1979, 5, 27, 0, 32, 0))
        #expect(odt.fraction == "999999999")
        #expect(odt.offsetMinutes == -420)
        #expect(odt.description == "1979-05-27T00:32:00.999999999-07:00")

        guard case .offsetDateTime(let z) = try value("1979-05-27 07:32:00z") else { Issue.record("kind"); return }
        #expect(z.offsetMinutes == 0 && z.text == "1979-05-27 07:32:00z" && z.description == "1979-05-27T07:32:00Z")

        guard case .localDateTime(let ldt) = try value("1979-05-27t07:32:00") else { Issue.record("kind"); return }
        #expect(ldt.offsetMinutes == nil && ldt.kind == .localDateTime)
        guard case .localDate(let ld) = try value("2024-02-29") else { Issue.record("kind"); return }
        #expect(ld.description == "2024-02-29")
        guard case .localTime(let lt) = try value("07:32:00.5") else { Issue.record("kind"); return }
        #expect(lt.hour == 7 && lt.fraction == "5" && lt.description == "07:32:00.5")
        // a leap second is valid RFC 3339
        #expect(try value("1990-12-31T23:59:60Z").dateTimeValue?.second == 60)
    }

    @Test func arraysMayMixTypesAndKeepElementLocations() throws {
        let items = try #require(try value("[1, 'two', 3.0, [4], {five = 5}, ]").arrayValue)
        #expect(items.count == 5)
        #expect(items.map(\.value.typeDescription) == ["an integer", "a string", "a float", "an array", "an inline table"])
    }

    @Test func inlineTablesWithDottedKeys() throws {
        let t = try #require(try value("{ a.b = 1, a.c = 2, d = {} }").tableValue)
        #expect(t.isInline && t.keys == ["a", "d"])
        let a = try #require(t["a"]?.value.tableValue)
        #expect(a.keys == ["b", "c"] && !a.isInline)
    }

    @Test func arraysOfTablesAndRedefinablePerElementSubTables() throws {
        let text = "[[a]]\n[a.b]\nx = 1\n[[a]]\n[a.b]\nx = 2\n"
        let table = try TOMLParser.parse(text, filename: "t.toml")
        let elements = try #require(table["a"]?.value.arrayValue)
        #expect(elements.compactMap { $0.value.tableValue?.node("b", "x")?.value } == [.integer(1), .integer(2)])
    }

    @Test func theTableRulesAllowWhatTheSpecAllows() throws {
        // defining a super-table after its sub-table
        #expect(throws: Never.self) { try TOMLParser.parse("[a.b.c]\n[a]\n", filename: "t.toml") }
        // a [header] for a sub-table of a table made by dotted keys
        #expect(throws: Never.self) { try TOMLParser.parse("[fruit]\napple.color = 1\n[fruit.apple.texture]\n", filename: "t.toml") }
        // dotted keys extending tables made by dotted keys in the same section
        #expect(throws: Never.self) { try TOMLParser.parse("a.b = 1\na.c.d = 2\na.c.e = 3\n", filename: "t.toml") }
    }

    @Test func keysCanLookLikeValues() throws {
        let t = try TOMLParser.parse("true = 1\n1979-05-27 = 2\n3.14 = 3\n\"\" = 4\n", filename: "t.toml")
        #expect(t.keys == ["true", "1979-05-27", "3", ""])
        #expect(t.node("3", "14")?.value == .integer(3))
    }
}
