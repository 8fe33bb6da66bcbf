import Testing
import EchemCore
@testable import EchemProtocol

/// PyBaMM-style strings, sign normalised: Charge is +, Discharge is − (PyBaMM's own sign is the opposite).
@Suite("PyBaMM step strings")
struct PyBaMMStringTests {
    /// 1C = 3 mA (nominal 3 mAh), so C/3 = 1 mA.
    let cell = CellMetadata(name: "3 mAh cell", nominalCapacity: 3e-3)

    func step(_ s: String, cell: CellMetadata? = nil) -> Step? {
        let r = Fixtures.compile("echemd: 1\nname: t\nsteps:\n  - \(s)\n", options: CompileOptions(cell: cell))
        #expect(!r.hasErrors, "\(r.diagnostics)")
        return Fixtures.steps(r.program).first
    }

    @Test("'Discharge at C/3 for 2 hours or until 2.5 V': −C/3, ends at time ≥ 7200 s or V ≤ 2.5 V")
    func dischargeC3() throws {
        let s = try #require(step("Discharge at C/3 for 2 hours or until 2.5 V", cell: cell))
        #expect(s.control == .current(amperes: -1e-3))
        #expect(s.ends.count == 2)
        #expect(s.ends[0].condition.quantity == .stepTime)
        #expect(s.ends[0].condition.comparison == .greaterOrEqual)
        #expect(s.ends[0].condition.threshold == 7200)
        #expect(s.ends[1].condition.quantity == .voltage)
        #expect(s.ends[1].condition.comparison == .lessOrEqual)
        #expect(s.ends[1].condition.threshold == 2.5)
        #expect(s.summary == "Discharge at C/3 for 2 hours or until 2.5 V")
    }

    @Test("'Charge at 1 mA until 4.1 V': +1 mA, V ≥ 4.1 V")
    func charge() throws {
        let s = try #require(step("Charge at 1 mA until 4.1 V"))
        #expect(s.control == .current(amperes: 1e-3))
        #expect(s.ends.map(\.condition.comparison) == [.greaterOrEqual])
        #expect(s.ends[0].condition.threshold == 4.1)
    }

    @Test("'Hold at 4.2 V until C/50': CV, |I| ≤ C/50 = 60 µA")
    func hold() throws {
        let s = try #require(step("Hold at 4.2 V until C/50", cell: cell))
        #expect(s.control == .voltage(volts: 4.2, currentLimit: nil))
        #expect(s.ends[0].condition.quantity == .absCurrent)
        #expect(s.ends[0].condition.comparison == .lessOrEqual)
        #expect(abs(s.ends[0].condition.threshold - 60e-6) < 1e-15)
    }

    @Test("'Hold at 4.1 V until 50mA' (no space) and 'Rest for 2 hours'")
    func holdAndRest() throws {
        let h = try #require(step("Hold at 4.1 V until 50mA"))
        #expect(abs(h.ends[0].condition.threshold - 0.05) < 1e-15)
        let r = try #require(step("Rest for 2 hours"))
        #expect(r.control == .rest)
        #expect(r.ends[0].condition.threshold == 7200)
    }

    @Test("'Charge at 200 mW for 45 minutes': +0.2 W for 2700 s")
    func power() throws {
        let s = try #require(step("Charge at 200 mW for 45 minutes"))
        #expect(s.control == .power(watts: 0.2))
        #expect(s.ends[0].condition.threshold == 2700)
    }

    @Test("'Discharge at 4 Ohm until 3 V': a resistance load")
    func resistance() throws {
        let s = try #require(step("Discharge at 4 Ohm until 3 V"))
        #expect(s.control == .resistance(ohms: 4))
        #expect(s.ends[0].condition.comparison == .lessOrEqual)
    }

    @Test("several 'or until' clauses and an explicit comparison")
    func severalUntil() throws {
        let s = try #require(step("Discharge at 2 mA until 3 V or until > 4.5 V or for 1 h"))
        #expect(s.ends.map(\.condition.quantity) == [.voltage, .voltage, .stepTime])
        #expect(s.ends[1].condition.comparison == .greater)
    }

    @Test("mistakes are located inside the string")
    func errors() {
        let r = Fixtures.compile("echemd: 1\nname: t\nsteps:\n  - Discharge at 1 mA until 2.5 furlongs\n")
        #expect(r.hasErrors)
        // "Discharge at 1 mA until 2.5 furlongs": the value starts at offset 24, the string at column 5
        #expect(r.errors.first?.location.line == 4)
        #expect(r.errors.first?.location.column == 29)
        let neg = Fixtures.compile("echemd: 1\nname: t\nsteps:\n  - Charge at -1 mA until 4 V\n")
        #expect(neg.errors.first?.message.contains("negative") == true)
        let verb = Fixtures.compile("echemd: 1\nname: t\nsteps:\n  - Dance at 1 mA\n")
        #expect(verb.errors.first?.message.contains("unknown step") == true)
        let rest = Fixtures.compile("echemd: 1\nname: t\nsteps:\n  - Rest until 3 V\n")
        #expect(rest.hasErrors)
    }
}
