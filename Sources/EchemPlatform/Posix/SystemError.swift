#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, and the `errno` it left.
///
/// Kept as data (not a formatted string) so callers can branch on `errno` (e.g. `EADDRINUSE`)
/// and still print a message an operator understands (`bind(/run/echemd/echemd.sock): Permission denied`).
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system call (and usually its argument) that failed.
    public var operation: String
    /// The `errno` value right after the failure.
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// Captures the current thread's `errno`; call immediately after the failing call.
    static func last(_ operation: String) -> SystemError {
        SystemError(operation, errno: Glibc.errno)
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(errno)))"
    }
}

/// Repeats a system call while it fails with `EINTR`.
///
/// Signals (SIGCHLD from a helper process, SIGWINCH under a terminal, the watchdog's own SIGABRT
/// never returns) can interrupt blocking calls; retrying is the POSIX-prescribed answer, and doing
/// it in one place keeps every call site honest.
@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let r = call()
        if r == -1 && errno == EINTR { continue }
        return r
    }
}
