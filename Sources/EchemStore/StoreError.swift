import Foundation

/// Store failures that are about the data, not SQLite (those surface as GRDB's `DatabaseError`).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownRun(String)
    /// A CLI prefix that matches no run, or more than one (the candidates, in full).
    case noRunMatches(prefix: String)
    case noJobMatches(prefix: String)
    case ambiguousPrefix(prefix: String, candidates: [String])
    case invalidPrefix(String)
    /// A batch whose samples would leave a gap or overlap in the run's sequence numbers.
    case sequenceGap(runID: UUID, expected: Int64, got: Int64)
    /// A checkpoint that would point past the samples stored with it.
    case checkpointAhead(runID: UUID, nextSeq: Int64, stored: Int64)
    case corruptRow(table: String, detail: String)

    public var description: String {
        switch self {
        case .unknownRun(let id):
            return "no run \(id) in this store"
        case .noRunMatches(let p):
            return "no run id starts with '\(p)'"
        case .noJobMatches(let p):
            return "no job id starts with '\(p)'"
        case .ambiguousPrefix(let p, let c):
            return "id prefix '\(p)' is ambiguous: matches \(c.joined(separator: ", ")); type more characters"
        case .invalidPrefix(let p):
            return "'\(p)' is not a run id prefix (expected hex digits and dashes, e.g. 3f2a9c)"
        case .sequenceGap(let id, let expected, let got):
            return "run \(id): sample seq \(got) would leave a gap or overlap; expected \(expected) (resume at lastSeq + 1)"
        case .checkpointAhead(let id, let next, let stored):
            return "run \(id): checkpoint nextSeq \(next) points past the \(stored) samples stored"
        case .corruptRow(let table, let detail):
            return "unreadable row in \(table): \(detail)"
        }
    }
}
