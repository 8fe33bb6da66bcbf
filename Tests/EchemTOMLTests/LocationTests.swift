import Testing
@testable import EchemTOML

/// Every key, value and table knows where it was written.
@Suite("Locations")
struct LocationTests {
    static let config = """
    # echemd.toml

    [daemon]
    socket = "/run/echemd.sock"

    [limits]
      max_volts = 4.2
    """

    @Test func aKeyValueOnLine7Column3ReportsIt() throws {
        let table = try TOMLParser.parse(Self.config, filename: "echemd.toml")
        let limits = try #require(table["limits"]?.value.tableValue)
        #expect(limits.keyLocation("max_volts") == TOMLLocation(line: 7, column: 3))
        #expect(limits["max_volts"]?.location == TOMLLocation(line: 7, column: 15))
        #expect(limits["max_volts"]?.value == .float(4.2))
    }

    @Test func tablesAreAtTheirHeaderAndTheRootAt1_1() throws {
        let table = try TOMLParser.parse(Self.config, filename: "echemd.toml")
        #expect(table.location == TOMLLocation(line: 1, column: 1))
        #expect(table["daemon"]?.location == TOMLLocation(line: 3, column: 1))
        #expect(table["daemon"]?.value.tableValue?.location == TOMLLocation(line: 3, column: 1))
        #expect(table.keyLocation("daemon") == TOMLLocation(line: 3, column: 2))
        #expect(table.keyLocation("limits") == TOMLLocation(line: 6, column: 2))
    }

    @Test func inlineTablesAreAtTheirBrace() throws {
        let table = try TOMLParser.parse("a = 1\ncell = { chemistry = \"NMC\", mass = 2 }\n", filename: "t.toml")
        let cell = try #require(table["cell"])
        #expect(cell.location == TOMLLocation(line: 2, column: 8))
        let t = try #require(cell.value.tableValue)
        #expect(t.isInline)
        #expect(t.location == TOMLLocation(line: 2, column: 8))
        #expect(t.keyLocation("mass") == TOMLLocation(line: 2, column: 29))
        #expect(t["mass"]?.location == TOMLLocation(line: 2, column: 36))
    }

    @Test func arrayOfTablesElementsAreAtTheirOwnHeaders() throws {
        let text = """
        [[channels]]
        id = "a"

        [[channels]]
        id = "b"
          [channels.limits]
          v = 1
        """
        let table = try TOMLParser.parse(text, filename: "t.toml")
        let channels = try #require(table["channels"])
        #expect(channels.location == TOMLLocation(line: 1, column: 1))
        let elements = try #require(channels.value.arrayValue)
        #expect(elements.map(\.location) == [TOMLLocation(line: 1, column: 1), TOMLLocation(line: 4, column: 1)])
        #expect(elements.allSatisfy { $0.value.tableValue?.isArrayElement == true })
        let second = try #require(elements[1].value.tableValue)
        #expect(second["id"]?.location == TOMLLocation(line: 5, column: 6))
        #expect(second["limits"]?.location == TOMLLocation(line: 6, column: 3))
        #expect(second.keyLocation("limits") == TOMLLocation(line: 6, column: 13))
        #expect(second.node("limits", "v")?.location == TOMLLocation(line: 7, column: 7))
    }

    @Test func dottedKeysLocateEachPart() throws {
        let table = try TOMLParser.parse("\n  fruit . apple.color = \"red\"\n", filename: "t.toml")
        #expect(table.keyLocation("fruit") == TOMLLocation(line: 2, column: 3))
        let fruit = try #require(table["fruit"]?.value.tableValue)
        #expect(fruit.location == TOMLLocation(line: 2, column: 3))
        #expect(fruit.keyLocation("apple") == TOMLLocation(line: 2, column: 11))
        #expect(table.node("fruit", "apple")?.value.tableValue?.keyLocation("color") == TOMLLocation(line: 2, column: 17))
        #expect(table.node("fruit", "apple", "color")?.location == TOMLLocation(line: 2, column: 25))
    }

    @Test func implicitTablesTakeTheLocationOfTheHeaderThatDefinesThem() throws {
        let table = try TOMLParser.parse("[a.b.c]\n\n[a]\nx = 1\n", filename: "t.toml")
        #expect(table["a"]?.location == TOMLLocation(line: 3, column: 1))
        #expect(table.node("a", "b")?.location == TOMLLocation(line: 1, column: 1))
    }

    @Test func arrayElementsAcrossLines() throws {
        let table = try TOMLParser.parse("v = [\n  1,\n    \"two\", # c\n  [3],\n]\n", filename: "t.toml")
        let items = try #require(table["v"]?.value.arrayValue)
        #expect(items.map(\.location) == [TOMLLocation(line: 2, column: 3), TOMLLocation(line: 3, column: 5), TOMLLocation(line: 4, column: 3)])
        #expect(items[2].value.arrayValue?.first?.location == TOMLLocation(line: 4, column: 4))
    }

    @Test func columnsCountUnicodeScalars() throws {
        // 'é' (one scalar, 2 UTF-8 bytes) and '😀' (one scalar, 4 bytes) are one column each
        let t1 = try TOMLParser.parse("a = [\"é😀\", 5]", filename: "t.toml")
        #expect(t1["a"]?.value.arrayValue?[1].location == TOMLLocation(line: 1, column: 12))
        // 'e' + COMBINING ACUTE ACCENT is one Character but two scalars: two columns
        let t2 = try TOMLParser.parse("b = [\"e\u{301}\", 1]", filename: "t.toml")
        #expect(t2["b"]?.value.arrayValue?[1].location == TOMLLocation(line: 1, column: 12))
        // a tab is one column
        let t3 = try TOMLParser.parse("\tc\t=\t1", filename: "t.toml")
        #expect(t3["c"]?.location == TOMLLocation(line: 1, column: 6))
    }

    @Test func multiLineStringsAdvanceTheLineCount() throws {
        let text = "s = \"\"\"\none\ntwo\"\"\"\nt = '''\r\nx\r\n'''\nu = 1\n"
        let table = try TOMLParser.parse(text, filename: "t.toml")
        #expect(table["s"]?.location == TOMLLocation(line: 1, column: 5))
        #expect(table["t"]?.location == TOMLLocation(line: 4, column: 5))
        #expect(table["u"]?.location == TOMLLocation(line: 7, column: 5))
        #expect(table.keyLocation("u") == TOMLLocation(line: 7, column: 1))
    }

    @Test func crlfDoesNotShiftLinesOrColumns() throws {
        let table = try TOMLParser.parse("a = 1\r\n\r\n  b = 2\r\n", filename: "t.toml")
        #expect(table.keyLocation("b") == TOMLLocation(line: 3, column: 3))
        #expect(table["b"]?.location == TOMLLocation(line: 3, column: 7))
    }

    @Test func keysKeepTheirOrder() throws {
        let table = try TOMLParser.parse("zeta = 1\nalpha = 2\n[mid]\n[[arr]]\nbeta.x = 3\n", filename: "t.toml")
        #expect(table.keys == ["zeta", "alpha", "mid", "arr"])
        #expect(table.entries.map(\.key) == table.keys)
    }
}
