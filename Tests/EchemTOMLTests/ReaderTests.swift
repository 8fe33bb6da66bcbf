import Testing
@testable import EchemTOML

/// The reader turns tables into typed values and reports every semantic problem, located.
@Suite("Reader")
struct ReaderTests {
    static let config = """
    # echemd.toml
    [daemon]
    socket = "/run/echemd.sock"
    log_level = "verbose"
    sokcet_mode = 0o660

    [[channels]]
    id = "ch0"
    driver = "sim-cycler"
    max_volts = 4.2

    [[channels]]
    id = "ch1"
    driver = "modbu"
    max_volts = 5

    [[channels]]
    driver = "modbus"
    max_volts = "five"
    max_volt = 4.0
    [channels.limits]
    current = "5 A"
    temperature = true
    """

    struct Channel {
        var id: String?
        var driver: String?
        var maxVolts: Double?
        var current: TOMLNode?
    }

    /// Reads the config the way a loader would, returning what it got and the diagnostics.
    static func load(_ text: String = config) throws -> ([Channel], [TOMLDiagnostic]) {
        let table = try TOMLParser.parse(text, filename: "echemd.toml")
        var r = TOMLReader(table, filename: "echemd.toml")
        if var daemon = r.table("daemon") {
            _ = daemon.string("socket")
            _ = daemon.choice("log_level", among: ["debug", "info", "warning", "error"], default: "info")
            _ = daemon.int("socket_mode", default: 0o600)
            daemon.rejectUnknownKeys()
        }
        var channels: [Channel] = []
        for var ch in r.tables("channels") {
            var c = Channel()
            c.id = ch.string("id")
            c.driver = ch.choice("driver", among: ["sim-cycler", "sim-potentiostat", "modbus"])
            c.maxVolts = ch.double("max_volts", default: nil)
            if var limits = ch.table("limits", required: false) {
                c.current = limits.node("current")
                _ = limits.double("temperature", default: nil)
                limits.rejectUnknownKeys()
            }
            ch.rejectUnknownKeys()
            channels.append(c)
        }
        r.rejectUnknownKeys()
        return (channels, r.diagnostics)
    }

    @Test func allErrorsComeOutInOnePassWithTheRightLines() throws {
        let (_, diagnostics) = try Self.load()
        #expect(diagnostics.map(\.description) == [
            "echemd.toml:4:13: error: daemon.log_level: unknown value \"verbose\" (expected one of: debug, info, warning, error)",
            "echemd.toml:5:1: error: daemon: unknown key 'sokcet_mode'; did you mean 'socket_mode'? (expected one of: socket, log_level, socket_mode)",
            "echemd.toml:14:10: error: channels[1].driver: unknown value \"modbu\"; did you mean \"modbus\"? (expected one of: sim-cycler, sim-potentiostat, modbus)",
            "echemd.toml:17:1: error: channels[2]: missing required key 'id' (expected a string)",
            "echemd.toml:19:13: error: channels[2].max_volts: expected a number, found a string \"five\"",
            "echemd.toml:23:15: error: channels[2].limits.temperature: expected a number, found a boolean true",
            "echemd.toml:20:1: error: channels[2]: unknown key 'max_volt'; did you mean 'max_volts'? (expected one of: id, driver, max_volts, limits)",
        ])
        #expect(diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test func goodValuesAreReadAndIntegersCountAsNumbers() throws {
        let (channels, _) = try Self.load()
        #expect(channels.count == 3)
        #expect(channels[0].id == "ch0" && channels[0].driver == "sim-cycler" && channels[0].maxVolts == 4.2)
        #expect(channels[1].maxVolts == 5.0)
        #expect(channels[1].driver == nil)
    }

    @Test func nodeGivesTheCallerTheLocationOfAStringItParsesItself() throws {
        let (channels, _) = try Self.load()
        let current = try #require(channels[2].current)
        #expect(current.value == .string("5 A"))
        #expect(current.location == TOMLLocation(line: 22, column: 11))
    }

    @Test func missingKeysAreReportedAtTheirTable() throws {
        let table = try TOMLParser.parse("a = 1\n\n[limits]\nx = 1\n[limits.inner]\n", filename: "c.toml")
        var r = TOMLReader(table, filename: "c.toml")
        _ = r.string("name")
        let found = r.table("limits")
        var limits = try #require(found)
        _ = limits.double("max_volts")
        var inner = limits.table("inner")
        _ = inner?.bool("enabled")
        _ = r.table("absent")
        #expect(r.diagnostics.map(\.description) == [
            "c.toml:1:1: error: missing required key 'name' (expected a string)",
            "c.toml:3:1: error: limits: missing required key 'max_volts' (expected a number)",
            "c.toml:5:1: error: limits.inner: missing required key 'enabled' (expected true or false)",
            "c.toml:1:1: error: missing required key 'absent' (expected a table)",
        ])
    }

    @Test func defaultsApplyOnlyWhenAbsentAndWrongTypesAreStillReported() throws {
        let table = try TOMLParser.parse("n = \"3\"\nflag = true\n", filename: "d.toml")
        var r = TOMLReader(table, filename: "d.toml")
        #expect(r.int("count", default: 7) == 7)
        #expect(r.int("n", default: 7) == 7)
        #expect(r.bool("flag", default: false) == true)
        #expect(r.string("label", default: nil) == nil)
        #expect(r.double("x", default: 1.5) == 1.5)
        #expect(r.diagnostics.map(\.description) == ["d.toml:1:5: error: n: expected an integer, found a string \"3\""])
    }

    @Test func arraysOfTablesAndStringArrays() throws {
        let text = "tags = [\"a\", 2, \"c\", false]\nchannels = [{id = \"x\"}, 5]\nsingle = {id = 1}\n"
        let table = try TOMLParser.parse(text, filename: "a.toml")
        var r = TOMLReader(table, filename: "a.toml")
        #expect(r.strings("tags") == nil)
        let chans = r.tables("channels")
        #expect(chans.map(\.path) == ["channels[0]"])
        #expect(r.tables("single").isEmpty)
        #expect(r.diagnostics.map(\.description) == [
            "a.toml:1:14: error: tags[1]: expected a string, found an integer 2",
            "a.toml:1:22: error: tags[3]: expected a string, found a boolean false",
            "a.toml:2:25: error: channels[1]: expected a table, found an integer 5",
            "a.toml:3:10: error: single: expected an array of tables, found an inline table",
        ])
    }

    @Test func nestedReadersShareOneCollectorAndSoCanSeveralFiles() throws {
        let collector = TOMLDiagnosticCollector()
        let a = try TOMLParser.parse("[x]\ny = 1\n", filename: "a.toml")
        let b = try TOMLParser.parse("z = 2\n", filename: "b.toml")
        var ra = TOMLReader(a, filename: "a.toml", collector: collector)
        let rb = TOMLReader(b, filename: "b.toml", collector: collector)
        let found = ra.table("x")
        var x = try #require(found)
        _ = x.string("y")
        rb.rejectUnknownKeys()
        rb.warning("profile is old", at: .start)
        #expect(collector.diagnostics.map(\.description) == [
            "a.toml:2:5: error: x.y: expected a string, found an integer 1",
            "b.toml:1:1: error: unknown key 'z' (expected no keys here)",
            "b.toml:1:1: warning: profile is old",
        ])
        #expect(ra.diagnostics.count == 3 && x.diagnostics.count == 3)
        #expect(collector.errors.count == 2)
    }

    @Test func readingAKeyTwiceReportsItOnce() throws {
        let table = try TOMLParser.parse("v = \"x\"\n", filename: "t.toml")
        var r = TOMLReader(table, filename: "t.toml")
        _ = r.double("v")
        _ = r.double("v")
        #expect(r.diagnostics.count == 1)
    }

    @Test func quotedKeysAppearQuotedInPaths() throws {
        let table = try TOMLParser.parse("[\"a.b\"]\n\"my key\" = 1\n", filename: "t.toml")
        var r = TOMLReader(table, filename: "t.toml")
        let found = r.table("a.b")
        var sub = try #require(found)
        _ = sub.string("my key")
        #expect(r.diagnostics.first?.message == "\"a.b\".\"my key\": expected a string, found an integer 1")
    }

    @Test func suggestionsNeedACloseMatch() {
        #expect(TOMLSpelling.suggestion(for: "max_volt", among: ["id", "max_volts"]) == "max_volts")
        #expect(TOMLSpelling.suggestion(for: "drvier", among: ["driver", "id"]) == "driver")
        #expect(TOMLSpelling.suggestion(for: "MAX_VOLTS", among: ["max_volts"]) == "max_volts")
        #expect(TOMLSpelling.suggestion(for: "colour", among: ["id", "driver"]) == nil)
        #expect(TOMLSpelling.suggestion(for: "ix", among: ["id", "on"]) == "id")
        #expect(TOMLSpelling.distance("kitten", "sitting") == 3)
    }
}
