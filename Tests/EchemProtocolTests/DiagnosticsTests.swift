import Testing
import EchemCore
@testable import EchemProtocol

/// Every error is located (FILE:LINE:COL) and all errors of a file come out in one pass.
@Suite("Located diagnostics")
struct DiagnosticsTests {
    func errors(_ text: String, options: CompileOptions = .init()) -> [Diagnostic] {
        let r = Fixtures.compile(text, file: "bad.yaml", options: options)
        #expect(r.program == nil)
        return r.errors
    }

    func at(_ d: [Diagnostic]) -> [String] { d.map { "\($0.location.line):\($0.location.column)" } }

    @Test("fifteen mistakes, fifteen located errors, one pass")
    func allInOnePass() {
        let text = """
        echemd: 1
        name: many mistakes
        recrod: {every: 1 s}
        safety: {voltage: [3 V, 2 V], current: -5 mA}
        steps:
          - discharge: 140 mA/g
            untill: [V <= 1 V]
          - charge: 1 mA
          - rest: -2 h
          - loop:
              count: 0
              steps:
                - rest: 1 h
                  until: [V <= 1 furlong, time >= 20 years]
          - sweep: {vertices: [1 V, 2 V], scan_rate: 0 mV/s}
          - current: 1e7 A
            until: [time >= 1 h then goto nowhere]
          - hold: four volts
            until: [time >= 1 h]
          - label: a
            rest: 1 h
          - label: a
            rest: 1 h
        """
        let e = errors(text)
        #expect(at(e) == ["3:1", "4:19", "4:40", "6:5", "7:5", "8:5", "9:11", "11:14", "14:24", "14:43",
                          "15:46", "16:14", "17:30", "18:11", "22:12"], "\(e.map(\.description))")
        #expect(e[0].description == "bad.yaml:3:1: error: unknown key 'recrod' in the protocol; did you mean 'record'? (expected one of: echemd, name, description, cell, job, cycle_definition, record, safety, events, steps)")
        #expect(e[12].message == "goto to unknown label 'nowhere'")
        #expect(e[12].expected == "one of: a")
    }

    @Test("unknown keys list the valid ones")
    func unknownKeys() {
        let e = errors("echemd: 1\nname: t\nsteps:\n  - charge: 1 mA\n    until: [V >= 4 V]\n    colour: red\n")
        #expect(at(e) == ["6:5"])
        #expect(e[0].expected?.contains("label, until, record, limits, every") == true)
    }

    @Test("wrong types: a list where a value goes, a map where a list goes, text where a number goes")
    func wrongTypes() {
        let text = """
        echemd: 1
        name: [not, text]
        steps:
          - loop: {count: many, steps: {rest: 1 h}}
          - discharge: {amount: 1 mA}
            until: [V <= 3 V]
          - rest: 1 h
            record: every second
        """
        let e = errors(text)
        #expect(at(e) == ["2:7", "4:19", "4:32", "5:16", "8:13"], "\(e.map(\.description))")
    }

    @Test("absurd numbers: NaN, infinity, negative durations, over ten years, over 1 MA")
    func absurd() {
        let text = """
        echemd: 1
        name: absurd
        steps:
          - charge: .nan A
            until: [V >= 4 V]
          - charge: 1e400 mA
            until: [V >= 4 V]
          - rest: 3660 d
          - discharge: 2000000 A
            until: [time >= -1 h]
          - charge: 1 mA
            until: [V >= 1e5 V]
        """
        let e = errors(text)
        #expect(at(e) == ["4:13", "6:13", "8:11", "9:16", "10:21", "12:18"], "\(e.map(\.description))")
        #expect(e[2].expected == "0 s … 10 years")
    }

    @Test("a step with no end condition is an error, except eis, sweep, temperature and operator")
    func endConditions() {
        let e = errors("echemd: 1\nname: t\nsteps:\n  - hold: 4.2 V\n  - rest: {}\n  - eis: {}\n  - operator: swap cells\n")
        #expect(at(e) == ["4:5", "5:5"])
        #expect(e[0].message.contains("no end condition"))
    }

    @Test("per-step limits may only tighten the global safety")
    func limitsTighten() {
        let text = """
        echemd: 1
        name: t
        safety: {voltage: [2.5 V, 4.3 V], current: 5 mA, debounce: 1 s}
        steps:
          - charge: 1 mA
            until: [V >= 4.2 V]
            limits: {voltage: [2.0 V, 4.2 V], current: 10 mA, debounce: 5 s}
        """
        let e = errors(text)
        #expect(at(e) == ["7:24", "7:48", "7:65"], "\(e.map(\.description))")
        #expect(e[0].message.contains("wider than the global safety 2.5 V"))
    }

    @Test("loop counts ≥ 1, scan rate > 0, frequencies > 0, points per decade ≥ 1")
    func ranges() {
        let text = """
        echemd: 1
        name: t
        steps:
          - repeat: {until: [V <= 1 V], max_passes: 0, steps: [Rest for 1 h]}
          - sweep: {vertices: [1 V], scan_rate: -1 mV/s}
          - eis: {from: 0 Hz, points_per_decade: 0}
        """
        #expect(at(errors(text)) == ["4:45", "5:41", "6:17", "6:42"])
    }

    @Test("labels: goto lists the known labels; no goto into a loop; no goto out of an event body")
    func labels() {
        let text = """
        echemd: 1
        name: t
        events:
          - after_cycles: [1]
            steps:
              - rest: 1 h
                until: [V <= 1 V then goto start]
        steps:
          - label: start
            rest: 1 h
            until: [V <= 1 V then goto inner]
          - loop:
              count: 2
              steps:
                - label: inner
                  rest: 1 h
        """
        let e = errors(text)
        #expect(at(e) == ["7:31", "11:27"], "\(e.map(\.description))")
        #expect(e[0].message.contains("leaves its event body"))
        #expect(e[1].message.contains("into a loop"))
    }

    @Test("against channel capabilities: current, voltage, power, modes, sample period, frequencies")
    func capabilities() {
        let cap = ChannelCapabilities(modes: [.rest, .current, .voltage, .eis], minVolts: 0, maxVolts: 5, maxAbsCurrent: 0.01,
                                      maxAbsPower: 0.05, minSamplePeriod: 0.5, eis: true, minHz: 0.01, maxHz: 1e5)
        let text = """
        echemd: 1
        name: t
        record: {every: 100 ms}
        steps:
          - charge: 20 mA
            until: [V >= 4.2 V]
          - hold: 6 V
            until: [time >= 1 h]
          - power: 1 W
            until: [time >= 1 h]
          - eis: {from: 1 MHz, to: 1 mHz}
        """
        let e = errors(text, options: CompileOptions(capabilities: cap))
        #expect(at(e) == ["3:17", "5:5", "7:5", "9:5", "9:5", "11:5", "11:5"], "\(e.map(\.description))")
        #expect(e[1].message == "current 20 mA exceeds the channel's limit 10 mA")
        #expect(e.contains { $0.message.contains("cannot run power") })
        #expect(e.contains { $0.message.contains("power 1 W exceeds") })
    }

    @Test("YAML syntax errors are located")
    func yamlSyntax() {
        let e = errors("echemd: 1\nname: t\nsteps:\n  - rest: 1 h\n   - rest: 2 h\n")
        #expect(e.count == 1)
        #expect(e[0].location.line == 5)
        let unclosed = errors("echemd: 1\nname: 't\nsteps: []\n")
        #expect(unclosed.count == 1 && unclosed[0].location.line >= 2)
    }

    @Test("missing required keys: echemd, name, steps")
    func required() {
        let e = errors("description: nothing else\n")
        #expect(e.count == 3)
        #expect(e.allSatisfy { $0.location.line == 1 && $0.location.column == 1 })
        #expect(at(errors("echemd: 2\nname: t\nsteps: [Rest for 1 h]\n")) == ["1:9"])
    }

    @Test("the description format: FILE:LINE:COL: error: WHAT (expected …)")
    func format() {
        let d = Diagnostic.error(SourceLocation(file: "p.yaml", line: 3, column: 7), "bad", expected: "good")
        #expect(d.description == "p.yaml:3:7: error: bad (expected good)")
        #expect(Diagnostic.warning(SourceLocation(file: "p.yaml", line: 1, column: 1), "hm").description == "p.yaml:1:1: warning: hm")
    }
}
