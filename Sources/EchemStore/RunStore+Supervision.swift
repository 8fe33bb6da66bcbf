import EchemCore
import Foundation
import GRDB

/// A supervised run's bookkeeping as stored: which driver keeps it and its own JSON (where the
/// test runs on the instrument, how far its rows have been downloaded).
public struct SupervisionRecord: Sendable, Hashable {
    public var driver: String
    public var json: Data
    public var updated: Date
}

extension RunStore {
    /// Commits downloaded rows and the supervisor's state in one transaction, so after a crash
    /// the state never claims rows the store does not have (or the other way round).
    public func commitSupervised(runID: UUID, samples: [Sample], steps: [StepRecord], events: [RunEvent],
                                 driver: String, state: Data) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try JournalWriter.commit(db, runID: runID, samples: samples, steps: steps, events: events,
                                         spectra: [], checkpoint: nil)
                let run = try RunKey.rowID(db, runID)
                try db.cachedStatement(sql: """
                    INSERT INTO supervision (run_id, driver, json, updated_unix) VALUES (?, ?, ?, ?)
                    ON CONFLICT(run_id) DO UPDATE SET driver = excluded.driver, json = excluded.json,
                        updated_unix = excluded.updated_unix
                    """).execute(arguments: [run, driver, String(decoding: state, as: UTF8.self), now])
                return .commit
            }
        }
    }

    /// The supervisor state last committed with a run's rows, or nil for an engine-driven run.
    public func supervision(runID: UUID) throws -> SupervisionRecord? {
        try pool.read { db in
            guard let run = try? RunKey.rowID(db, runID),
                  let row = try Row.fetchOne(db, sql: "SELECT driver, json, updated_unix FROM supervision WHERE run_id = ?",
                                             arguments: [run])
            else { return nil }
            let json: String = row["json"]
            let updated: Double = row["updated_unix"]
            return SupervisionRecord(driver: row["driver"], json: Data(json.utf8), updated: Date(timeIntervalSince1970: updated))
        }
    }
}
