/// Where and how a job runs, from the protocol file's `job:` header (or the submit request).
///
/// A protocol file is reviewed like code and may be run on many benches, so the header only
/// names what the scientist cares about: a channel (or any free one that can run it), an
/// optional potentiostat channel on the same cell, and what to do after a daemon crash.
public struct JobTarget: Sendable, Hashable, Codable {
    /// A channel id from the daemon's configuration, or nil for any free capable channel.
    public var channel: String?
    /// A potentiostat channel bound to the same cell (CV and EIS steps run there).
    public var potentiostat: String?
    /// After a crash: continue from the last checkpoint, or mark the run failed. nil: the daemon's default.
    public var recovery: RecoveryPolicy?
    /// Higher runs first among queued jobs that could take the same channel; ties go first come, first served.
    public var priority: Int

    public init(channel: String? = nil, potentiostat: String? = nil, recovery: RecoveryPolicy? = nil, priority: Int = 0) {
        self.channel = channel
        self.potentiostat = potentiostat
        self.recovery = recovery
        self.priority = priority
    }
}

/// What the daemon does with a run it finds interrupted when it starts (after SIGKILL or a power cut).
public enum RecoveryPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Continue the run from its last committed checkpoint (mid-step, with its accumulators).
    case resume
    /// Mark the run failed with the reason; the cell stays at open circuit.
    case stop
}
