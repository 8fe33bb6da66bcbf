import EchemCore
@testable import EchemEngine

/// Builds step programs by hand for engine tests (the protocol compiler has its own tests).
struct ProgramBuilder {
    var code: [Instruction] = []
    var labels: [String: Int] = [:]
    var nextStepID = 1
    var nextLoopID = 1
    var open: [(index: Int, id: Int)] = []

    mutating func step(_ control: Control, label: String? = nil, ends: [EndCondition], record: RecordingRule? = nil,
                       limits: SafetyLimits? = nil, timers: [TimerEvent] = []) {
        if let label { labels[label] = code.count }
        code.append(.step(Step(id: nextStepID, label: label, summary: "\(control)", control: control, ends: ends,
                               record: record, limits: limits, timerEvents: timers)))
        nextStepID += 1
    }

    mutating func loop(_ kind: LoopKind, advancesCycle: Bool = true, label: String? = nil) {
        if let label { labels[label] = code.count }
        open.append((code.count, nextLoopID))
        code.append(.loopBegin(LoopBegin(id: nextLoopID, label: label, kind: kind, advancesCycle: advancesCycle, endIndex: -1)))
        nextLoopID += 1
    }

    mutating func endLoop() {
        let (begin, id) = open.removeLast()
        guard case .loopBegin(var lb) = code[begin] else { return }
        lb.endIndex = code.count
        code[begin] = .loopBegin(lb)
        code.append(.loopEnd(LoopEnd(id: id, beginIndex: begin)))
    }

    func program(safety: SafetyLimits = .none, record: RecordingRule = RecordingRule(everySeconds: 0),
                 subroutines: [[Instruction]] = [], cycleEvents: [CycleEvent] = [],
                 cycleDefinition: CycleDefinition = .loops) -> StepProgram {
        StepProgram(name: "test", source: "test.yaml", instructions: code, labels: labels, safety: safety, record: record,
                    subroutines: subroutines, cycleEvents: cycleEvents, cycleDefinition: cycleDefinition)
    }
}

func cond(_ q: ConditionQuantity, _ op: Comparison, _ v: Double) -> Condition {
    Condition(quantity: q, comparison: op, threshold: v, text: "\(q.rawValue) \(op.rawValue) \(v)")
}

func end(_ q: ConditionQuantity, _ op: Comparison, _ v: Double, _ action: EndAction = .next) -> EndCondition {
    EndCondition(cond(q, op, v), action: action)
}

func runEngine(_ program: StepProgram, channel: LinearCellChannel, journal: MemoryJournal = MemoryJournal(),
               options: EngineOptions = EngineOptions(bench: "test", batchSize: 64, autoResumePauses: true),
               resume: EngineCheckpoint? = nil,
               observer: (@Sendable (EngineEvent) -> Void)? = nil) async throws -> (RunOutcome, MemoryJournal) {
    let run = RunInfo(bench: "test", channel: "ch1", protocolName: program.name, protocolText: "", program: program,
                      cell: nil, startedUnix: 1_700_000_000)
    let engine = StepEngine(program: program, run: run, channel: channel, journal: journal, options: options,
                            resumeFrom: resume, observer: observer)
    return (try await engine.execute(), journal)
}
