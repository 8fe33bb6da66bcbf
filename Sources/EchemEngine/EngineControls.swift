import Synchronization

/// Requests an operator (or the daemon) makes of a running engine. They are read by the engine
/// loop once per sample, so a request takes effect within one sample period.
public enum PauseMode: String, Sendable, Codable {
    /// Finish the step in progress by its own end conditions, then pause.
    case atStepEnd = "at_step_end"
    /// Output off now; the step continues where it was on resume.
    case now
}

/// A thread-safe mailbox between controllers and the engine loop.
final class ControlMailbox: Sendable {
    struct State {
        var stopReason: String?
        var interruptReason: String?
        var pause: PauseMode?
        var gotoLabel: String?
        var reservedPauseStepIDs: Set<Int> = []
        var resumeWaiter: CheckedContinuation<Void, Never>?
        var resumeRequested = false
        /// Between `enterPause()` and the end of `waitForResume()`.
        var pausing = false
    }

    private let state = Mutex(State())

    func requestStop(_ reason: String) { state.withLock { $0.stopReason = reason }; wakeResume() }
    func requestInterrupt(_ reason: String) { state.withLock { $0.interruptReason = reason }; wakeResume() }
    func requestPause(_ mode: PauseMode) { state.withLock { $0.pause = mode } }
    func requestGoto(_ label: String) { state.withLock { $0.gotoLabel = label } }
    func reservePause(beforeStepID id: Int) { state.withLock { _ = $0.reservedPauseStepIDs.insert(id) } }

    var stopReason: String? { state.withLock { $0.stopReason } }
    var interruptReason: String? { state.withLock { $0.interruptReason } }

    /// What the sample loop must act on, read under one lock per sample: a stop (left in place,
    /// so every level of the interpreter sees it), or else a pending immediate pause or goto (taken).
    enum Request {
        case interrupt(String)
        case stop(String)
        case pauseNow
        case goto(String)
    }

    func poll() -> Request? {
        state.withLock { s in
            if let reason = s.interruptReason { return .interrupt(reason) }
            if let reason = s.stopReason { return .stop(reason) }
            if s.pause == .now {
                s.pause = nil
                return .pauseNow
            }
            if let label = s.gotoLabel {
                s.gotoLabel = nil
                return .goto(label)
            }
            return nil
        }
    }

    func takePauseAtStepEnd() -> Bool {
        state.withLock { s in
            guard s.pause == .atStepEnd else { return false }
            s.pause = nil
            return true
        }
    }

    func takeReservedPause(stepID: Int) -> Bool {
        state.withLock { $0.reservedPauseStepIDs.remove(stepID) != nil }
    }

    /// Suspends until `resume()` or a stop request.
    func waitForResume() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = state.withLock { s in
                if s.resumeRequested || s.stopReason != nil || s.interruptReason != nil {
                    s.resumeRequested = false
                    s.pausing = false
                    return true
                }
                s.resumeWaiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    /// Wakes a pause in progress. With none in progress it cancels a requested pause that has
    /// not been reached yet, and is otherwise forgotten: a stray resume must never make a later
    /// pause (an operator step, a safety pause) end by itself.
    func resume() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if let w = s.resumeWaiter {
                s.resumeWaiter = nil
                s.pausing = false
                return w
            }
            if s.pausing {
                s.resumeRequested = true // between entering the pause and waiting: wake at once
            } else {
                s.pause = nil
            }
            return nil
        }
        waiter?.resume()
    }

    /// The engine is entering a pause (output going off); a resume from now on ends it.
    func enterPause() { state.withLock { $0.pausing = true } }
    /// A pause that ended without waiting (runs that auto-resume).
    func leavePause() { state.withLock { $0.pausing = false } }

    private func wakeResume() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.resumeWaiter = nil }
            return s.resumeWaiter
        }
        waiter?.resume()
    }
}
