/// How one bus is driven: its endpoint, timeouts, our recovery policy and device quirks.
public struct ModbusBusConfiguration: Sendable, Hashable {
    public var endpoint: ModbusEndpoint
    /// Time allowed for the first byte of a reply (for the whole reply when `byteTimeout` is nil).
    public var responseTimeout: Duration
    /// Time allowed between two bytes of one reply; nil disables it, so the whole reply must
    /// arrive within `responseTimeout` (libmodbus semantics, see `modbus_set_byte_timeout`).
    public var byteTimeout: Duration?
    public var retry: ModbusRetryPolicy
    /// Quiet time kept between the end of one transaction and the next request. Some devices
    /// need more than the 3.5 character times RTU requires before they listen again.
    public var interFrameDelay: Duration
    /// The device on this bus answers requests sent to unit 0. Modbus reserves unit 0 for
    /// broadcast (no reply), so reads to it are refused unless this is set; EA power supplies on
    /// USB are addressed as unit 0 and do reply (research §3.1, "the unit-0 quirk").
    public var unitZeroReplies: Bool

    public init(endpoint: ModbusEndpoint,
                responseTimeout: Duration = .milliseconds(500),
                byteTimeout: Duration? = nil,
                retry: ModbusRetryPolicy = ModbusRetryPolicy(),
                interFrameDelay: Duration = .zero,
                unitZeroReplies: Bool = false) {
        self.endpoint = endpoint
        self.responseTimeout = responseTimeout
        self.byteTimeout = byteTimeout
        self.retry = retry
        self.interFrameDelay = interFrameDelay
        self.unitZeroReplies = unitZeroReplies
    }
}

/// Our recovery policy, used instead of libmodbus's `MODBUS_ERROR_RECOVERY_LINK`, which may block
/// for seconds inside one call while the daemon's watchdog must keep running.
///
/// A transaction is tried once and then retried up to `retries` times after a timeout, a corrupt
/// reply or a lost connection, waiting `initialBackoff × multiplier^(n-1)` (at most `maxBackoff`)
/// before retry n. A Modbus exception is the device's answer and is never retried.
public struct ModbusRetryPolicy: Sendable, Hashable {
    public var retries: Int
    public var initialBackoff: Duration
    public var multiplier: Double
    public var maxBackoff: Duration

    public init(retries: Int = 3, initialBackoff: Duration = .milliseconds(20), multiplier: Double = 2,
                maxBackoff: Duration = .seconds(1)) {
        self.retries = max(0, retries)
        self.initialBackoff = initialBackoff
        self.multiplier = max(1, multiplier)
        self.maxBackoff = maxBackoff
    }

    /// No retries: every failure is reported at once.
    public static let none = ModbusRetryPolicy(retries: 0)

    /// The wait before retry `n` (1-based).
    public func backoff(beforeRetry n: Int) -> Duration {
        guard n > 1 else { return min(initialBackoff, maxBackoff) }
        var d = initialBackoff
        for _ in 1..<n {
            d = d * multiplier
            if d >= maxBackoff { return maxBackoff }
        }
        return d
    }
}

extension Duration {
    /// Seconds and microseconds, the form libmodbus takes its timeouts in.
    var secondsAndMicroseconds: (UInt32, UInt32) {
        let (s, atto) = components
        guard s >= 0 else { return (0, 0) }
        return (UInt32(clamping: s), UInt32(clamping: atto / 1_000_000_000_000))
    }

    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
