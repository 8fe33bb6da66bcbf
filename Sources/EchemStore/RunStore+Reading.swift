import EchemCore
import Foundation
import GRDB

/// Reads. Each runs on a pool reader connection against a WAL snapshot, so it never waits for
/// the writer and the writer never waits for it.
extension RunStore {
    /// Every run, newest first.
    public func runs() throws -> [RunSummaryRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT uuid, bench, channel, protocol_name, json_extract(cell_json, '$.name'), started_unix,
                       status, reason, ended_test_time, finished_unix,
                       (SELECT seq FROM sample WHERE sample.run_id = run.id ORDER BY seq DESC LIMIT 1)
                FROM run ORDER BY started_unix DESC, id DESC
                """).map { row in
                let last: Int64? = row[10]
                return RunSummaryRow(id: try Self.uuid(row[0]), bench: row[1], channel: row[2], protocolName: row[3],
                                     cellName: row[4], startedUnix: row[5], status: try Self.status(row[6]),
                                     reason: row[7], endedTestTime: row[8], finishedUnix: row[9],
                                     sampleCount: last.map { $0 + 1 } ?? 0)
            }
        }
    }

    public func run(id: UUID) throws -> StoredRun {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT uuid, bench, channel, protocol_name, protocol_text, program_json, cell_json, started_unix,
                       status, reason, ended_test_time, finished_unix
                FROM run WHERE uuid = ?
                """, arguments: [RunKey.text(id)]) else {
                throw StoreError.unknownRun(RunKey.text(id))
            }
            let cellJSON: String? = row[6]
            let info = RunInfo(id: try Self.uuid(row[0]), bench: row[1], channel: row[2], protocolName: row[3],
                               protocolText: row[4],
                               program: try StoreJSON.decode(StepProgram.self, row[5], table: "run"),
                               cell: try cellJSON.map { try StoreJSON.decode(CellMetadata.self, $0, table: "run") },
                               startedUnix: row[7])
            return StoredRun(info: info, status: try Self.status(row[8]), reason: row[9], endedTestTime: row[10],
                             finishedUnix: row[11])
        }
    }

    /// Resolves what someone typed at the CLI (`3f2a`, `3F2A9C0E-...`) to the one run it names.
    public func run(prefix: String) throws -> StoredRun {
        let typed = prefix.trimmingCharacters(in: .whitespaces).lowercased()
        guard !typed.isEmpty, typed.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw StoreError.invalidPrefix(prefix)
        }
        // Only hex digits and dashes reach LIKE, so no wildcard can sneak in.
        let matches = try pool.read { db in
            try String.fetchAll(db, sql: "SELECT uuid FROM run WHERE uuid LIKE ? ORDER BY uuid LIMIT 10",
                                arguments: [typed + "%"])
        }
        switch matches.count {
        case 0: throw StoreError.noRunMatches(prefix: prefix)
        case 1: return try run(id: try Self.uuid(matches[0]))
        default: throw StoreError.ambiguousPrefix(prefix: prefix, candidates: matches)
        }
    }

    /// Up to `limit` samples with `seq >= fromSeq`, in seq order.
    public func samples(runID: UUID, fromSeq: Int64 = 0, limit: Int = 10_000) throws -> [Sample] {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            return try Self.samplePage(db, run: run, fromSeq: fromSeq, limit: limit)
        }
    }

    /// Calls `body` for every sample from `fromSeq` on, in seq order, reading `pageSize` rows per
    /// short read transaction: memory stays bounded for a run of any length, and no snapshot is
    /// held open long enough to stop the WAL from being checkpointed during a long export.
    /// Samples committed while iterating are included.
    public func forEachSample(runID: UUID, fromSeq: Int64 = 0, pageSize: Int = 4096,
                              _ body: (Sample) throws -> Void) throws {
        let run = try pool.read { db in try RunKey.rowID(db, runID) }
        var next = fromSeq
        while true {
            let page = try pool.read { db in try Self.samplePage(db, run: run, fromSeq: next, limit: pageSize) }
            for sample in page { try body(sample) }
            guard let last = page.last, page.count == pageSize else { return }
            next = last.seq + 1
        }
    }

    public func sampleCount(runID: UUID) throws -> Int64 {
        try lastSeq(runID: runID).map { $0 + 1 } ?? 0
    }

    /// The last stored seq, nil before the first sample. A resuming engine continues at `lastSeq + 1`.
    public func lastSeq(runID: UUID) throws -> Int64? {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            let count = try JournalWriter.storedCount(db, run: run)
            return count == 0 ? nil : count - 1
        }
    }

    /// Whether any sample carries a temperature (decides the BDF temperature column).
    public func hasTemperature(runID: UUID) throws -> Bool {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            return try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM sample WHERE run_id = ? AND temperature IS NOT NULL)
                """, arguments: [run]) ?? false
        }
    }

    public func steps(runID: UUID) throws -> [StepRecord] {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            return try Row.fetchAll(db, sql: """
                SELECT step_count, step_id, label, kind, cycle, start_test_time, end_test_time, end_reason,
                       capacity, energy
                FROM step WHERE run_id = ? ORDER BY step_count
                """, arguments: [run]).map { row in
                let kindText: String = row[3]
                guard let kind = ControlKind(rawValue: kindText) else {
                    throw StoreError.corruptRow(table: "step", detail: "unknown kind '\(kindText)'")
                }
                return StepRecord(stepCount: row[0], stepID: row[1], label: row[2], kind: kind, cycle: row[4],
                                  startTestTime: row[5], endTestTime: row[6], endReason: row[7], capacity: row[8],
                                  energy: row[9])
            }
        }
    }

    /// Events in the order they were committed.
    public func events(runID: UUID) throws -> [RunEvent] {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            return try Row.fetchAll(db, sql: """
                SELECT test_time, kind, message FROM event WHERE run_id = ? ORDER BY id
                """, arguments: [run]).map { RunEvent(testTime: $0[0], kind: $0[1], message: $0[2]) }
        }
    }

    /// Spectra by index, points in measured order.
    public func spectra(runID: UUID) throws -> [ImpedanceSpectrum] {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            var spectra: [ImpedanceSpectrum] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT spectrum, step_count, cycle, test_time, point_time, frequency, re, im
                FROM eis_point WHERE run_id = ? ORDER BY spectrum, point
                """, arguments: [run])
            while let row = try rows.next() {
                let index: Int = row[0]
                let point = ImpedancePoint(frequencyHz: row[5], real: row[6], imaginary: row[7], time: row[4])
                if spectra.last?.index == index {
                    spectra[spectra.count - 1].points.append(point)
                } else {
                    spectra.append(ImpedanceSpectrum(index: index, stepCount: row[1], cycle: row[2], testTime: row[3],
                                                     points: [point]))
                }
            }
            return spectra
        }
    }

    /// The checkpoint committed last with this run's samples (what a crash recovery resumes from).
    public func latestCheckpoint(runID: UUID) throws -> EngineCheckpoint? {
        try pool.read { db in
            let run = try RunKey.rowID(db, runID)
            return try String.fetchOne(db, sql: "SELECT json FROM checkpoint WHERE run_id = ?", arguments: [run])
                .map { try StoreJSON.decode(EngineCheckpoint.self, $0, table: "checkpoint") }
        }
    }

    // MARK: Row helpers

    static func samplePage(_ db: Database, run: Int64, fromSeq: Int64, limit: Int) throws -> [Sample] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT \(SampleSQL.columns) FROM sample WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?
            """), arguments: [run, fromSeq, limit])
        var page: [Sample] = []
        page.reserveCapacity(min(limit, 4096))
        while let row = try rows.next() { page.append(SampleSQL.sample(from: row)) }
        return page
    }

    static func uuid(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw StoreError.corruptRow(table: "run", detail: "uuid '\(text)'")
        }
        return id
    }

    static func status(_ text: String) throws -> RunStatus {
        guard let status = RunStatus(rawValue: text) else {
            throw StoreError.corruptRow(table: "run", detail: "status '\(text)'")
        }
        return status
    }
}
