import Synchronization
import Testing
import Foundation
import EchemCore
@testable import EchemEngine

@Suite("Safety limits and run controls")
struct SafetyAndControlTests {
    @Test("A safety breach turns the output off and stops the run on the first breaching sample")
    func safetyStopWithinOneSample() async throws {
        let cell = LinearCellChannel()
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 10_000)])
        let program = b.program(safety: SafetyLimits(maxVolts: 3.2))
        let (outcome, journal) = try await runEngine(program, channel: cell)
        #expect(outcome.status == .safetyStop)
        let samples = journal.samples
        #expect(samples.last!.volts > 3.2)
        #expect(samples.dropLast().allSatisfy { $0.volts <= 3.2 })
        #expect(cell.state.withLock { $0.setpoint } == .off)
        #expect(journal.events.contains { $0.kind == "safety" })
    }

    @Test("Debounce: a breach must persist for the debounce time before it acts")
    func debounce() async throws {
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 10_000)])
        let program = b.program(safety: SafetyLimits(maxVolts: 3.2, debounceSeconds: 5))
        let (_, journal) = try await runEngine(program, channel: LinearCellChannel())
        let over = journal.samples.filter { $0.volts > 3.2 }
        #expect(over.count == 6, "breach at t0, acts at t0 + 5 s")
    }

    @Test("A setpoint beyond the channel's limit is refused before it reaches the channel")
    func refusesBeyondLimits() async throws {
        let cell = LinearCellChannel(maxAbsCurrent: 0.01)
        var b = ProgramBuilder()
        b.step(.current(amperes: 0.5), ends: [end(.stepTime, .greaterOrEqual, 10)])
        let (outcome, _) = try await runEngine(b.program(), channel: cell)
        #expect(outcome.status == .failed)
        #expect(outcome.reason.contains("beyond the limit"))
        #expect(cell.state.withLock { $0.applied }.allSatisfy { $0 == .off })
    }

    @Test("A per-step limit tightens the global one")
    func perStepLimit() async throws {
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 10_000)],
               limits: SafetyLimits(maxVolts: 3.1, action: .stop))
        let (outcome, journal) = try await runEngine(b.program(safety: SafetyLimits(maxVolts: 4)), channel: LinearCellChannel())
        #expect(outcome.status == .safetyStop)
        #expect(journal.samples.last!.volts > 3.1 && journal.samples.last!.volts < 3.11)
    }

    @Test("stop() ends the run with the output off and every sample so far stored")
    func stopControl() async throws {
        let cell = LinearCellChannel()
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 1e9)])
        let program = b.program()
        let run = RunInfo(bench: "t", channel: "c", protocolName: "p", protocolText: "", program: program, cell: nil, startedUnix: 0)
        let journal = MemoryJournal()
        let box = EngineBox()
        let engine = StepEngine(program: program, run: run, channel: cell, journal: journal,
                                options: EngineOptions(bench: "t", batchSize: 16), observer: { event in
            if case .committed(let s) = event, s.last!.testTime >= 100 { box.engine?.stop(reason: "test stop") }
        })
        box.engine = engine
        let outcome = try await engine.execute()
        #expect(outcome.status == .stopped)
        #expect(outcome.reason == "test stop")
        #expect(cell.state.withLock { $0.setpoint } == .off)
        #expect(journal.samples.count == Int(outcome.samplesStored))
    }

    @Test("pause(at step end) waits for resume before the next step starts")
    func pauseAtStepEnd() async throws {
        let cell = LinearCellChannel()
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 5)])
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 5)])
        let program = b.program()
        let run = RunInfo(bench: "t", channel: "c", protocolName: "p", protocolText: "", program: program, cell: nil, startedUnix: 0)
        let journal = MemoryJournal()
        let box = EngineBox()
        let engine = StepEngine(program: program, run: run, channel: cell, journal: journal,
                                options: EngineOptions(bench: "t", batchSize: 16), observer: { event in
            switch event {
            case .stepStarted(let r, _) where r.stepID == 1: box.engine?.pause(.atStepEnd)
            case .paused: box.pausedSeen.withLock { $0 = true }; box.engine?.resume()
            default: break
            }
        })
        box.engine = engine
        let outcome = try await engine.execute()
        #expect(outcome.status == .completed)
        #expect(box.pausedSeen.withLock { $0 })
        #expect(journal.events.contains { $0.kind == "pause" })
        #expect(journal.steps.count == 2)
    }

    @Test("A stray resume while running is forgotten: the next pause still waits for its own resume")
    func strayResumeDoesNotCancelALaterPause() async throws {
        let cell = LinearCellChannel()
        var b = ProgramBuilder()
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 5)])
        b.step(.current(amperes: -1e-3), ends: [end(.stepTime, .greaterOrEqual, 5)])
        let program = b.program()
        let run = RunInfo(bench: "t", channel: "c", protocolName: "p", protocolText: "", program: program, cell: nil, startedUnix: 0)
        let journal = MemoryJournal()
        let box = EngineBox()
        let engine = StepEngine(program: program, run: run, channel: cell, journal: journal,
                                options: EngineOptions(bench: "t", batchSize: 16), observer: { event in
            switch event {
            case .stepStarted(let r, _) where r.stepID == 1:
                box.engine?.resume()              // stray: nothing is paused
                box.engine?.pause(.atStepEnd)
            case .paused:
                box.pausedSeen.withLock { $0 = true }
                // The pause must hold: stop instead of resuming shows whether it waited.
                Task { try? await Task.sleep(for: .milliseconds(200)); box.engine?.stop(reason: "stopped while paused") }
            default: break
            }
        })
        box.engine = engine
        let outcome = try await engine.execute()
        #expect(box.pausedSeen.withLock { $0 })
        #expect(outcome.status == .stopped, "the pause waited instead of being ended by the stray resume")
        #expect(journal.steps.count == 1, "the second step never started")
    }

    @Test("A reserved pause before step N pauses exactly there")
    func reservedPause() async throws {
        var b = ProgramBuilder()
        for _ in 0..<3 { b.step(.rest, ends: [end(.stepTime, .greaterOrEqual, 2)]) }
        let program = b.program()
        let run = RunInfo(bench: "t", channel: "c", protocolName: "p", protocolText: "", program: program, cell: nil, startedUnix: 0)
        let journal = MemoryJournal()
        let engine = StepEngine(program: program, run: run, channel: LinearCellChannel(), journal: journal,
                                options: EngineOptions(bench: "t", autoResumePauses: true))
        engine.reservePause(beforeStepID: 3)
        _ = try await engine.execute()
        let pause = journal.events.first { $0.kind == "pause" }!
        #expect(pause.message.contains("step 3"))
        #expect(pause.testTime == journal.steps[1].endTestTime)
    }
}

/// Lets an observer closure reach the engine it observes.
final class EngineBox: @unchecked Sendable {
    var engine: StepEngine?
    let pausedSeen = Mutex(false)
}
