import Foundation
import EchemCore

public struct EngineOptions: Sendable {
    /// Which bench this run is on (stored with every run).
    public var bench: String
    /// Samples per durable batch.
    public var batchSize: Int
    /// Longest wall-clock time a sample waits before its batch is committed (real-time runs).
    public var flushSeconds: Double
    /// `simulate` has no operator: operator steps and `pause` actions log and continue.
    public var autoResumePauses: Bool
    /// Unix time of a sample: wall clock (hardware, real time) or run start + test time (accelerated).
    public var unixTimeFromWallClock: Bool

    public init(bench: String = ProcessInfo.processInfo.hostName, batchSize: Int = 4096, flushSeconds: Double = 0.25,
                autoResumePauses: Bool = false, unixTimeFromWallClock: Bool = false) {
        self.bench = bench
        self.batchSize = batchSize
        self.flushSeconds = flushSeconds
        self.autoResumePauses = autoResumePauses
        self.unixTimeFromWallClock = unixTimeFromWallClock
    }
}

public struct RunOutcome: Sendable, Hashable {
    public var status: RunStatus
    public var reason: String
    public var testTime: Double
    public var samplesStored: Int64
    public var cycle: Int

    public init(status: RunStatus, reason: String, testTime: Double, samplesStored: Int64, cycle: Int) {
        self.status = status
        self.reason = reason
        self.testTime = testTime
        self.samplesStored = samplesStored
        self.cycle = cycle
    }
}

/// What the engine tells observers (progress lines, the live socket). Samples are reported only
/// after they are committed, so nothing is shown that could still be lost.
public enum EngineEvent: Sendable {
    case runStarted(RunInfo)
    case stepStarted(StepRecord, summary: String)
    case stepEnded(StepRecord)
    case committed([Sample])
    case cycleEnded(CycleTotals)
    case spectrum(ImpedanceSpectrum)
    case paused(String)
    case resumed
    case event(RunEvent)
    case finished(RunOutcome)
}

/// A setpoint the protocol asked for that the channel or the limits do not allow.
public struct LimitViolation: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Thrown inside the engine when the daemon interrupts a run (SIGTERM, shutdown): the batch in
/// progress is committed with a mid-step checkpoint and the output is off, but the run is not
/// finished, so a restarted daemon resumes it by its recovery policy.
struct EngineInterrupted: Error {
    let reason: String
}
