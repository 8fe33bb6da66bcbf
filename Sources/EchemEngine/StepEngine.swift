import Foundation
import EchemCore

/// Runs a compiled step program on one channel, storing every sample through a journal.
///
/// The public face is small: `execute()` runs to the end, and the control calls (pause, resume,
/// stop, goto, reserve pause) may be made from any task while it runs; they take effect within
/// one sample. All mutable run state lives in an `EngineRun` owned by the executing task.
public final class StepEngine: Sendable {
    public let program: StepProgram
    public let run: RunInfo
    let channel: any Channel
    let journal: any RunJournal
    let options: EngineOptions
    let resumeFrom: EngineCheckpoint?
    let observer: (@Sendable (EngineEvent) -> Void)?
    let mailbox = ControlMailbox()

    /// - Parameter resumeFrom: continue a crashed run from its last checkpoint (job policy `resume`).
    public init(program: StepProgram, run: RunInfo, channel: any Channel, journal: any RunJournal,
                options: EngineOptions = EngineOptions(), resumeFrom: EngineCheckpoint? = nil,
                observer: (@Sendable (EngineEvent) -> Void)? = nil) {
        self.program = program
        self.run = run
        self.channel = channel
        self.journal = journal
        self.options = options
        self.resumeFrom = resumeFrom
        self.observer = observer
    }

    /// Runs the program to its end, a stop, or a safety stop. The output is off when it returns,
    /// also when it throws (a channel or store failure).
    public func execute() async throws -> RunOutcome {
        let state = EngineRun(engine: self)
        do {
            return try await state.runProgram()
        } catch let interrupted as EngineInterrupted {
            try? await channel.outputOff()
            // Not finished: the store keeps the run as running, with its last checkpoint.
            return RunOutcome(status: .running, reason: interrupted.reason, testTime: state.testTime,
                              samplesStored: state.nextSeq, cycle: state.cycle)
        } catch {
            try? await channel.outputOff()
            try? await journal.finish(runID: run.id, status: .failed, reason: "\(error)", testTime: state.testTime)
            throw error
        }
    }

    public func pause(_ mode: PauseMode = .atStepEnd) { mailbox.requestPause(mode) }
    public func resume() { mailbox.resume() }
    public func stop(reason: String = "operator stop") { mailbox.requestStop(reason) }
    /// Commits the batch in progress with a mid-step checkpoint, turns the output off and returns
    /// with status `running`, leaving the run to be resumed (daemon shutdown, SIGTERM).
    public func interrupt(reason: String = "daemon shutdown") { mailbox.requestInterrupt(reason) }
    /// Ends the step in progress and continues at `label` (in the main program).
    public func goto(label: String) { mailbox.requestGoto(label) }
    /// Pause before the step with this id starts (Neware's "reserve pause").
    public func reservePause(beforeStepID id: Int) { mailbox.reservePause(beforeStepID: id) }
}
