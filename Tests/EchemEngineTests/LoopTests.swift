import Testing
import EchemCore
@testable import EchemEngine

@Suite("Loops, goto and cycle counting")
struct LoopTests {
    @Test("Nested counted loops run outer × inner passes and advance the cycle per inner pass")
    func nestedLoops() async throws {
        var b = ProgramBuilder()
        b.loop(.counted(count: 3), advancesCycle: false)
        b.loop(.counted(count: 4))
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 5)])
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 5)])
        b.endLoop()
        b.endLoop()
        let (outcome, journal) = try await runEngine(b.program(), channel: LinearCellChannel())
        #expect(journal.steps.count == 3 * 4 * 2)
        #expect(outcome.cycle == 13, "12 cycles ended, the 13th is current")
        #expect(Set(journal.samples.map(\.cycle)) == Set(1...12))
    }

    @Test("Repeat-until (GITT) runs whole passes until the cut-off latched, then exits")
    func repeatUntil() async throws {
        // Each pass: 60 s at −1 mA (0.01667 mAh → −16.67 mV of OCV), then 60 s rest.
        let cell = LinearCellChannel(v0: 3.0)
        var b = ProgramBuilder()
        b.loop(.until(conditions: [cond(.voltage, .lessOrEqual, 2.9)], maxPasses: 100), advancesCycle: false)
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 60), end(.voltage, .lessOrEqual, 2.9)])
        b.step(.rest, ends: [end(.stepTime, .greaterOrEqual, 60)])
        b.endLoop()
        let (_, journal) = try await runEngine(b.program(), channel: cell)
        // Under load V = OCV − 10 mV, so the cut-off is seen when OCV ≤ 2.91 V: after 0.09 mAh = 5.4 passes.
        // The 6th pass's pulse hits 2.9 V under load, its rest still runs, then the loop exits.
        let pulses = journal.steps.filter { $0.kind == .current }
        #expect(pulses.count == 6)
        #expect(journal.steps.count == 12)
        #expect(journal.steps.last!.kind == .rest)
    }

    @Test("goto skips to its label and a cycle-index end condition ends the run")
    func gotoAndCycleEnd() async throws {
        var b = ProgramBuilder()
        b.step(.rest, label: "top", ends: [end(.stepTime, .greaterOrEqual, 2)])
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 3, .goto(label: "d", index: 3))])
        b.step(.current(amperes: 5e-2), ends: [end(.stepTime, .greaterOrEqual, 3)]) // skipped
        b.step(.current(amperes: -1e-3), label: "d", ends: [end(.stepTime, .greaterOrEqual, 3)])
        let (_, journal) = try await runEngine(b.program(), channel: LinearCellChannel())
        #expect(journal.steps.map(\.stepID) == [1, 2, 4])
    }

    @Test("goto back to a label forms a loop that an end action leaves")
    func gotoLoop() async throws {
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), label: "c", ends: [end(.stepTime, .greaterOrEqual, 3)])
        b.step(.current(amperes: -1e-3), ends: [end(.testTime, .greaterOrEqual, 20, .end),
                                                 end(.stepTime, .greaterOrEqual, 3, .goto(label: "c", index: 0))])
        let (outcome, journal) = try await runEngine(b.program(), channel: LinearCellChannel())
        #expect(outcome.status == .completed)
        #expect(outcome.reason.contains("test_time"))
        // 6 s per pass: passes end at 6, 12, 18 s; the 4th discharge's first sample (22 s) ends the run.
        #expect(journal.steps.count == 8)
    }

    @Test("With charge_after_discharge, a cycle starts at each charge that follows a discharge")
    func directionCycles() async throws {
        var b = ProgramBuilder()
        for _ in 0..<3 {
            b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 2)])
            b.step(.rest, ends: [end(.stepTime, .greaterOrEqual, 1)])
            b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 2)])
        }
        let (_, journal) = try await runEngine(b.program(cycleDefinition: .chargeAfterDischarge), channel: LinearCellChannel())
        #expect(journal.steps.map(\.cycle) == [1, 1, 2, 2, 2, 3, 3, 3, 4])
    }
}
