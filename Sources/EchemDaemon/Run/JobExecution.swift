import EchemCore
import EchemEngine
import EchemStore
import Foundation

/// A job while it runs, as the scheduler holds it: an engine driving a channel sample by sample
/// (`JobRunner`), or an instrument running the whole protocol itself while echemd watches and
/// downloads (`NewareSupervisor`). Controls take effect within one sample or one poll.
protocol JobExecution: AnyObject, Sendable {
    var job: JobRecord { get }
    var runID: UUID { get }
    var channelID: String { get }
    var potentiostatID: String? { get }
    /// Labels a `goto` may name.
    var labels: [String] { get }
    /// Runs to the end; the result is the run's outcome or the error that ended it.
    func execute() async -> Result<RunOutcome, any Error>
    func pause(_ mode: PauseMode)
    func resume()
    func stop(reason: String)
    func goto(label: String)
    /// Daemon shutdown: leave the run resumable.
    func interrupt(reason: String)
    /// The job has ended for good: remove what only a resume would have needed.
    func cleanUp()
}

extension JobRunner: JobExecution {
    var labels: [String] { Array(engine.program.labels.keys) }
    func pause(_ mode: PauseMode) { engine.pause(mode) }
    func resume() { engine.resume() }
    func stop(reason: String) { engine.stop(reason: reason) }
    func goto(label: String) { engine.goto(label: label) }
    func interrupt(reason: String) { engine.interrupt(reason: reason) }
    func cleanUp() { try? FileManager.default.removeItem(atPath: snapshotPath) }
}
