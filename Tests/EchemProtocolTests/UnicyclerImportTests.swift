import Testing
import EchemCore
@testable import EchemProtocol

/// aurora-unicycler JSON: rate_C on the sample's capacity, positive = charge, cycle_count is the total.
@Suite("aurora-unicycler import")
struct UnicyclerImportTests {
    func compile(_ method: String, sample: String = #"{"name": "s", "capacity_mAh": 2.0}"#,
                 options: CompileOptions = .init()) -> CompileResult {
        let text = #"{"sample": \#(sample), "record": {"time_s": 10}, "method": [\#(method)]}"#
        return ProtocolCompiler.compile(text: text, filename: "u.json", options: options)
    }

    @Test("the package's own export: currents from 1C = 2 mAh, loop of 100 total passes")
    func packageExport() throws {
        let r = Fixtures.compile(Fixtures.unicyclerJSON, file: "export.json")
        let p = try #require(r.program)
        #expect(p.name == "export")
        #expect(p.cell?.nominalCapacity == 2e-3)
        #expect(p.record == RecordingRule(everySeconds: 10, deltaVolts: 0.01))
        #expect(p.safety == SafetyLimits(minVolts: 2.5, maxVolts: 4.5, maxAbsCurrent: 5e-3, debounceSeconds: 1))
        guard case .loopBegin(let loop) = p.instructions[1] else { Issue.record("no loop"); return }
        #expect(loop.kind == .counted(count: 100))
        #expect(loop.label == "longterm")
        #expect(loop.advancesCycle)
        let s = Fixtures.steps(p)
        #expect(s[1].control == .current(amperes: 1e-3))                // rate_C 0.5 charges
        #expect(s[1].ends.map(\.condition.text) == ["time >= 10800 s", "V >= 4.2 V"])
        #expect(s[2].control == .voltage(volts: 4.2, currentLimit: nil))
        #expect(s[2].ends[1].condition.quantity == .absCurrent)
        #expect(abs(s[2].ends[1].condition.threshold - 1e-4) < 1e-15)   // until_rate_C 0.05 × 2 mA
        #expect(s[3].control == .current(amperes: -1e-3))               // "D/2" discharges
        #expect(s[3].ends[0].condition.comparison == .lessOrEqual)
        guard case .eis(let eis) = s[4].control, case .sweep(let scan) = s[5].control else { Issue.record("modes"); return }
        #expect(eis.mode == .potentiostatic && eis.amplitude == 0.01 && eis.endHz == 0.1)
        #expect(scan.startVolts == 3 && scan.vertices == [4] && scan.returnsToStart == false)
        #expect(abs(scan.scanRateVoltsPerSecond - 1e-4) < 1e-18)
    }

    @Test("loop_to a 1-based index (tags count) builds the same loop")
    func indexLoop() throws {
        let r = compile(#"""
        {"step": "constant_current", "current_mA": -1, "until_voltage_V": 3.0},
        {"step": "constant_current", "current_mA": 1, "until_voltage_V": 4.2},
        {"step": "loop", "loop_to": 1, "cycle_count": 3}
        """#)
        let p = try #require(r.program)
        guard case .loopBegin(let b) = p.instructions[0] else { Issue.record("no loop"); return }
        #expect(b.kind == .counted(count: 3))
        #expect(b.endIndex == 3)
        #expect(Fixtures.steps(p).map { Fixtures.amperes($0)! } == [-1e-3, 1e-3])
    }

    @Test("nested loops sharing a start, and sequential loops")
    func nested() throws {
        let r = compile(#"""
        {"step": "tag", "tag": "outer"},
        {"step": "constant_current", "rate_C": 1, "until_voltage_V": 4.2},
        {"step": "loop", "loop_to": "outer", "cycle_count": 2},
        {"step": "open_circuit_voltage", "until_time_s": 60},
        {"step": "loop", "loop_to": "outer", "cycle_count": 5},
        {"step": "tag", "tag": "next"},
        {"step": "constant_current", "rate_C": -1, "until_voltage_V": 3.0},
        {"step": "loop", "loop_to": "next", "cycle_count": 4}
        """#)
        let p = try #require(r.program)
        let kinds = p.instructions.map { i -> String in
            switch i {
            case .loopBegin(let b): if case .counted(let n) = b.kind { return "begin\(n)" } else { return "begin?" }
            case .loopEnd: return "end"
            case .step(let s): return "s\(s.id)"
            }
        }
        #expect(kinds == ["begin5", "begin2", "s1", "end", "s2", "end", "begin4", "s3", "end"])
        guard case .loopBegin(let outer) = p.instructions[0], case .loopBegin(let inner) = p.instructions[1] else { return }
        #expect(outer.label == "outer" && inner.label == nil)
        #expect(!outer.advancesCycle && inner.advancesCycle)
    }

    @Test("a jump that crosses another loop cannot be a structured loop: located error")
    func crossing() {
        let r = compile(#"""
        {"step": "tag", "tag": "a"},
        {"step": "open_circuit_voltage", "until_time_s": 60},
        {"step": "tag", "tag": "b"},
        {"step": "open_circuit_voltage", "until_time_s": 60},
        {"step": "loop", "loop_to": "a", "cycle_count": 2},
        {"step": "open_circuit_voltage", "until_time_s": 60},
        {"step": "loop", "loop_to": "b", "cycle_count": 2}
        """#)
        #expect(r.program == nil)
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.message.contains("cannot be expressed as a structured loop") == true)
        #expect(r.errors.first?.location.line == 7)
    }

    @Test("rate_C without a sample capacity needs a cell; a given cell resolves it")
    func needsCell() throws {
        let method = #"{"step": "constant_current", "rate_C": "C/2", "until_voltage_V": 4.2}"#
        let r = compile(method, sample: #"{"name": "$NAME"}"#)
        #expect(r.needsCell && r.program == nil && !r.hasErrors)
        let ok = compile(method, sample: #"{"name": "$NAME"}"#,
                         options: CompileOptions(cell: CellMetadata(name: "c", nominalCapacity: 4e-3)))
        #expect(Fixtures.amperes(Fixtures.steps(ok.program)[0]) == 2e-3)
    }

    @Test("the package's validation rules: stop conditions, one amplitude, known tags, loops go backwards")
    func validation() {
        let r = compile(#"""
        {"step": "constant_current", "current_mA": 1},
        {"step": "constant_voltage", "voltage_V": 4.2},
        {"step": "impedance_spectroscopy", "amplitude_V": 0.01, "amplitude_mA": 1, "start_frequency_Hz": 1e5, "end_frequency_Hz": 1},
        {"step": "loop", "loop_to": "missing", "cycle_count": 2},
        {"step": "loop", "loop_to": 9, "cycle_count": 2},
        {"step": "open_circuit_voltage", "until_time_s": 60, "colour": "red"},
        {"step": "warp_drive"}
        """#)
        #expect(r.errors.count == 7, "\(r.errors.map(\.description))")
        #expect(r.errors.map(\.location.line) == [1, 2, 3, 4, 5, 6, 7])   // one per method entry
    }
}
