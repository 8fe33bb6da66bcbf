import Synchronization

/// Counters of one bus since it was opened, for events, health reports and the benchmark.
public struct ModbusBusStatistics: Sendable, Hashable {
    /// Transactions that reached the owner thread (each may take several attempts).
    public var transactions = 0
    public var succeeded = 0
    public var failed = 0
    /// Requests put on the wire (first tries plus retries).
    public var attempts = 0
    /// Attempts repeated by the recovery policy.
    public var retries = 0
    /// Attempts that ended in a response timeout.
    public var timeouts = 0
    /// Attempts whose reply failed a check (bad CRC, wrong transaction id or unit, bad length).
    public var corruptReplies = 0
    /// Modbus exceptions received (never retried).
    public var exceptions = 0
    /// Successful connections after the first one.
    public var reconnects = 0
    /// Requests refused before reaching the wire (a read to unit 0, a bad count or address).
    public var refused = 0

    public init() {}
}

/// The live counters, written by the owner thread and read by anyone.
final class ModbusCounters: Sendable {
    private let state = Mutex(ModbusBusStatistics())

    func update(_ change: (inout ModbusBusStatistics) -> Void) {
        state.withLock { change(&$0) }
    }

    var snapshot: ModbusBusStatistics { state.withLock { $0 } }
}

/// Something the recovery policy did, reported as it happens so the daemon can record each gap.
public enum ModbusBusEvent: Sendable, Hashable, CustomStringConvertible {
    /// Attempt `attempt` failed for `reason`; the next try follows after `backoff`.
    case retrying(ModbusRequestSummary, attempt: Int, reason: String, backoff: Duration)
    /// The connection was re-established after being lost.
    case reconnected(endpoint: String)
    /// The transaction failed for good.
    case gaveUp(ModbusError)

    public var description: String {
        switch self {
        case .retrying(let r, let n, let why, let wait): "\(r): attempt \(n) failed (\(why)); retrying in \(wait)"
        case .reconnected(let endpoint): "\(endpoint): reconnected"
        case .gaveUp(let e): "gave up: \(e)"
        }
    }
}
