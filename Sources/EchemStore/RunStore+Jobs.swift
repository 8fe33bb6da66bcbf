import EchemCore
import Foundation
import GRDB

/// The daemon's persistent queue, in the same SQLite file as the runs it produces, so a job and
/// its run's first batch can never disagree after a crash.
extension RunStore {
    /// Adds a job in state `queued`; returns it with its submission order.
    @discardableResult
    public func enqueue(_ job: JobRecord) throws -> JobRecord {
        let encoder = StoreJSON.encoder()
        let cell = try job.cell.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let target = String(decoding: try encoder.encode(job.target), as: UTF8.self)
        return try pool.write { db in
            try db.execute(sql: """
                INSERT INTO job (uuid, state, reason, name, source, protocol_name, protocol_text, filename, cell_json,
                                 target_json, submitted_by, submitted_unix, updated_unix)
                VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [RunKey.text(job.id), job.reason, job.name, job.source, job.protocolName,
                                 job.protocolText, job.filename, cell, target, job.submittedBy.map { Int64($0) },
                                 job.submittedUnix, job.updatedUnix])
            var stored = job
            stored.seq = db.lastInsertedRowID
            stored.state = .queued
            return stored
        }
    }

    /// Jobs in submission order, optionally only those in `states`.
    public func jobs(in states: Set<JobState>? = nil) throws -> [JobRecord] {
        try pool.read { db in
            var sql = "SELECT * FROM job"
            if let states {
                sql += " WHERE state IN (\(states.map { "'\($0.rawValue)'" }.joined(separator: ",")))"
            }
            sql += " ORDER BY seq"
            return try Row.fetchAll(db, sql: sql).map(Self.job)
        }
    }

    public func job(id: UUID) throws -> JobRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM job WHERE uuid = ?", arguments: [RunKey.text(id)]).map(Self.job)
        }
    }

    /// The one job whose id starts with what someone typed.
    public func job(prefix: String) throws -> JobRecord {
        let typed = prefix.trimmingCharacters(in: .whitespaces).lowercased()
        guard !typed.isEmpty, typed.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw StoreError.invalidPrefix(prefix)
        }
        let rows = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job WHERE uuid LIKE ? ORDER BY seq LIMIT 10",
                             arguments: [typed + "%"]).map(Self.job)
        }
        switch rows.count {
        case 0: throw StoreError.noJobMatches(prefix: prefix)
        case 1: return rows[0]
        default: throw StoreError.ambiguousPrefix(prefix: prefix, candidates: rows.map { RunKey.text($0.id) })
        }
    }

    /// Moves a job to `state` with its reason. A final state is never left: the update is refused
    /// (returns false) so a late cancel cannot overwrite `done`.
    @discardableResult
    public func updateJob(_ id: UUID, state: JobState, reason: String, channel: String? = nil,
                          potentiostat: String? = nil, runID: UUID? = nil,
                          now: Double = Date().timeIntervalSince1970) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE job SET state = ?, reason = ?, updated_unix = ?,
                    channel = COALESCE(?, channel), potentiostat = COALESCE(?, potentiostat),
                    run_uuid = COALESCE(?, run_uuid),
                    started_unix = CASE WHEN ? = 'running' AND started_unix IS NULL THEN ? ELSE started_unix END,
                    ended_unix = CASE WHEN ? IN ('done', 'failed', 'cancelled') THEN ? ELSE ended_unix END
                WHERE uuid = ? AND state NOT IN ('done', 'failed', 'cancelled')
                """, arguments: [state.rawValue, reason, now, channel, potentiostat, runID.map(RunKey.text),
                                 state.rawValue, now, state.rawValue, now, RunKey.text(id)])
            return db.changesCount == 1
        }
    }

    static func job(_ row: Row) throws -> JobRecord {
        let cellJSON: String? = row["cell_json"]
        let runText: String? = row["run_uuid"]
        var job = JobRecord(
            id: try uuid(row["uuid"]), name: row["name"], source: row["source"], protocolName: row["protocol_name"],
            protocolText: row["protocol_text"], filename: row["filename"],
            cell: try cellJSON.map { try StoreJSON.decode(CellMetadata.self, $0, table: "job") },
            target: try StoreJSON.decode(JobTarget.self, row["target_json"], table: "job"),
            submittedBy: (row["submitted_by"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
            submittedUnix: row["submitted_unix"])
        job.seq = row["seq"]
        let stateText: String = row["state"]
        guard let state = JobState(rawValue: stateText) else {
            throw StoreError.corruptRow(table: "job", detail: "unknown state '\(stateText)'")
        }
        job.state = state
        job.reason = row["reason"]
        job.startedUnix = row["started_unix"]
        job.endedUnix = row["ended_unix"]
        job.updatedUnix = row["updated_unix"]
        job.channel = row["channel"]
        job.potentiostat = row["potentiostat"]
        job.runID = try runText.map { try uuid($0) }
        return job
    }
}
