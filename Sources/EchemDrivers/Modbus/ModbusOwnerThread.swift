import Dispatch
import Foundation
import Synchronization

/// The one thread that owns a bus's libmodbus context. Jobs run on it in submission order, one
/// at a time; a job may block (that is what libmodbus does) without holding up Swift's
/// cooperative thread pool, which only awaits a continuation the job resumes.
final class ModbusOwnerThread: Sendable {
    /// A transaction to run with the connection, or to fail if the bus closes first.
    struct Job: Sendable {
        var run: @Sendable (ModbusConnection) -> Void
        var cancel: @Sendable () -> Void
    }

    private final class Queue: Sendable {
        struct State {
            var jobs: [Job] = []
            var head = 0
            var stopping = false
            var finished = false
            var finishWaiters: [CheckedContinuation<Void, Never>] = []
        }

        let state = Mutex(State())
        let wake = DispatchSemaphore(value: 0)
    }

    private let queue = Queue()

    init(configuration: ModbusBusConfiguration, name: String) {
        let queue = self.queue
        let thread = Thread {
            // Created here and never leaves this thread.
            let connection = ModbusConnection(configuration)
            while true {
                queue.wake.wait()
                let next: Job? = queue.state.withLock { s in
                    guard s.head < s.jobs.count else { return nil }
                    let job = s.jobs[s.head]
                    s.head += 1
                    if s.head > 64 && s.head * 2 > s.jobs.count {
                        s.jobs.removeFirst(s.head)
                        s.head = 0
                    }
                    return job
                }
                if let job = next {
                    job.run(connection)
                    continue
                }
                if queue.state.withLock({ $0.stopping }) { break }
            }
            connection.disconnect()
            let waiters = queue.state.withLock { s in
                s.finished = true
                defer { s.finishWaiters = [] }
                return s.finishWaiters
            }
            for w in waiters { w.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Queues a job; once the bus is stopping the job is cancelled at once instead.
    func submit(_ job: Job) {
        let accepted = queue.state.withLock { s -> Bool in
            guard !s.stopping else { return false }
            s.jobs.append(job)
            return true
        }
        if accepted { queue.wake.signal() } else { job.cancel() }
    }

    /// Cancels queued jobs, lets a running one finish, then closes the connection and ends the
    /// thread. Idempotent, and never blocks.
    func stop() {
        let pending: [Job]? = queue.state.withLock { s in
            guard !s.stopping else { return nil }
            s.stopping = true
            let rest = Array(s.jobs[s.head...])
            s.jobs = []
            s.head = 0
            return rest
        }
        guard let pending else { return }
        for job in pending { job.cancel() }
        queue.wake.signal()
    }

    /// Returns once the thread has closed the connection and ended (after `stop()`).
    func finished() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = queue.state.withLock { s -> Bool in
                if s.finished { return true }
                s.finishWaiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }
}
