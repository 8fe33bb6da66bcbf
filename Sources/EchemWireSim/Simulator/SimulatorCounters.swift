import Synchronization

/// What the simulator has seen and done since it started: the figures a test compares with the
/// client's own statistics (`ModbusBusStatistics`), fault by fault.
public struct SimulatorCounters: Sendable, Hashable, CustomStringConvertible {
    /// Well-formed requests addressed to a simulated unit (broadcasts included).
    public var requests = 0
    /// Replies put on the wire, exceptions and damaged replies included.
    public var replies = 0
    /// Exception replies (a refused write, an address outside the map, an unknown unit on TCP).
    public var exceptions = 0
    /// Replies withheld by the `drop` fault.
    public var dropped = 0
    /// Replies damaged by the `corrupt` fault (bad CRC on RTU, wrong transaction id on TCP).
    public var corrupted = 0
    /// Replies held back by the `delay` fault.
    public var delayed = 0
    /// TCP connections closed by the `disconnect` fault.
    public var disconnects = 0
    /// RTU frames ignored: bad CRC, unknown function, or cut short by a silent gap.
    public var badFrames = 0
    /// RTU frames for units not simulated here (ignored, as a slave ignores other addresses).
    public var otherUnits = 0
    /// TCP connections accepted.
    public var connections = 0

    public init() {}

    /// Faults injected, all kinds.
    public var faults: Int { dropped + corrupted + delayed + disconnects }

    public var description: String {
        "requests \(requests), replies \(replies), exceptions \(exceptions), dropped \(dropped), corrupted \(corrupted), "
            + "delayed \(delayed), disconnects \(disconnects), bad frames \(badFrames), connections \(connections)"
    }
}

/// The live counters: written by the server thread, read by anyone.
final class CounterBox: Sendable {
    private let state = Mutex(SimulatorCounters())

    func update(_ change: (inout SimulatorCounters) -> Void) {
        state.withLock { change(&$0) }
    }

    var snapshot: SimulatorCounters { state.withLock { $0 } }
}
