import Foundation
import Synchronization

/// Proof that every running engine is making progress, for the systemd watchdog. Each engine
/// beats when it commits a batch; a paused run is allowed to be quiet. The daemon pings the
/// watchdog only while `stalled` is empty, so a wedged engine (a hung driver call) lets systemd
/// restart the service, and recovery resumes the run.
public final class Liveness: Sendable {
    struct Entry {
        var lastBeat: ContinuousClock.Instant
        var budget: Duration
        var paused: Bool
    }

    private let entries = Mutex<[UUID: Entry]>([:])

    public init() {}

    func register(_ job: UUID, budget: Duration) {
        entries.withLock { $0[job] = Entry(lastBeat: .now, budget: budget, paused: false) }
    }

    func beat(_ job: UUID) {
        entries.withLock { $0[job]?.lastBeat = .now }
    }

    func setPaused(_ job: UUID, _ paused: Bool) {
        entries.withLock {
            $0[job]?.paused = paused
            $0[job]?.lastBeat = .now
        }
    }

    func remove(_ job: UUID) {
        entries.withLock { _ = $0.removeValue(forKey: job) }
    }

    /// Jobs whose engine has been silent for longer than its budget.
    public func stalled(now: ContinuousClock.Instant = .now) -> [UUID] {
        entries.withLock { e in
            e.compactMap { id, entry in
                (!entry.paused && now - entry.lastBeat > entry.budget) ? id : nil
            }
        }
    }
}
