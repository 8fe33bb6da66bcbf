import EchemCore
import Foundation

/// A job's place in the queue's life. Every transition carries a reason and a timestamp.
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case queued, running, paused, done, failed, cancelled

    /// Done, failed and cancelled jobs never change again.
    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// One queued (or finished) job: the protocol as submitted, its cell and its target.
public struct JobRecord: Sendable, Hashable, Codable {
    public var id: UUID
    /// Submission order; lower runs first among equal priorities.
    public var seq: Int64
    public var state: JobState
    public var reason: String
    /// A short name for lists: the dropped file's name or the protocol's.
    public var name: String
    /// Where it came from: the archived path in `accepted/`, or `socket`.
    public var source: String
    public var protocolName: String
    public var protocolText: String
    /// The name diagnostics use when the protocol is compiled again at start.
    public var filename: String
    public var cell: CellMetadata?
    public var target: JobTarget
    public var submittedBy: UInt32?
    public var submittedUnix: Double
    public var startedUnix: Double?
    public var endedUnix: Double?
    public var updatedUnix: Double
    public var channel: String?
    public var potentiostat: String?
    public var runID: UUID?

    public init(id: UUID = UUID(), name: String, source: String, protocolName: String, protocolText: String,
                filename: String, cell: CellMetadata?, target: JobTarget, submittedBy: UInt32? = nil,
                submittedUnix: Double = Date().timeIntervalSince1970) {
        self.id = id
        self.seq = 0
        self.state = .queued
        self.reason = "waiting for a free channel"
        self.name = name
        self.source = source
        self.protocolName = protocolName
        self.protocolText = protocolText
        self.filename = filename
        self.cell = cell
        self.target = target
        self.submittedBy = submittedBy
        self.submittedUnix = submittedUnix
        self.updatedUnix = submittedUnix
    }
}
