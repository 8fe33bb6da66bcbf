#if canImport(Glibc)
import Glibc
#endif

/// A named, joinable OS thread running one closure.
///
/// The poll loops need a real thread (they sleep in `poll()`, which must never run on the Swift
/// concurrency pool), and `pthread_create` keeps the module free of Foundation. The name shows in
/// `top -H` and `/proc/<pid>/task/*/comm`, which helps when the daemon is stuck.
struct PosixThread: @unchecked Sendable {  // pthread_t is an integer handle on Linux.
    private let handle: pthread_t

    private final class Start {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts `body` on a new thread. `name` is truncated to the kernel's 15-byte limit.
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) -> PosixThread {
        let start = Unmanaged.passRetained(Start(name: name, body: body))
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { arg in
            let start = Unmanaged<Start>.fromOpaque(arg!).takeRetainedValue()
            LinuxCalls.setCurrentThreadName(start.name)
            start.body()
            return nil
        }, start.toOpaque())
        guard rc == 0 else {
            start.release()
            throw SystemError("pthread_create", errno: rc)
        }
        return PosixThread(handle: tid)
    }

    /// True when called from this thread (joining yourself would deadlock).
    var isCurrent: Bool { pthread_equal(handle, pthread_self()) != 0 }

    /// Waits for the thread to finish. Must be called exactly once, and not from the thread itself.
    func join() {
        _ = pthread_join(handle, nil)
    }

    /// Lets the thread release its resources when it ends, for when nobody can join it
    /// (it asked for its own shutdown).
    func detach() {
        _ = pthread_detach(handle)
    }
}

/// Milliseconds for `poll()`, rounded up so a deadline 0.3 ms away does not become a busy loop.
func pollTimeoutMilliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
    guard let deadline else { return -1 }
    let remaining = ContinuousClock.now.duration(to: deadline)
    if remaining <= .zero { return 0 }
    let (s, atto) = remaining.components
    let ms = s * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: ms)
}
