import Testing
import EchemCore
@testable import EchemProtocol

/// The estimate explain prints: capacity / |I| for CC steps to a cut-off, rests, sweeps, EIS, loops multiply.
@Suite("Duration estimate")
struct DurationEstimateTests {
    func estimate(_ text: String, cell: CellMetadata? = nil) throws -> DurationEstimate {
        let r = Fixtures.compile(text, options: CompileOptions(cell: cell))
        let p = try #require(r.program, "\(r.diagnostics)")
        return DurationEstimate.estimate(p)
    }

    @Test("C/2 to a cut-off on a 2 mAh cell: 2 h; capped by its 1 h time limit")
    func ccSteps() throws {
        let cell = CellMetadata(name: "2 mAh", nominalCapacity: 2e-3)
        let e = try estimate("echemd: 1\nname: t\nsteps:\n  - Charge at C/2 until 4.2 V\n  - Discharge at C/2 for 1 hour or until 3 V\n", cell: cell)
        #expect(e.stepSeconds[1] == 7200)
        #expect(e.stepSeconds[2] == 3600)
        #expect(e.totalSeconds == 10800)
        #expect(!e.isLowerBound)
    }

    @Test("a counted loop multiplies its body; cycles are counted per pass")
    func loops() throws {
        let cell = CellMetadata(name: "1 mAh", nominalCapacity: 1e-3)
        let text = "echemd: 1\nname: t\nsteps:\n  - loop:\n      count: 10\n      steps:\n        - Discharge at 1C until 3 V\n        - Charge at 1C until 4.2 V\n"
        let e = try estimate(text, cell: cell)
        #expect(e.totalSeconds == 10 * 7200)
        #expect(e.cycles == 10)
        #expect(e.loopPasses[1] == 10)
    }

    @Test("sweep: path length / scan rate; 4 cycles 0.01–2.5 V at 0.1 mV/s from 3 V")
    func sweep() {
        let s = Sweep(startVolts: 3.0, vertices: [0.01, 2.5], scanRateVoltsPerSecond: 1e-4, cycles: 4)
        // per cycle: 3.0→0.01 (2.99) + 0.01→2.5 (2.49) + 2.5→3.0 (0.5) = 5.98 V
        #expect(abs(DurationEstimate.sweepSeconds(s) - 4 * 5.98 / 1e-4) < 1e-6)
        let lsv = Sweep(startVolts: 3, vertices: [4], scanRateVoltsPerSecond: 1e-3, cycles: 1, returnsToStart: false)
        #expect(abs(DurationEstimate.sweepSeconds(lsv) - 1000) < 1e-9)
    }

    @Test("EIS: (settle + integration) / f per point with a 1 s floor")
    func eis() {
        let e = EISSpec(mode: .potentiostatic, startHz: 1, endHz: 0.01, pointsPerDecade: 1, amplitude: 0.01)
        // 1 Hz: 4 s, 0.1 Hz: 40 s, 0.01 Hz: 400 s
        #expect(abs(DurationEstimate.eisSeconds(e) - 444) < 1e-9)
        let fast = EISSpec(mode: .potentiostatic, startHz: 1e5, endHz: 1e4, pointsPerDecade: 10, amplitude: 0.01)
        #expect(DurationEstimate.eisSeconds(fast) == 11)   // 11 points, each at the 1 s floor
    }

    @Test("GITT: passes to move 1C at 0.1C pulses of 10 min is 60; events fire on reached cycles only")
    func gittAndEvents() throws {
        let g = try estimate(Fixtures.gitt)
        #expect(g.loopPasses[1] == 60)
        #expect(g.totalSeconds == 7200 + 60 * (600 + 2400))
        let z = try estimate(Fixtures.znsAnode)
        // 299 cycles: the event after cycles 1 and 20 runs (500 is never reached)
        let body = 3600 + DurationEstimate.eisSeconds(EISSpec(mode: .potentiostatic, startHz: 1e6, endHz: 0.1, pointsPerDecade: 10, amplitude: 0.01))
        let steps = z.stepSeconds.filter { $0.key >= 3 }
        let main = steps[3]! + steps[4]! + steps[5]! + 299 * (steps[6]! + steps[7]!)
        #expect(abs(z.totalSeconds - (main + 2 * body)) < 1e-6)
    }

    @Test("cycles follow cycle_definition: Li‖Cu discharge-after-charge over 100 passes is 100 cycles")
    func cycleDefinitions() throws {
        let e = try estimate(Fixtures.lithiumCopper)
        #expect(e.cycles == 100)           // 99 charge→discharge changes across passes, plus the first cycle
        // two events of every_cycles: 50 → after cycles 50 and 100, 12 h each
        #expect(e.totalSeconds == 100 * (3600 + 7200) + 2 * 12 * 3600)
        let text = "echemd: 1\nname: t\ncycle_definition: charge_after_discharge\nsteps:\n  - loop:\n      count: 3\n      steps: [Discharge at 1 mA for 1 h, Charge at 1 mA for 1 h]\n"
        // cycle 1 is the first discharge; each of the 3 charges follows a discharge and starts a new one
        #expect(try estimate(text).cycles == 4)
    }

    @Test("without capacity or time limit the estimate is a lower bound")
    func unknown() throws {
        let e = try estimate("echemd: 1\nname: t\nsteps:\n  - Charge at 1 mA until 4.2 V\n")
        #expect(e.isLowerBound)
        #expect(e.unknownSteps == [1])
    }
}

@Suite("Duration estimate bounds")
struct DurationEstimateBoundTests {
    @Test("a voltage cut-off step without cell capacity counts its watchdog time: an upper bound, not a lower one")
    func watchdogIsUpperBound() throws {
        let text = "echemd: 1\nname: t\nsteps:\n  - charge: 1 mA\n    until: [V >= 4.2 V, time >= 4 h]\n"
        let result = ProtocolCompiler.compile(text: text, filename: "t.yaml")
        let program = try #require(result.program)
        let e = DurationEstimate.estimate(program)
        #expect(e.totalSeconds == 4 * 3600)
        #expect(e.isUpperBound)
        #expect(!e.isLowerBound)
        #expect(ProgramExplanation.render(program, description: nil, cell: nil).contains("estimated duration: at most 4 h"))
    }
}
