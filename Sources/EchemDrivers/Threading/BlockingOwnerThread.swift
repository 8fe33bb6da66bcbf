import Dispatch
import Foundation
import Synchronization

/// A dedicated thread that owns a non-thread-safe resource (an open serial port, a libmodbus
/// context) and runs jobs on it one at a time, in submission order. Jobs may block (libmodbus and
/// termios reads do); callers `await` a continuation the job resumes, so Swift's cooperative
/// threads never wait on a device.
final class BlockingOwnerThread<Resource>: Sendable {
    struct Job: Sendable {
        var run: @Sendable (Resource) -> Void
        /// Called instead of `run` when the thread stops before reaching the job.
        var cancel: @Sendable () -> Void
    }

    private struct State {
        var jobs: [Job] = []
        var stopping = false
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// A class so the thread's closure can hold it (a `Mutex` cannot be copied into a capture).
    private final class Shared: Sendable {
        let state = Mutex(State())
        let wake = DispatchSemaphore(value: 0)
    }

    private let shared = Shared()

    /// Starts the thread. `make` creates the resource on it; `finish` runs on it after the last
    /// job, to release the resource.
    init(name: String, make: @escaping @Sendable () -> Resource, finish: @escaping @Sendable (Resource) -> Void) {
        let shared = shared
        let thread = Thread {
            let resource = make()
            while true {
                shared.wake.wait()
                let next: Job? = shared.state.withLock { s in s.jobs.isEmpty ? nil : s.jobs.removeFirst() }
                if let next {
                    next.run(resource)
                } else if shared.state.withLock({ $0.stopping }) {
                    break
                }
            }
            finish(resource)
            let waiters = shared.state.withLock { s in
                s.finished = true
                defer { s.finishWaiters = [] }
                return s.finishWaiters
            }
            for w in waiters { w.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Queues a job; once stopping, cancels it at once instead.
    func submit(_ job: Job) {
        let accepted = shared.state.withLock { s -> Bool in
            guard !s.stopping else { return false }
            s.jobs.append(job)
            return true
        }
        if accepted { shared.wake.signal() } else { job.cancel() }
    }

    /// Runs `body` on the owner thread and returns its result; `cancelled` if the thread stops first.
    func perform<T: Sendable, E: Error>(cancelled: E, _ body: @escaping @Sendable (Resource) throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            submit(Job(run: { resource in
                continuation.resume(returning: Result { () throws(E) -> T in try body(resource) })
            }, cancel: { continuation.resume(returning: .failure(cancelled)) }))
        }
        return try result.get()
    }

    /// Cancels queued jobs, lets a running one finish, then ends the thread. Idempotent, never blocks.
    func stop() {
        let pending: [Job]? = shared.state.withLock { s in
            guard !s.stopping else { return nil }
            s.stopping = true
            defer { s.jobs = [] }
            return s.jobs
        }
        guard let pending else { return }
        for job in pending { job.cancel() }
        shared.wake.signal()
    }

    /// Returns once the thread has released the resource and ended (after `stop()`).
    func finished() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = shared.state.withLock { s -> Bool in
                if s.finished { return true }
                s.finishWaiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }
}
