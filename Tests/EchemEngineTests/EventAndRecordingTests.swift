import Testing
import EchemCore
@testable import EchemEngine

@Suite("Events and recording rules")
struct EventAndRecordingTests {
    @Test("A cycle event runs its body after exactly the listed cycles")
    func cycleEvents() async throws {
        var b = ProgramBuilder()
        b.loop(.counted(count: 4))
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 3)])
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 3)])
        b.endLoop()
        let eis = Step(id: 99, summary: "eis", control: .eis(EISSpec(mode: .potentiostatic, startHz: 1000, endHz: 1,
                                                                     pointsPerDecade: 2, amplitude: 0.01)))
        let program = b.program(subroutines: [[.step(eis)]], cycleEvents: [CycleEvent(afterCycles: [1, 3], body: 0)])
        let (_, journal) = try await runEngine(program, channel: LinearCellChannel())
        let eisSteps = journal.steps.filter { $0.kind == .eis }
        #expect(eisSteps.count == 2)
        #expect(eisSteps.map(\.cycle) == [2, 4], "taken after cycles 1 and 3 ended")
        #expect(journal.state.withLock { $0.spectra.count } == 2)
        #expect(journal.state.withLock { $0.spectra[0].points.count } == 7)
    }

    @Test("A timer event interrupts a step every interval and the step keeps its own time")
    func timerEvents() async throws {
        var b = ProgramBuilder()
        let rest = Step(id: 50, summary: "short rest", control: .rest, ends: [end(.stepTime, .greaterOrEqual, 5)])
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 100)],
               timers: [TimerEvent(intervalSeconds: 30, body: 0)])
        let (_, journal) = try await runEngine(b.program(subroutines: [[.step(rest)]]), channel: LinearCellChannel())
        let main = journal.steps.last { $0.stepID == 1 }!
        #expect(journal.steps.filter { $0.stepID == 50 }.count == 3, "at 30, 60 and 90 s of step time")
        #expect(abs(main.capacity - (-1e-3 * 100 / 3600)) < 1e-12, "100 s of discharge, none during the rests")
        #expect(journal.steps.filter { $0.stepID == 1 }.count == 4, "the step continues as a new segment after each event")
        #expect(journal.steps.map(\.stepCount) == Array(1...7), "step count rises at every change, never repeats")
    }

    @Test("Recording every 10 s stores one sample in ten, plus both step boundaries")
    func recordingEvery() async throws {
        var b = ProgramBuilder()
        b.step(.rest, ends: [end(.stepTime, .greaterOrEqual, 95)])
        let (_, journal) = try await runEngine(b.program(record: RecordingRule(everySeconds: 10)), channel: LinearCellChannel())
        // First sample at 1 s, then each 10 s after the last stored (11, 21, … 91), and the end at 95 s.
        #expect(journal.samples.map(\.stepTime) == [1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 95])
    }

    @Test("Recording on dV stores a sample whenever V moved by the delta")
    func recordingDeltaV() async throws {
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 360)])
        // 1 mA moves the OCV by 1000 V/Ah × 1e-3 A / 3600 s = 0.2778 mV per second; dV 2 mV = every 7.2 s → 8 s.
        let rule = RecordingRule(everySeconds: nil, deltaVolts: 0.002)
        let (_, journal) = try await runEngine(b.program(record: rule), channel: LinearCellChannel())
        let times = journal.samples.map(\.stepTime)
        #expect(zip(times.dropFirst(), times.dropFirst(2)).allSatisfy { $1 - $0 == 8 || $1 == 360 })
    }
}

@Suite("goto inside an event body")
struct EventBodyGotoTests {
    @Test("A goto in an event body jumps within that body, then the main program continues")
    func gotoWithinBody() async throws {
        var b = ProgramBuilder()
        b.loop(.counted(count: 2))
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 3)])
        b.endLoop()
        let body: [Instruction] = [
            .step(Step(id: 10, summary: "rest", control: .rest,
                       ends: [end(.stepTime, .greaterOrEqual, 2, .goto(label: "last", index: 2))])),
            .step(Step(id: 11, summary: "skipped", control: .current(amperes: 5e-3), ends: [end(.stepTime, .greaterOrEqual, 2)])),
            .step(Step(id: 12, label: "last", summary: "rest", control: .rest, ends: [end(.stepTime, .greaterOrEqual, 2)])),
        ]
        let program = b.program(subroutines: [body], cycleEvents: [CycleEvent(afterCycles: [1], body: 0)])
        let (outcome, journal) = try await runEngine(program, channel: LinearCellChannel())
        #expect(outcome.status == .completed)
        #expect(journal.steps.map(\.stepID) == [1, 10, 12, 1])
    }
}

@Suite("Several timers on one step")
struct SeveralTimersTests {
    @Test("Each timer fires on its own interval: 30 s and 45 s timers fire at 30, 45, 60 and 90 s")
    func twoTimers() async throws {
        var b = ProgramBuilder()
        let a = Step(id: 50, summary: "a", control: .rest, ends: [end(.stepTime, .greaterOrEqual, 5)])
        let c = Step(id: 51, summary: "b", control: .rest, ends: [end(.stepTime, .greaterOrEqual, 5)])
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 100)],
               timers: [TimerEvent(intervalSeconds: 30, body: 0), TimerEvent(intervalSeconds: 45, body: 1)])
        let (_, journal) = try await runEngine(b.program(subroutines: [[.step(a)], [.step(c)]]), channel: LinearCellChannel())
        #expect(journal.steps.map(\.stepID) == [1, 50, 1, 51, 1, 50, 1, 50, 51, 1])
    }
}
