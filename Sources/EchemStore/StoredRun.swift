import EchemCore
import Foundation

/// A run as read back: what was begun, plus how (and whether) it ended.
public struct StoredRun: Sendable, Hashable {
    public var info: RunInfo
    public var status: RunStatus
    public var reason: String?
    /// Test time at which the run ended (nil while running).
    public var endedTestTime: Double?
    public var finishedUnix: Double?
}

/// One line of a run listing: enough to pick a run without decoding its program.
public struct RunSummaryRow: Sendable, Hashable {
    public var id: UUID
    public var bench: String
    public var channel: String
    public var protocolName: String
    public var cellName: String?
    public var startedUnix: Double
    public var status: RunStatus
    public var reason: String?
    public var endedTestTime: Double?
    public var finishedUnix: Double?
    /// Samples stored (= last seq + 1, since seq starts at 0 with no gaps).
    public var sampleCount: Int64
}
