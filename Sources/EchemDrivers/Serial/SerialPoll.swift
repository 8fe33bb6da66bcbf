#if canImport(Glibc)
import Glibc
#endif

/// Waiting on one descriptor with `poll()` until a deadline: how the port's reads and writes
/// time out without VTIME (whose 0.1 s granularity and 25.5 s ceiling are too coarse).
enum SerialPoll {
    enum Outcome {
        case ready
        case timedOut
        /// POLLHUP/POLLERR without data: the device is gone.
        case hangUp
        /// POLLNVAL: the descriptor was closed under us.
        case invalid
        case failed(Int32)
    }

    static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Outcome {
        while true {
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, milliseconds(until: deadline))
            if rc < 0 {
                if errno == EINTR { continue }
                return .failed(errno)
            }
            if rc == 0 { return .timedOut }
            if p.revents & Int16(POLLNVAL) != 0 { return .invalid }
            if p.revents & events != 0 { return .ready }
            if p.revents & Int16(POLLHUP | POLLERR) != 0 { return .hangUp }
        }
    }

    /// Rounded up, so a deadline 0.3 ms away is not a busy loop of zero-timeout polls.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining <= .zero { return 0 }
        let (s, atto) = remaining.components
        return Int32(clamping: s * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
