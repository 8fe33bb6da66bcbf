import Foundation
import Synchronization

/// How a hardware channel paces its readings and stamps their time.
public enum SamplePacing: String, Sendable, Hashable, CaseIterable, Codable {
    /// One reading per sample period of wall time; the time is wall time since the clock began.
    case realTime = "real-time"
    /// No waiting: reading k is stamped k × sample period. Only for a lockstep simulator
    /// (`echem-sim --speed max`), whose cell advances one period per poll, so a whole protocol
    /// runs as fast as the bus answers and the result is reproducible.
    case lockstep
}

/// A channel's clock, owned by the driver rather than by one device connection: after a device is
/// lost and reconnected, readings carry on from where they were, so the run's time never steps back.
public final class SampleClock: Sendable {
    public let pacing: SamplePacing
    public let period: Double
    private struct State {
        var epoch = ContinuousClock.now
        var nextSampleAt: ContinuousClock.Instant
        var ticks: Int64 = 0
    }
    private let state: Mutex<State>

    public init(pacing: SamplePacing, period: Double) {
        self.pacing = pacing
        self.period = period
        let now = ContinuousClock.now
        state = Mutex(State(epoch: now, nextSampleAt: now))
    }

    /// Waits until the next reading is due and returns its channel time (s). Real time never
    /// drifts (due times are k × period from the start) and never bursts to catch up after a stall.
    public func nextSample() async throws -> Double {
        switch pacing {
        case .lockstep:
            return state.withLock { s in
                s.ticks += 1
                return Double(s.ticks) * period
            }
        case .realTime:
            let due = state.withLock { s in
                s.nextSampleAt = max(s.nextSampleAt + .seconds(period), ContinuousClock.now - .seconds(period))
                return s.nextSampleAt
            }
            try await Task.sleep(until: due, clock: .continuous)
            return now
        }
    }

    /// Channel time now: wall time since the start (real time), or the last reading's time (lockstep).
    public var now: Double {
        state.withLock { s in
            switch pacing {
            case .lockstep: return Double(s.ticks) * period
            case .realTime:
                return (ContinuousClock.now - s.epoch).inSeconds
            }
        }
    }
}
