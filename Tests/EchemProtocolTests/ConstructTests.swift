import Testing
import EchemCore
@testable import EchemProtocol

/// Every construct of the language, compiled and checked against the IR.
@Suite("Constructs")
struct ConstructTests {
    func program(_ text: String, options: CompileOptions = .init()) throws -> StepProgram {
        let r = Fixtures.compile(text, options: options)
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.description))")
        return try #require(r.program)
    }

    @Test("140 mA/g on 0.70 mg/cm² × 1.131 cm²: discharge −110.8 µA, charge +110.8 µA, resolution shown")
    func specificCurrents() throws {
        let p = try program(Fixtures.znsAnode)
        let s = Fixtures.steps(p)
        #expect(abs(Fixtures.amperes(s[1])! + 110.838e-6) < 1e-12)
        #expect(abs(Fixtures.amperes(s[2])! - 110.838e-6) < 1e-12)
        #expect(p.resolutions.contains("composite: 0.70 mg/cm2 × 1.131 cm² = 0.7917 mg"))
        #expect(p.resolutions.contains("140 mA/g × 0.7917 mg (composite) = 110.8 µA"))
        #expect(p.cell?.masses["composite"].map { abs($0 - 0.7917e-3) < 1e-12 } == true)
    }

    @Test("0.1C on sulfur at 1675 mAh/g, 4.5 mg/cm² × 1 cm² → 0.75375 mA")
    func sulfurCRate() throws {
        let p = try program(Fixtures.lisRate)
        let first = Fixtures.steps(p)[0]
        #expect(abs(Fixtures.amperes(first)! + 0.75375e-3) < 1e-12)
        #expect(p.cell?.oneCAmperes.map { abs($0 - 7.5375e-3) < 1e-12 } == true)
    }

    @Test("1 mA/cm² × 1.131 cm² = 1.131 mA")
    func arealCurrent() throws {
        let p = try program(Fixtures.lithiumCopper)
        #expect(abs(Fixtures.amperes(Fixtures.steps(p)[0])! + 1.131e-3) < 1e-12)
        #expect(p.cycleDefinition == .dischargeAfterCharge)
    }

    @Test("nested loops: begin/end pairs point at each other, counts and cycle advance kept")
    func nestedLoops() throws {
        let p = try program(Fixtures.lisRate)
        guard case .loopBegin(let outer) = p.instructions[0] else { Issue.record("no outer loop"); return }
        #expect(outer.kind == .counted(count: 2))
        #expect(outer.advancesCycle == false)
        #expect(outer.label == "rates")
        #expect(p.labels["rates"] == 0)
        guard case .loopBegin(let inner) = p.instructions[1] else { Issue.record("no inner loop"); return }
        #expect(inner.kind == .counted(count: 5))
        #expect(inner.advancesCycle)
        guard case .loopEnd(let innerEnd) = p.instructions[inner.endIndex] else { Issue.record("bad endIndex"); return }
        #expect(innerEnd.beginIndex == 1)
        #expect(innerEnd.id == inner.id)
        guard case .loopEnd(let outerEnd) = p.instructions[outer.endIndex] else { Issue.record("bad outer end"); return }
        #expect(outerEnd.beginIndex == 0)
        #expect(outer.endIndex == p.instructions.count - 1)
    }

    @Test("repeat-until (GITT): latched conditions, max_passes, no cycle advance")
    func repeatUntil() throws {
        let p = try program(Fixtures.gitt)
        guard case .loopBegin(let b) = p.instructions[1] else { Issue.record("no loop"); return }
        guard case .until(let conds, let maxPasses) = b.kind else { Issue.record("not until"); return }
        #expect(conds.count == 1)
        #expect(conds[0].quantity == .voltage && conds[0].comparison == .lessOrEqual && conds[0].threshold == 1.0)
        #expect(maxPasses == 200)
        #expect(!b.advancesCycle)
        #expect(p.cell?.activeAmountMol == 4.1e-6)
        #expect(p.cell?.molarVolumeCm3PerMol == 23.9)
        #expect(p.cell?.interfacialAreaCm2 == 0.785)
        // the pulse records every second; the program rule is every 5 s or 1 mV
        let pulse = Fixtures.steps(p)[1]
        #expect(pulse.record == RecordingRule(everySeconds: 1))
        #expect(p.record == RecordingRule(everySeconds: 5, deltaVolts: 1e-3))
    }

    @Test("goto resolves to the label's instruction index; end and pause actions")
    func gotoFlow() throws {
        let p = try program(Fixtures.gotoFlow)
        let s = Fixtures.steps(p)
        #expect(s[0].ends[1].action == .goto(label: "recover", index: 3))
        #expect(s[1].ends[1].action == .pause)
        #expect(s[2].ends[1].action == .end)     // ends[0] is the rest duration
        #expect(p.labels == ["formation": 0, "done": 2, "recover": 3])
    }

    @Test("events after cycles and every N cycles compile to subroutines")
    func cycleEvents() throws {
        let p = try program(Fixtures.znsAnode)
        #expect(p.cycleEvents.count == 1)
        #expect(p.cycleEvents[0].afterCycles == [1, 20, 500])
        let body = p.subroutines[p.cycleEvents[0].body]
        guard case .step(let eis) = body[1], case .eis(let spec) = eis.control else { Issue.record("no EIS"); return }
        #expect(spec.startHz == 1e6 && spec.endHz == 0.1 && spec.amplitude == 0.01)
        let lc = try program(Fixtures.lithiumCopper)
        #expect(lc.cycleEvents[0].everyCycles == 50)
        #expect(lc.cycleEvents[0].afterCycles == [])
    }

    @Test("timer events ride on their step")
    func timerEvents() throws {
        let p = try program(Fixtures.operandoEIS)
        let s = Fixtures.steps(p)[0]
        #expect(s.timerEvents.count == 1)
        #expect(s.timerEvents[0].intervalSeconds == 1800)
        guard case .step(let eis) = p.subroutines[s.timerEvents[0].body][0], case .eis(let spec) = eis.control else {
            Issue.record("no EIS body"); return
        }
        #expect(spec.amplitude == 0.005)
        #expect(eis.id == 2)     // written after the step that carries it
    }

    @Test("EIS: the documented defaults, and a galvanostatic spectrum")
    func eis() throws {
        let p = try program("echemd: 1\nname: e\nsteps:\n  - eis: {}\n")
        guard case .eis(let d) = Fixtures.steps(p)[0].control else { Issue.record("no EIS"); return }
        #expect(d == EISSpec(mode: .potentiostatic, startHz: 1e5, endHz: 1e-2, pointsPerDecade: 10, amplitude: 0.01,
                             dcLevel: nil, settleCycles: 1, integrationCycles: 3))
        let g = try program(Fixtures.operandoEIS)
        guard case .eis(let spec) = Fixtures.steps(g)[1].control else { Issue.record("no EIS"); return }
        #expect(spec == EISSpec(mode: .galvanostatic, startHz: 1e4, endHz: 0.1, pointsPerDecade: 5, amplitude: 10e-6,
                                dcLevel: 0, settleCycles: 2, integrationCycles: 4))
    }

    @Test("sweep from OCV with a different first cycle; a linear sweep")
    func sweeps() throws {
        let p = try program(Fixtures.cvSweep)
        guard case .sweep(let cv) = Fixtures.steps(p)[1].control else { Issue.record("no sweep"); return }
        #expect(cv.startsAtOpenCircuit == true)
        #expect(cv.vertices == [0.01, 2.5])
        #expect(abs(cv.scanRateVoltsPerSecond - 1e-4) < 1e-18)
        #expect(cv.cycles == 4)
        #expect(cv.firstCycleVertices == [1.7, 3.2])
        #expect(abs(cv.firstCycleScanRate! - 2e-4) < 1e-18)
        #expect(cv.endVolts == 3.0)
        #expect(cv.returnsToStart == nil)
        guard case .sweep(let lsv) = Fixtures.steps(p)[2].control else { Issue.record("no LSV"); return }
        #expect(lsv.startVolts == 3.0 && lsv.startsAtOpenCircuit == nil && lsv.returnsToStart == false)
        #expect(lsv.cycles == 1)
    }

    @Test("temperature, operator, CCCV, hold with compliance, CP, CR, chronoamperometry")
    func modes() throws {
        let s = Fixtures.steps(try program(Fixtures.modes))
        #expect(s[0].control == .temperature(celsius: 60, soakSeconds: 7200))
        #expect(s[1].control == .operatorPause(message: "Move the cell to the potentiostat"))
        #expect(s[2].control == .cccv(amperes: 1e-3, volts: 4.2))
        #expect(s[2].ends[0].condition.quantity == .absCurrent)
        #expect(s[3].control == .voltage(volts: 4.2, currentLimit: 5e-3))
        #expect(s[4].control == .voltage(volts: -3, currentLimit: nil))
        #expect(s[5].control == .power(watts: -0.01))
        #expect(s[5].ends[1].condition.quantity == .stepEnergy && abs(s[5].ends[1].condition.threshold - 5e-3) < 1e-15)
        #expect(s[6].control == .resistance(ohms: 100))
        #expect(s[7].control == .current(amperes: 10e-6))
        #expect(s[7].ends.map(\.condition.quantity) == [.deltaVoltage, .stepCapacity])
        #expect(s[8].ends.map(\.condition.quantity) == [.dVdt, .testTime, .temperature, .cycleIndex])
        #expect(abs(s[8].ends[0].condition.threshold + 1e-3 / 60) < 1e-15)
    }

    @Test("recording defaults to every 1 s; safety and per-step limits")
    func recordAndSafety() throws {
        let m = try program(Fixtures.modes)
        #expect(m.record == .default)
        #expect(m.record.everySeconds == 1)
        #expect(m.safety.minVolts == 2.5 && m.safety.maxVolts == 4.3)
        #expect(m.safety.minCelsius == -30 && m.safety.maxCelsius == 70)
        #expect(m.safety.maxStepSeconds == 360_000)
        let g = try program(Fixtures.gotoFlow)
        #expect(g.safety == SafetyLimits(minVolts: 2.0, maxVolts: 4.4, maxAbsCurrent: 0.01, debounceSeconds: 2, action: .stop))
        // per-step limits tighten and inherit the global debounce
        #expect(Fixtures.steps(g)[0].limits == SafetyLimits(minVolts: 2.5, maxVolts: 4.3, maxAbsCurrent: 2e-3, debounceSeconds: 2))
    }

    @Test("rest: a duration is shorthand for until time ≥ …; ocv is the same")
    func rest() throws {
        let s = Fixtures.steps(try program(Fixtures.gitt))[0]
        #expect(s.control == .rest)
        #expect(s.ends.first?.condition.threshold == 7200)
    }

    @Test("the cell given in the options overrides the file's cell")
    func cellOverride() throws {
        let other = CellMetadata(name: "other", masses: ["composite": 1e-3], massBasis: "composite")
        let p = try program(Fixtures.znsAnode, options: CompileOptions(cell: other))
        #expect(p.cell?.name == "other")
        #expect(abs(Fixtures.amperes(Fixtures.steps(p)[1])! + 140e-6) < 1e-12)
    }

    @Test("relative units without a cell: no program, needsCell, a warning naming the metadata")
    func needsCell() {
        let text = "echemd: 1\nname: t\nsteps:\n  - discharge: 140 mA/g\n    until: [V <= 0.01 V]\n  - Charge at C/10 until 3 V\n"
        let r = Fixtures.compile(text)
        #expect(!r.hasErrors)
        #expect(r.program == nil)
        #expect(r.needsCell)
        #expect(r.warnings.count == 2)
        #expect(r.warnings[0].location.line == 4)
        #expect(r.warnings[0].message.contains("140 mA/g") && r.warnings[0].message.contains("mass"))
        #expect(r.warnings[1].message.contains("1C"))
        // a cell that lacks what is needed is an error instead
        let partial = Fixtures.compile(text, options: CompileOptions(cell: CellMetadata(name: "bare")))
        #expect(partial.hasErrors)
        #expect(!partial.needsCell)
    }

    @Test("loopCountCap caps loop counts, max_passes and event cycles without editing the file")
    func loopCap() throws {
        let p = try program(Fixtures.znsAnode, options: CompileOptions(loopCountCap: 2))
        guard case .loopBegin(let b) = p.instructions[3] else { Issue.record("no loop"); return }
        #expect(b.kind == .counted(count: 2))
        #expect(p.cycleEvents[0].afterCycles == [1, 2])
        let g = try program(Fixtures.gitt, options: CompileOptions(loopCountCap: 3))
        guard case .loopBegin(let r) = g.instructions[1], case .until(_, let maxPasses) = r.kind else { Issue.record("no repeat"); return }
        #expect(maxPasses == 3)
    }

    @Test("capacity conditions accept mAh/g and mAh/cm2")
    func relativeCapacity() throws {
        let text = """
        echemd: 1
        name: t
        cell: {name: c, area: 2 cm2, masses: {active: 1 mg}, mass_basis: active}
        steps:
          - discharge: 1 mA
            until: [capacity >= 500 mAh/g, Q >= 1 mAh/cm2]
        """
        let s = Fixtures.steps(try program(text))[0]
        #expect(abs(s.ends[0].condition.threshold - 0.5e-3) < 1e-15)
        #expect(abs(s.ends[1].condition.threshold - 2e-3) < 1e-15)
    }

    @Test("YAML aliases reuse a step; each use gets its own id")
    func aliases() throws {
        let text = """
        echemd: 1
        name: t
        steps:
          - &pulse {discharge: 1 mA, until: [time >= 1 min]}
          - rest: 10 min
          - *pulse
        """
        let s = Fixtures.steps(try program(text))
        #expect(s.map(\.id) == [1, 2, 3])
        #expect(s[2].control == s[0].control)
    }

    @Test("mass bases: a mass, a loading × area, and a fraction of another basis")
    func massBases() throws {
        let text = """
        echemd: 1
        name: t
        cell:
          name: Li-S
          area: 1 cm2
          masses:
            composite: 5 mg/cm2
            sulfur: 89 % of composite
            carbon: 0.5 mg
          nominal_specific_capacity: 1675 mAh/g sulfur
        steps:
          - Rest for 1 h
        """
        let p = try program(text)
        #expect(abs(p.cell!.masses["sulfur"]! - 4.45e-3) < 1e-12)
        #expect(p.cell!.masses["carbon"] == 0.5e-3)
        #expect(p.cell!.massBasis == "sulfur")
        #expect(abs(p.cell!.oneCAmperes! - 1.675 * 4.45e-3) < 1e-12)
    }
}
