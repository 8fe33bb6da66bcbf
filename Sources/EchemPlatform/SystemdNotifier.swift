#if canImport(Glibc)
import Glibc
#endif

/// Talks to systemd's notification socket (`sd_notify(3)`) without linking libsystemd.
///
/// The protocol is stable and documented as the API (systemd's `notify-selfcontained-example.c`):
/// read `$NOTIFY_SOCKET` (`/path` or `@abstract`), send one `SOCK_DGRAM` datagram of
/// newline-separated `KEY=VALUE` lines. Not linking libsystemd keeps the daemon's dependency
/// surface small (the xz/liblzma backdoor reached sshd through libsystemd).
///
/// Cheap to call often: the datagram socket is opened once and kept, each message is one
/// `sendto`, and nothing is rate-limited. The daemon pings `watchdog()` from its engine loop,
/// never from a timer of its own, so a stuck loop really does stop the pings and systemd restarts
/// the service.
///
/// Blocking: a datagram socket's receive queue holds only `net.unix.max_dgram_qlen` messages
/// (10 by kernel default, 512 with systemd's sysctl defaults), shared by every service notifying
/// PID 1. When it is full, `sendto` waits. `watchdog()` never waits (`MSG_DONTWAIT`): the engine
/// loop must not stall on PID 1, and a lost ping is harmless when pinging at half the timeout.
/// The other messages are rare and matter (a lost `READY=1` fails the start), so they wait up to
/// `sendTimeout` (`SO_SNDTIMEO`) for room.
///
/// When `NOTIFY_SOCKET` is unset (run by hand, in tests, under another supervisor) every call is a
/// no-op returning `.disabled`.
public final class SystemdNotifier: Sendable {
    /// What happened to one message. Callers usually ignore it; it exists for a debug log line.
    public enum Result: Sendable, Equatable {
        /// The datagram was handed to the kernel.
        case sent
        /// `NOTIFY_SOCKET` is unset (or was unusable at init): nothing to do.
        case disabled
        /// `sendto` failed with this `errno` (e.g. `EAGAIN` if systemd's queue is full,
        /// `ECONNREFUSED` if the manager went away). The message is lost; a later one may succeed.
        case failed(errno: Int32)
    }

    private let fd: Int32
    private let address: UnixSocketAddress?

    /// The longest a message other than `watchdog()` waits for room in systemd's queue.
    public let sendTimeout: Duration

    /// The watchdog timeout systemd expects pings within (`WATCHDOG_USEC`), or nil when the
    /// watchdog is off or is meant for another process (`WATCHDOG_PID` ≠ our pid). Ping at half
    /// of it, as `sd_watchdog_enabled(3)` recommends, so one late tick is not fatal.
    public let watchdogInterval: Duration?

    /// Half of `watchdogInterval`: the longest gap the caller should leave between pings.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// True when messages go somewhere.
    public var isEnabled: Bool { address != nil }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the process environment.
    ///
    /// The variables are left in place (unlike `sd_notify(unset_environment=1)`), because with
    /// `NotifyAccess=main` systemd ignores messages from child processes anyway, and a later
    /// `SystemdNotifier()` in the same process should see the same configuration.
    public convenience init() {
        self.init(notifySocket: Self.env("NOTIFY_SOCKET"),
                  watchdogUSec: Self.env("WATCHDOG_USEC"),
                  watchdogPID: Self.env("WATCHDOG_PID"))
    }

    /// Explicit configuration, for callers that read the environment themselves.
    /// A `notifySocket` that is neither absolute nor `@abstract`, or too long, disables the
    /// notifier (systemd would never hand out such a value; `sd_notify` returns `-EAFNOSUPPORT`).
    public init(notifySocket: String?, watchdogUSec: String? = nil, watchdogPID: String? = nil,
                sendTimeout: Duration = .seconds(1)) {
        watchdogInterval = Self.parseWatchdog(usec: watchdogUSec, pid: watchdogPID, ourPID: getpid())
        self.sendTimeout = sendTimeout
        if let notifySocket, let address = try? UnixSocketAddress(notifySocket, allowRelative: false) {
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd >= 0 {
                let (s, atto) = sendTimeout.components
                var tv = timeval(tv_sec: Int(s), tv_usec: Int(atto / 1_000_000_000_000))
                _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            }
            self.fd = fd
            self.address = fd >= 0 ? address : nil
        } else {
            fd = -1
            address = nil
        }
    }

    deinit {
        if fd >= 0 { FileDescriptor.close(fd) }
    }

    // MARK: Messages

    /// `READY=1`: startup is complete (config loaded, store open, devices inventoried). With
    /// `Type=notify`, systemd holds back units ordered after us until this arrives.
    @discardableResult
    public func ready(status: String? = nil) -> Result {
        send(fields: [("READY", "1")] + (status.map { [("STATUS", $0)] } ?? []))
    }

    /// `STATUS=…`: free text shown by `systemctl status echemd`.
    @discardableResult
    public func status(_ text: String) -> Result {
        send(fields: [("STATUS", text)])
    }

    /// `WATCHDOG=1`: proof of liveness. Call from the loop whose liveness matters.
    /// Never blocks; if systemd's queue is full the ping is dropped (`.failed(errno: EAGAIN)`).
    @discardableResult
    public func watchdog() -> Result {
        send(datagram: Array("WATCHDOG=1".utf8), wait: false)
    }

    /// `STOPPING=1`: shutdown has begun, so `systemctl status` shows "deactivating" and
    /// systemd does not treat the exit as a crash in progress.
    @discardableResult
    public func stopping(status: String? = nil) -> Result {
        send(fields: [("STOPPING", "1")] + (status.map { [("STATUS", $0)] } ?? []))
    }

    /// `EXTEND_TIMEOUT_USEC=…`: asks for more time in the current start/stop phase (e.g. while a
    /// channel finishes a safe ramp-down). systemd extends the deadline to now + this value, so
    /// send it again before it runs out.
    @discardableResult
    public func extendTimeout(seconds: Double) -> Result {
        let usec = UInt64(max(0, (seconds * 1_000_000).rounded(.up)))
        return send(fields: [("EXTEND_TIMEOUT_USEC", String(usec))])
    }

    /// Sends `KEY=VALUE` lines as one datagram, waiting up to `sendTimeout` for room.
    /// Newlines inside a value are replaced by spaces, because a newline would start a new
    /// assignment (a status text must not be able to say `READY=1`).
    @discardableResult
    public func send(fields: [(String, String)]) -> Result {
        let text = fields.map { key, value in
            key + "=" + String(value.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        }.joined(separator: "\n")
        return send(datagram: Array(text.utf8), wait: true)
    }

    /// Sends raw bytes as one datagram; with `wait: false` it fails with `EAGAIN` instead of
    /// waiting for room. `MSG_NOSIGNAL` so a vanished socket cannot raise SIGPIPE.
    @discardableResult
    public func send(datagram: [UInt8], wait: Bool) -> Result {
        guard let address else { return .disabled }
        let flags = Int32(MSG_NOSIGNAL) | (wait ? 0 : Int32(MSG_DONTWAIT))
        let rc = datagram.withUnsafeBytes { bytes in
            address.withSockAddr { sa, len in
                retryingEINTR { sendto(fd, bytes.baseAddress, bytes.count, flags, sa, len) }
            }
        }
        return rc < 0 ? .failed(errno: errno) : .sent
    }

    // MARK: Environment

    /// `WATCHDOG_USEC` must be a positive integer; `WATCHDOG_PID`, when present, must name us
    /// (a child that inherited the variables must not think the watchdog is its business).
    static func parseWatchdog(usec: String?, pid: String?, ourPID: pid_t) -> Duration? {
        guard let usec, let value = UInt64(usec), value > 0, value < UInt64(Int64.max) else { return nil }
        if let pid {
            guard let parsed = pid_t(pid), parsed == ourPID else { return nil }
        }
        return .microseconds(Int64(value))
    }

    private static func env(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
