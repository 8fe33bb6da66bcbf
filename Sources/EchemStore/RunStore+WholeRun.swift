import EchemCore
import Foundation
import GRDB

extension RunStore {
    /// Stores a run that arrives whole (a vendor export being imported): begun, every sample,
    /// step and event, and finished, in ONE transaction, so a failure anywhere stores nothing.
    /// Live runs go through `begin`/`commit`/`finish` instead, which keep transactions short.
    /// `run.id` must be new: were it stored with samples, the first sample's seq would clash and
    /// the whole transaction would roll back (`StoreError.sequenceGap`).
    public func storeWholeRun(_ run: RunInfo, samples: [Sample], steps: [StepRecord], events: [RunEvent],
                              status: RunStatus, reason: String, testTime: Double) throws {
        let now = Date().timeIntervalSince1970
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try JournalWriter.begin(db, run)
                try JournalWriter.commit(db, runID: run.id, samples: samples, steps: steps, events: events,
                                         spectra: [], checkpoint: nil)
                try JournalWriter.finish(db, runID: run.id, status: status, reason: reason, testTime: testTime,
                                         now: now)
                return .commit
            }
            WALMaintenance.truncate(db, waitMilliseconds: 250)
        }
    }
}
