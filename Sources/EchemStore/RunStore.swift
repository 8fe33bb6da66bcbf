import EchemCore
import Foundation
import GRDB

/// The system of record: one SQLite file in WAL mode, written by the engine through `RunJournal`,
/// read concurrently by exports, the CLI and the live socket. Readers use their own connections
/// (GRDB `DatabasePool`) and never block the writer.
public final class RunStore: RunJournal, Sendable {
    public let path: String
    public let options: StoreOptions
    let pool: DatabasePool
    private let wal: WALMaintenance

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String, options: StoreOptions = StoreOptions()) throws {
        var config = Configuration()
        config.label = "echemd.store"
        config.maximumReaderCount = max(1, options.maximumReaderCount)
        config.busyMode = .timeout(Double(WALMaintenance.writerBusyMilliseconds) / 1000)
        let pool = try DatabasePool(path: path, configuration: config)
        // After the pool is open: GRDB sets synchronous=NORMAL on the writer while enabling WAL.
        let synchronous = options.durability == .full ? "FULL" : "NORMAL"
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA synchronous = \(synchronous);
                PRAGMA journal_size_limit = \(max(0, options.journalSizeLimit));
                """)
        }
        try StoreSchema.migrator.migrate(pool)
        self.path = path
        self.options = options
        self.pool = pool
        self.wal = WALMaintenance(every: options.truncateCheckpointEveryCommits)
    }

    // MARK: RunJournal

    public func begin(_ run: RunInfo) async throws {
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try JournalWriter.begin(db, run)
                return .commit
            }
        }
    }

    /// Returns once the whole batch is committed (and, with `.full`, fsynced): samples, step
    /// rows, events, spectra and the checkpoint land together or not at all.
    public func commit(runID: UUID, samples: [Sample], steps: [StepRecord], events: [RunEvent],
                       spectra: [ImpedanceSpectrum], checkpoint: EngineCheckpoint?) async throws {
        try await pool.writeWithoutTransaction { db in
            try self.commitBatch(db, runID: runID, samples: samples, steps: steps, events: events,
                                 spectra: spectra, checkpoint: checkpoint)
        }
    }

    public func finish(runID: UUID, status: RunStatus, reason: String, testTime: Double) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try JournalWriter.finish(db, runID: runID, status: status, reason: reason, testTime: testTime,
                                         now: now)
                return .commit
            }
            // A finished run is a natural moment to hand the WAL back to the main file. Short
            // wait: other channels' commits queue behind this.
            WALMaintenance.truncate(db, waitMilliseconds: 250)
        }
    }

    /// Checkpoints the WAL into the main file and closes every connection. Optional: a store
    /// that is dropped (or a process that dies) loses nothing committed.
    public func close() throws {
        pool.writeWithoutTransaction { db in _ = WALMaintenance.truncate(db, waitMilliseconds: 1000) }
        try pool.close()
    }

    // MARK: Synchronous writes (benchmarks, tests, tools without a concurrency context)

    func beginSync(_ run: RunInfo) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try JournalWriter.begin(db, run)
                return .commit
            }
        }
    }

    func commitSync(runID: UUID, samples: [Sample], steps: [StepRecord] = [], events: [RunEvent] = [],
                    spectra: [ImpedanceSpectrum] = [], checkpoint: EngineCheckpoint? = nil) throws {
        try pool.writeWithoutTransaction { db in
            try commitBatch(db, runID: runID, samples: samples, steps: steps, events: events, spectra: spectra,
                            checkpoint: checkpoint)
        }
    }

    private func commitBatch(_ db: Database, runID: UUID, samples: [Sample], steps: [StepRecord],
                             events: [RunEvent], spectra: [ImpedanceSpectrum], checkpoint: EngineCheckpoint?) throws {
        // IMMEDIATE takes the write lock up front: a batch never fails halfway on lock upgrade.
        try db.inTransaction(.immediate) {
            try JournalWriter.commit(db, runID: runID, samples: samples, steps: steps, events: events,
                                     spectra: spectra, checkpoint: checkpoint)
            return .commit
        }
        if wal.commitCounted() { WALMaintenance.truncate(db, waitMilliseconds: 0) }
    }
}
