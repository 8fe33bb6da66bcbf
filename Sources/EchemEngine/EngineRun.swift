import Foundation
import EchemCore

/// Where the current step left off, and what happens next.
enum StepExit {
    case next
    /// Index within the routine in progress.
    case goto(Int)
    /// An operator's goto: a label of the main program, leaving any event body.
    case gotoMain(Int)
    case end(String)
    case pause(String)
    case terminated(RunStatus, String)
}

/// Until-loop conditions that apply at one instruction (the loops enclosing it).
struct UntilScope {
    let loopID: Int
    let conditions: [Condition]
}

/// The interpreter: program counter, loops, cycle index, accumulators and the pending batch.
/// Confined to the task running `StepEngine.execute()`.
final class EngineRun {
    let engine: StepEngine
    let program: StepProgram
    let channel: any Channel
    let planner: SetpointPlanner

    var pc = 0
    var routine: Int?
    var callStack: [CallFrame] = []
    var loopPasses: [Int: Int] = [:]
    var loopLatched: [Int: Bool] = [:]
    var cycle = 1
    var stepCount = 0
    var acc = Accumulators()
    var lastDirection: CurrentDirection = .none
    var eisCount = 0
    var nextSeq: Int64 = 0
    var resumeProgress: StepProgress?

    var testTimeBase = 0.0
    var channelTimeBase = 0.0
    var lastReading = ChannelReading(time: 0, volts: 0, amperes: 0)
    var testTime: Double = 0

    var pendingSamples: [Sample] = []
    var pendingSteps: [StepRecord] = []
    var pendingEvents: [RunEvent] = []
    var pendingSpectra: [ImpedanceSpectrum] = []
    var lastFlushWall = Date()

    let mainScopes: [[UntilScope]]
    let subroutineScopes: [[[UntilScope]]]

    init(engine: StepEngine) {
        self.engine = engine
        self.program = engine.program
        self.channel = engine.channel
        self.planner = SetpointPlanner(capabilities: engine.channel.capabilities)
        self.mainScopes = EngineRun.untilScopes(program.instructions)
        self.subroutineScopes = program.subroutines.map(EngineRun.untilScopes)
        pendingSamples.reserveCapacity(engine.options.batchSize + 8)
        if let cp = engine.resumeFrom { restore(cp) }
    }

    /// For each instruction, the until-loops whose body contains it.
    static func untilScopes(_ code: [Instruction]) -> [[UntilScope]] {
        var scopes = Array(repeating: [UntilScope](), count: code.count)
        for (i, ins) in code.enumerated() {
            guard case .loopBegin(let lb) = ins, case .until(let conds, _) = lb.kind else { continue }
            for j in (i + 1)..<max(i + 1, lb.endIndex) { scopes[j].append(UntilScope(loopID: lb.id, conditions: conds)) }
        }
        return scopes
    }

    func code(_ r: Int?) -> [Instruction] { r.map { program.subroutines[$0] } ?? program.instructions }
    func scopes(_ r: Int?, _ i: Int) -> [UntilScope] {
        let s = r.map { subroutineScopes[$0] } ?? mainScopes
        return i < s.count ? s[i] : []
    }

    // MARK: - Program level

    func runProgram() async throws -> RunOutcome {
        let fresh = engine.resumeFrom == nil
        if fresh {
            try await engine.journal.begin(engine.run)
            engine.observer?(.runStarted(engine.run))
        } else {
            log("resume", "resumed from checkpoint at instruction \(pc), cycle \(cycle)")
        }
        try await channel.outputOff()
        let baseline = try await channel.nextReading()
        channelTimeBase = baseline.time
        lastReading = baseline
        if let end = try await interpret(returnDepth: nil) { return try await finish(end.0, end.1) }
        return try await finish(.completed, "end of program")
    }

    /// Runs instructions until the program ends (nil depth) or, for an inline event body, until
    /// the call stack drops back to `returnDepth`. Returns a termination if the run ended.
    func interpret(returnDepth: Int?) async throws -> (RunStatus, String)? {
        while true {
            if let reason = engine.mailbox.stopReason { return (.stopped, reason) }
            let instructions = code(routine)
            if pc >= instructions.count {
                if let depth = returnDepth, callStack.count == depth { return nil }
                guard let frame = callStack.popLast() else { return nil }
                routine = frame.routine
                pc = frame.returnPC
                if let depth = returnDepth, callStack.count == depth { return nil }
                continue
            }
            switch instructions[pc] {
            case .loopBegin(let lb):
                loopPasses[lb.id] = 0
                loopLatched[lb.id] = false
                pc += 1
            case .loopEnd(let le):
                guard case .loopBegin(let lb) = instructions[le.beginIndex] else { pc += 1; continue }
                let passes = (loopPasses[le.id] ?? 0) + 1
                loopPasses[le.id] = passes
                let again: Bool
                switch lb.kind {
                case .counted(let n):
                    again = passes < n
                case .until(_, let maxPasses):
                    let latched = loopLatched[le.id] ?? false
                    again = !latched && passes < maxPasses
                    if !latched && !again {
                        log("loop", "repeat \(lb.label ?? "#\(lb.id)") stopped after its maximum of \(maxPasses) passes")
                    }
                    if !again { loopLatched[le.id] = false }
                }
                pc = again ? le.beginIndex + 1 : pc + 1
                if lb.advancesCycle && program.cycleDefinition == .loops { endCycle() }
            case .step(let step):
                directionCycleBoundary(step)
                if engine.mailbox.takeReservedPause(stepID: step.id) {
                    if let t = try await pauseRun("reserved pause before step \(step.id)") { return t }
                }
                let progress = resumeProgress
                resumeProgress = nil
                let exit = try await runStep(step, progress: progress)
                switch exit {
                case .next:
                    pc += 1
                case .goto(let target):
                    // A goto stays within its own part (main program or one event body), as compiled.
                    pc = target
                case .gotoMain(let target):
                    callStack.removeAll()
                    routine = nil
                    pc = target
                case .end(let reason):
                    return (.completed, reason)
                case .pause(let reason):
                    pc += 1
                    if let t = try await pauseRun(reason) { return t }
                case .terminated(let status, let reason):
                    return (status, reason)
                }
                if engine.mailbox.takePauseAtStepEnd() {
                    if let t = try await pauseRun("pause at step end") { return t }
                }
            }
        }
    }

    /// With a charge/discharge cycle definition, a new cycle starts when the direction flips.
    func directionCycleBoundary(_ step: Step) {
        let d = step.control.direction
        guard d != .none else { return }
        // Recorded even when a cycle event is scheduled: the event returns to this step, which
        // must not close the cycle a second time.
        defer { lastDirection = d }
        switch program.cycleDefinition {
        case .chargeAfterDischarge where d == .charge && lastDirection == .discharge,
             .dischargeAfterCharge where d == .discharge && lastDirection == .charge:
            endCycle()
        default: break
        }
    }

    /// Closes the cycle in progress, reports its totals, and schedules the events that fire after it.
    func endCycle() {
        let finished = cycle
        engine.observer?(.cycleEnded(CycleTotals(
            cycle: finished, chargeAh: acc.cycleChargeQ, dischargeAh: acc.cycleDischargeQ,
            chargeWh: acc.cycleChargeE, dischargeWh: acc.cycleDischargeE, endTestTime: testTime)))
        cycle += 1
        acc.startCycle()
        let bodies = program.cycleEvents.filter { $0.fires(afterCycle: finished) }.map(\.body)
        guard !bodies.isEmpty else { return }
        log("event", "after cycle \(finished): running \(bodies.count) event body(ies)")
        callStack.append(CallFrame(routine: routine, returnPC: pc))
        for body in bodies.dropFirst().reversed() { callStack.append(CallFrame(routine: body, returnPC: 0)) }
        routine = bodies[0]
        pc = 0
    }

    // MARK: - Pause, finish, log

    /// Output off, wait for resume (unless the run auto-resumes). Returns a termination on stop.
    func pauseRun(_ reason: String) async throws -> (RunStatus, String)? {
        engine.mailbox.enterPause()
        try await channel.outputOff()
        log("pause", reason)
        try await flush(progress: nil)
        engine.observer?(.paused(reason))
        if !engine.options.autoResumePauses {
            await engine.mailbox.waitForResume()
            if let reason = engine.mailbox.interruptReason { throw EngineInterrupted(reason: reason) }
            if let stop = engine.mailbox.stopReason { return (.stopped, stop) }
        } else {
            engine.mailbox.leavePause()
        }
        engine.observer?(.resumed)
        log("resume", "resumed after: \(reason)")
        lastReading = try await channel.nextReading()
        return nil
    }

    func finish(_ status: RunStatus, _ reason: String) async throws -> RunOutcome {
        try await channel.outputOff()
        try await flush(progress: nil)
        try await engine.journal.finish(runID: engine.run.id, status: status, reason: reason, testTime: testTime)
        let outcome = RunOutcome(status: status, reason: reason, testTime: testTime, samplesStored: nextSeq, cycle: cycle)
        engine.observer?(.finished(outcome))
        return outcome
    }

    func log(_ kind: String, _ message: String) {
        let e = RunEvent(testTime: testTime, kind: kind, message: message)
        pendingEvents.append(e)
        engine.observer?(.event(e))
    }

    // MARK: - Checkpoints

    func checkpoint(progress: StepProgress?) -> EngineCheckpoint {
        var cp = EngineCheckpoint(
            pc: pc, loopPasses: loopPasses, loopLatched: loopLatched, callStack: callStack, cycle: cycle,
            stepCount: stepCount, testTime: testTime, nextSeq: nextSeq,
            chargeCapacity: acc.chargeQ, dischargeCapacity: acc.dischargeQ, chargeEnergy: acc.chargeE,
            dischargeEnergy: acc.dischargeE, cycleChargeCapacity: acc.cycleChargeQ,
            cycleDischargeCapacity: acc.cycleDischargeQ, cycleChargeEnergy: acc.cycleChargeE,
            cycleDischargeEnergy: acc.cycleDischargeE, lastDirection: lastDirection, eisCount: eisCount)
        cp.routine = routine
        cp.stepProgress = progress
        return cp
    }

    func restore(_ cp: EngineCheckpoint) {
        pc = cp.pc
        routine = cp.routine
        callStack = cp.callStack
        loopPasses = cp.loopPasses
        loopLatched = cp.loopLatched
        cycle = cp.cycle
        stepCount = cp.stepCount
        testTimeBase = cp.testTime
        testTime = cp.testTime
        nextSeq = cp.nextSeq
        acc = Accumulators(chargeQ: cp.chargeCapacity, dischargeQ: cp.dischargeCapacity, chargeE: cp.chargeEnergy,
                           dischargeE: cp.dischargeEnergy, cycleChargeQ: cp.cycleChargeCapacity,
                           cycleDischargeQ: cp.cycleDischargeCapacity, cycleChargeE: cp.cycleChargeEnergy,
                           cycleDischargeE: cp.cycleDischargeEnergy)
        lastDirection = cp.lastDirection
        eisCount = cp.eisCount
        resumeProgress = cp.stepProgress
    }

    /// Commits everything pending, with the checkpoint, in one transaction; then tells observers.
    func flush(progress: StepProgress?) async throws {
        let samples = pendingSamples
        try await engine.journal.commit(runID: engine.run.id, samples: samples, steps: pendingSteps,
                                        events: pendingEvents, spectra: pendingSpectra,
                                        checkpoint: checkpoint(progress: progress))
        pendingSamples.removeAll(keepingCapacity: true)
        pendingSteps.removeAll(keepingCapacity: true)
        pendingEvents.removeAll(keepingCapacity: true)
        pendingSpectra.removeAll(keepingCapacity: true)
        lastFlushWall = Date()
        if !samples.isEmpty { engine.observer?(.committed(samples)) }
    }
}
