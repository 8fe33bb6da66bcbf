#if canImport(Glibc)
import Glibc
#endif

/// An `eventfd` that lets any thread wake a thread sleeping in `poll()`.
///
/// eventfd rather than a self-pipe: one descriptor instead of two, and its counter cannot fill up
/// the way a pipe buffer can, so `signal()` never blocks and never needs a retry loop.
final class Wakeup: Sendable {
    let fd: Int32

    init() throws(SystemError) {
        let fd = LinuxCalls.eventfdNonBlocking()
        guard fd >= 0 else { throw .last("eventfd") }
        self.fd = fd
    }

    /// Makes `fd` readable. Non-blocking; the only possible failure (counter at 2^64-2) means
    /// the fd is already readable, which is all we want.
    func signal() {
        var one: UInt64 = 1
        _ = retryingEINTR { write(fd, &one, 8) }
    }

    /// Resets the counter after `poll()` reported it readable.
    func drain() {
        var value: UInt64 = 0
        _ = retryingEINTR { read(fd, &value, 8) }
    }

    deinit { FileDescriptor.close(fd) }
}
