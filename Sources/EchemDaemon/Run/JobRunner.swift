import EchemCore
import EchemEngine
import EchemPlatform
import EchemStore
import Foundation
import Synchronization

/// One job running on its channel(s): the engine, the observer that turns engine events into
/// socket documents, and the saved simulator state that lets a resumed run continue on the same cell.
final class JobRunner: Sendable {
    let job: JobRecord
    let channelID: String
    let potentiostatID: String?
    let engine: StepEngine
    let hub: LiveHub
    let liveness: Liveness
    /// The driver's own channel (inside the limit and binding wrappers), for snapshots.
    let device: any Channel
    let driver: any BenchDriver
    let snapshotPath: String
    let onPauseChange: @Sendable (Bool, String) -> Void

    init(job: JobRecord, channelID: String, potentiostatID: String?, program: StepProgram, run: RunInfo,
         channel: any Channel, device: any Channel, driver: any BenchDriver, store: RunStore, hub: LiveHub,
         liveness: Liveness, options: EngineOptions, checkpoint: EngineCheckpoint?, snapshotPath: String,
         onPauseChange: @escaping @Sendable (Bool, String) -> Void) {
        self.job = job
        self.channelID = channelID
        self.potentiostatID = potentiostatID
        self.hub = hub
        self.liveness = liveness
        self.device = device
        self.driver = driver
        self.snapshotPath = snapshotPath
        self.onPauseChange = onPauseChange
        let observer = JobRunner.observer(runID: run.id, jobID: job.id, channel: channelID, potentiostat: potentiostatID,
                                          hub: hub, liveness: liveness, device: device, driver: driver,
                                          snapshotPath: snapshotPath,
                                          chargeOverDischarge: JobRunner.cycleStartsWithDischarge(program),
                                          onPauseChange: onPauseChange)
        self.engine = StepEngine(program: program, run: run, channel: channel, journal: store, options: options,
                                 resumeFrom: checkpoint, observer: observer)
    }

    var runID: UUID { engine.run.id }

    /// Runs to the end; the result is the engine's outcome or the error that ended it.
    func execute() async -> Result<RunOutcome, any Error> {
        do { return .success(try await engine.execute()) } catch { return .failure(error) }
    }

    private static func observer(runID: UUID, jobID: UUID, channel: String, potentiostat: String?, hub: LiveHub,
                                 liveness: Liveness, device: any Channel, driver: any BenchDriver, snapshotPath: String,
                                 chargeOverDischarge: Bool,
                                 onPauseChange: @escaping @Sendable (Bool, String) -> Void) -> @Sendable (EngineEvent) -> Void {
        // Step, cycle and event documents wait for the commit that makes them durable, so a
        // client never sees a step that a crash could still take back, and sees it after its samples.
        let pending = Mutex<[LiveDocument]>([])
        let release: @Sendable () -> Void = {
            for doc in pending.withLock({ p -> [LiveDocument] in defer { p.removeAll() }; return p }) { hub.publish(doc) }
        }
        return { event in
            switch event {
            case .runStarted(let info):
                hub.publish(Documents.runStart(info, job: jobID, channel: channel, potentiostat: potentiostat, resumed: false))
            case .stepStarted(let s, let summary):
                pending.withLock { $0.append(Documents.stepStart(s, summary: summary, run: runID, channel: channel)) }
            case .stepEnded(let s):
                pending.withLock { $0.append(Documents.stepEnd(s, run: runID, channel: channel)) }
            case .committed(let samples):
                // After the commit and before the engine moves on: the cell's state matches the checkpoint.
                if let data = driver.snapshot(device) { AtomicFile.write(data, to: snapshotPath) }
                liveness.beat(jobID)
                hub.publish(.samples(SamplePage(run: runID, channel: channel, samples: samples, backfill: false)))
                release()
            case .cycleEnded(let totals):
                pending.withLock {
                    $0.append(Documents.cycleSummary(totals, run: runID, channel: channel, chargeOverDischarge: chargeOverDischarge))
                }
            case .spectrum(let s):
                liveness.beat(jobID)
                pending.withLock { $0.append(Documents.spectrum(s, run: runID, channel: channel)) }
            case .paused(let reason):
                release()
                liveness.setPaused(jobID, true)
                onPauseChange(true, reason)
            case .resumed:
                liveness.setPaused(jobID, false)
                onPauseChange(false, "resumed")
            case .event(let e):
                pending.withLock { $0.append(Documents.runEvent(e, run: runID, channel: channel)) }
            case .finished:
                release() // the scheduler then publishes run_stop with the job's final state
            }
        }
    }

    /// An anode half cell (or any cell whose cycle starts with a discharge) states coulombic
    /// efficiency as charge over discharge (seed 000: ICE = 887 / 1243); a cathode the other way.
    static func cycleStartsWithDischarge(_ program: StepProgram) -> Bool {
        for ins in program.instructions {
            if case .step(let step) = ins {
                switch step.control.direction {
                case .discharge: return true
                case .charge: return false
                default: continue
                }
            }
        }
        return false
    }
}
