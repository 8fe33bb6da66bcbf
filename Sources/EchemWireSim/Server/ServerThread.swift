import Foundation
import Synchronization

/// A transport's serving loop on its own thread: libmodbus blocks and is not thread-safe, so
/// one thread owns the context. `stop()` sets a flag the loop checks between polls (at most
/// every 20 ms) and waits for the thread to end.
final class ServerThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    func start(name: String, _ body: @escaping @Sendable () -> Void) {
        guard !stopping.load(ordering: .acquiring), !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [done] in
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Returns once the loop has ended (at once if it never started). True for the first call
    /// only, so the caller releases its resources exactly once.
    @discardableResult
    func stop() -> Bool {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        if started.exchange(true, ordering: .acquiringAndReleasing) { done.wait() }
        return true
    }
}
