import EchemCore
import Foundation

/// What the daemon needs from a driver to run jobs on one configured channel. A driver owns its
/// device connection across jobs; each run gets a `Channel` from `attach`.
public protocol BenchDriver: Sendable {
    /// The instrument's own abilities and ranges (before the channel's hard limits).
    var capabilities: ChannelCapabilities { get }
    /// The channel a run drives. `restoring` is what `snapshot` saved at the last commit of an
    /// interrupted run (simulators keep the cell's state there; hardware returns nil).
    func attach(cell: CellMetadata?, restoring: Data?) throws -> any Channel
    /// State worth saving with each committed batch to resume on the same cell after a crash.
    func snapshot(_ channel: any Channel) -> Data?
    /// Puts the output in its safe state (off, open circuit) without a run: at start and at exit.
    func safeState() async
    /// A line for `channels` listings: what the channel is.
    var describe: String { get }
    /// Why this driver cannot run a job on this cell (checked at submit), or nil.
    func problem(with cell: CellMetadata?) -> String?
    /// Located reasons why the instrument cannot run a program that fits its capabilities (the
    /// limits of a vendor's step-file format), checked at submit; empty when it can.
    func refusals(_ program: StepProgram) -> [String]
    /// The instrument runs whole protocols itself (supervisor mode), so it cannot hand the cell
    /// to a potentiostat in the middle of one.
    var runsWholeProtocols: Bool { get }
}

extension BenchDriver {
    public func refusals(_ program: StepProgram) -> [String] { [] }
    public var runsWholeProtocols: Bool { false }
}
