import EchemCore
import Foundation
import GRDB

/// The write side of the store: plain functions on the writer connection, so the async
/// `RunJournal` methods and the synchronous benchmark share one code path. Every statement is a
/// cached prepared statement: a batch prepares nothing after the first.
enum JournalWriter {
    static func begin(_ db: Database, _ run: RunInfo) throws {
        let encoder = StoreJSON.encoder()
        let program = String(decoding: try encoder.encode(run.program), as: UTF8.self)
        let cell = try run.cell.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        // Beginning a run that is already stored is a resume after a crash: it is running again,
        // its data and its original start stay.
        try db.cachedStatement(sql: """
            INSERT INTO run (uuid, bench, channel, protocol_name, protocol_text, program_json, cell_json,
                             started_unix, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')
            ON CONFLICT (uuid) DO UPDATE SET
                status = 'running', reason = NULL, ended_test_time = NULL, finished_unix = NULL
            """).execute(arguments: [RunKey.text(run.id), run.bench, run.channel, run.protocolName,
                                     run.protocolText, program, cell, run.startedUnix])
    }

    static func commit(_ db: Database, runID: UUID, samples: [Sample], steps: [StepRecord],
                       events: [RunEvent], spectra: [ImpedanceSpectrum], checkpoint: EngineCheckpoint?) throws {
        let run = try RunKey.rowID(db, runID)
        let stored = try storedCount(db, run: run)
        if !samples.isEmpty { try insertSamples(db, run: run, runID: runID, samples, after: stored) }
        for step in steps { try upsertStep(db, run: run, step) }
        for event in events { try insertEvent(db, run: run, event) }
        for spectrum in spectra { try insertSpectrum(db, run: run, spectrum) }
        if let checkpoint {
            let count = stored + Int64(samples.count)
            guard checkpoint.nextSeq <= count else {
                throw StoreError.checkpointAhead(runID: runID, nextSeq: checkpoint.nextSeq, stored: count)
            }
            try saveCheckpoint(db, run: run, checkpoint)
        }
    }

    static func finish(_ db: Database, runID: UUID, status: RunStatus, reason: String, testTime: Double,
                       now: Double) throws {
        try db.cachedStatement(sql: """
            UPDATE run SET status = ?, reason = ?, ended_test_time = ?, finished_unix = ? WHERE uuid = ?
            """).execute(arguments: [status.rawValue, reason, testTime, now, RunKey.text(runID)])
        guard db.changesCount == 1 else { throw StoreError.unknownRun(runID.uuidString.lowercased()) }
    }

    /// Samples stored so far = next expected seq, because seq starts at 0 and has no gaps.
    static func storedCount(_ db: Database, run: Int64) throws -> Int64 {
        let last = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT seq FROM sample WHERE run_id = ? ORDER BY seq DESC LIMIT 1
            """), arguments: [run])
        return last.map { $0 + 1 } ?? 0
    }

    private static func insertSamples(_ db: Database, run: Int64, runID: UUID, _ samples: [Sample],
                                      after stored: Int64) throws {
        let statement = try db.cachedStatement(sql: SampleSQL.insert)
        var expected = stored
        for sample in samples {
            // Enforced here so "per-run seq with no gaps" holds for every consumer downstream.
            guard sample.seq == expected else {
                throw StoreError.sequenceGap(runID: runID, expected: expected, got: sample.seq)
            }
            // Empty arguments: GRDB resets the statement and clears its bindings (SQLite refuses
            // binds on a stepped statement), then `SampleBinding` sets all 21 parameters in place.
            statement.setUncheckedArguments(StatementArguments())
            let code = SampleBinding.bind(sample, run: run, to: statement.sqliteStatement)
            guard code == 0 else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding sample \(sample.seq)",
                                    sql: SampleSQL.insert)
            }
            try statement.execute()
            expected += 1
        }
    }

    private static func upsertStep(_ db: Database, run: Int64, _ step: StepRecord) throws {
        // A step_start row is completed later by its step_end; a late step_start never undoes an end.
        try db.cachedStatement(sql: """
            INSERT INTO step (run_id, step_count, step_id, label, kind, cycle, start_test_time,
                              end_test_time, end_reason, capacity, energy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, step_count) DO UPDATE SET
                step_id = excluded.step_id, label = excluded.label, kind = excluded.kind,
                cycle = excluded.cycle, start_test_time = excluded.start_test_time,
                end_test_time = excluded.end_test_time, end_reason = excluded.end_reason,
                capacity = excluded.capacity, energy = excluded.energy
            WHERE excluded.end_test_time IS NOT NULL OR step.end_test_time IS NULL
            """).execute(arguments: [run, step.stepCount, step.stepID, step.label, step.kind.rawValue, step.cycle,
                                     step.startTestTime, step.endTestTime, step.endReason, step.capacity,
                                     step.energy])
    }

    private static func insertEvent(_ db: Database, run: Int64, _ event: RunEvent) throws {
        try db.cachedStatement(sql: """
            INSERT INTO event (run_id, test_time, kind, message) VALUES (?, ?, ?, ?)
            """).execute(arguments: [run, event.testTime, event.kind, event.message])
    }

    private static func insertSpectrum(_ db: Database, run: Int64, _ spectrum: ImpedanceSpectrum) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO eis_point (run_id, spectrum, point, step_count, cycle, test_time, point_time,
                                   frequency, re, im)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, point) in spectrum.points.enumerated() {
            try statement.execute(arguments: [run, spectrum.index, index, spectrum.stepCount, spectrum.cycle,
                                              spectrum.testTime, point.time, point.frequencyHz, point.real,
                                              point.imaginary])
        }
    }

    private static func saveCheckpoint(_ db: Database, run: Int64, _ checkpoint: EngineCheckpoint) throws {
        let json = String(decoding: try StoreJSON.encoder().encode(checkpoint), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO checkpoint (run_id, next_seq, step_count, test_time, saved_unix, json)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET
                next_seq = excluded.next_seq, step_count = excluded.step_count,
                test_time = excluded.test_time, saved_unix = excluded.saved_unix, json = excluded.json
            """).execute(arguments: [run, checkpoint.nextSeq, checkpoint.stepCount, checkpoint.testTime,
                                     Date().timeIntervalSince1970, json])
    }
}
