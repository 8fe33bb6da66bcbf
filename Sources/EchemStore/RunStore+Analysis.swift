import Foundation
import GRDB

/// One analysis document stored with a run (table `analysis`): its kind (`cv`, `eis`, …), the
/// JSON the analysis module wrote, and when it was computed. The store never looks inside the JSON,
/// so it does not depend on the analysis module (dependencies point one way).
public struct StoredAnalysis: Sendable, Hashable {
    public var kind: String
    public var json: String
    /// Seconds since 1970 (UTC) when the document was computed.
    public var computedUnix: Double

    public var computed: Date { Date(timeIntervalSince1970: computedUnix) }

    public init(kind: String, json: String, computedUnix: Double) {
        self.kind = kind
        self.json = json
        self.computedUnix = computedUnix
    }
}

/// An analysis document the store refuses: what was wrong and what would be valid.
public struct InvalidAnalysis: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

extension RunStore {
    /// Stores the analysis of `kind` for a run, replacing one of the same kind.
    public func saveAnalysis(runID: UUID, kind: String, json: String,
                             computedUnix: Double = Date().timeIntervalSince1970) throws {
        try Self.checkAnalysis(kind: kind, json: json)
        try pool.write { db in
            let run = try RunKey.rowID(db, runID)
            try Self.insertAnalysis(db, run: run, kind: kind, json: json, computedUnix: computedUnix)
        }
    }

    /// Replaces all of a run's analyses with `documents`, in one transaction: a kind that is not in
    /// the new set is removed, so a recomputation never leaves a stale document (an old `error`)
    /// beside the fresh ones, and a reader sees either the old set or the new one.
    public func replaceAnalyses(runID: UUID, documents: [(kind: String, json: String)],
                                computedUnix: Double = Date().timeIntervalSince1970) throws {
        for d in documents { try Self.checkAnalysis(kind: d.kind, json: d.json) }
        var seen = Set<String>()
        for d in documents where !seen.insert(d.kind).inserted {
            throw InvalidAnalysis(description: "analysis kind '\(d.kind)' appears twice: one document per kind")
        }
        try pool.write { db in
            let run = try RunKey.rowID(db, runID)
            try db.execute(sql: "DELETE FROM analysis WHERE run_id = ?", arguments: [run])
            for d in documents {
                try Self.insertAnalysis(db, run: run, kind: d.kind, json: d.json, computedUnix: computedUnix)
            }
        }
    }

    /// The run's stored analyses, by kind (alphabetical); empty when none has been computed.
    public func analyses(runID: UUID) throws -> [StoredAnalysis] {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            return try Row.fetchAll(db, sql: """
                SELECT kind, json, computed_unix FROM analysis WHERE run_id = ? ORDER BY kind
                """, arguments: [run]).map { StoredAnalysis(kind: $0[0], json: $0[1], computedUnix: $0[2]) }
        }
    }

    private static func insertAnalysis(_ db: Database, run: Int64, kind: String, json: String,
                                       computedUnix: Double) throws {
        try db.execute(sql: """
            INSERT INTO analysis (run_id, kind, json, computed_unix) VALUES (?, ?, ?, ?)
            ON CONFLICT(run_id, kind) DO UPDATE SET json = excluded.json, computed_unix = excluded.computed_unix
            """, arguments: [run, kind, json, computedUnix])
    }

    /// A kind is a short name; the JSON must parse, so every reader can rely on it.
    private static func checkAnalysis(kind: String, json: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")
        guard !kind.isEmpty, kind.count <= 64, kind.allSatisfy({ allowed.contains($0) }) else {
            throw InvalidAnalysis(description: "analysis kind '\(kind)': expected 1-64 characters of a-z, 0-9, '_' "
                                  + "or '-' (e.g. cv, scan_rate, eis)")
        }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        } catch {
            throw InvalidAnalysis(description: "analysis '\(kind)' is not valid JSON (\(json.prefix(40))…): "
                                  + "the column holds one JSON document per kind")
        }
    }
}
