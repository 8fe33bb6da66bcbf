import GRDB

/// The store's one migrator. Migrations are append-only: never edit a registered one, add the next.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, samples, steps, events, EIS, checkpoints") { db in
            // `id` is a local surrogate: every sample row and its primary key carry it, so a
            // 1-2 byte varint instead of a 36-byte UUID keeps rows ~25% narrower. It never leaves
            // this file; replication and exports name runs by `uuid`.
            try db.execute(sql: """
                CREATE TABLE run (
                    id              INTEGER PRIMARY KEY,
                    uuid            TEXT NOT NULL UNIQUE,
                    bench           TEXT NOT NULL,
                    channel         TEXT NOT NULL,
                    protocol_name   TEXT NOT NULL,
                    protocol_text   TEXT NOT NULL,
                    program_json    TEXT NOT NULL,
                    cell_json       TEXT,
                    started_unix    REAL NOT NULL,
                    status          TEXT NOT NULL DEFAULT 'running',
                    reason          TEXT,
                    ended_test_time REAL,
                    finished_unix   REAL
                );
                CREATE INDEX run_bench_channel ON run(bench, channel);

                -- One row per stored sample; (run_id, seq) is the whole identity, so the table is
                -- its own primary-key b-tree (WITHOUT ROWID) and reads by seq range are one seek.
                CREATE TABLE sample (
                    run_id                   INTEGER NOT NULL REFERENCES run(id),
                    seq                      INTEGER NOT NULL,
                    test_time                REAL NOT NULL,
                    unix_time                REAL NOT NULL,
                    step_time                REAL NOT NULL,
                    voltage                  REAL NOT NULL,
                    current                  REAL NOT NULL,
                    temperature              REAL,
                    step_id                  INTEGER NOT NULL,
                    step_count               INTEGER NOT NULL,
                    cycle                    INTEGER NOT NULL,
                    charge_capacity          REAL NOT NULL,
                    discharge_capacity       REAL NOT NULL,
                    charge_energy            REAL NOT NULL,
                    discharge_energy         REAL NOT NULL,
                    cycle_charge_capacity    REAL NOT NULL,
                    cycle_discharge_capacity REAL NOT NULL,
                    cycle_charge_energy      REAL NOT NULL,
                    cycle_discharge_energy   REAL NOT NULL,
                    step_capacity            REAL NOT NULL,
                    step_energy              REAL NOT NULL,
                    PRIMARY KEY (run_id, seq)
                ) WITHOUT ROWID;

                -- The step log: a row appears at step start and is completed at step end.
                CREATE TABLE step (
                    run_id          INTEGER NOT NULL REFERENCES run(id),
                    step_count      INTEGER NOT NULL,
                    step_id         INTEGER NOT NULL,
                    label           TEXT,
                    kind            TEXT NOT NULL,
                    cycle           INTEGER NOT NULL,
                    start_test_time REAL NOT NULL,
                    end_test_time   REAL,
                    end_reason      TEXT,
                    capacity        REAL NOT NULL,
                    energy          REAL NOT NULL,
                    PRIMARY KEY (run_id, step_count)
                ) WITHOUT ROWID;

                CREATE TABLE event (
                    id        INTEGER PRIMARY KEY,
                    run_id    INTEGER NOT NULL REFERENCES run(id),
                    test_time REAL NOT NULL,
                    kind      TEXT NOT NULL,
                    message   TEXT NOT NULL
                );
                CREATE INDEX event_run ON event(run_id, id);

                -- Flat: spectra are small (tens of points), and BDF exports them flat anyway.
                CREATE TABLE eis_point (
                    run_id     INTEGER NOT NULL REFERENCES run(id),
                    spectrum   INTEGER NOT NULL,
                    point      INTEGER NOT NULL,
                    step_count INTEGER NOT NULL,
                    cycle      INTEGER NOT NULL,
                    test_time  REAL NOT NULL,
                    point_time REAL NOT NULL,
                    frequency  REAL NOT NULL,
                    re         REAL NOT NULL,
                    im         REAL NOT NULL,
                    PRIMARY KEY (run_id, spectrum, point)
                ) WITHOUT ROWID;

                -- Only the latest engine checkpoint per run is worth keeping.
                CREATE TABLE checkpoint (
                    run_id     INTEGER PRIMARY KEY REFERENCES run(id),
                    next_seq   INTEGER NOT NULL,
                    step_count INTEGER NOT NULL,
                    test_time  REAL NOT NULL,
                    saved_unix REAL NOT NULL,
                    json       TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: job queue") { db in
            // The daemon's queue. A job row is written when a file is accepted and is never
            // deleted: its state, reason and timestamps are the queue's history.
            try db.execute(sql: """
                CREATE TABLE job (
                    seq            INTEGER PRIMARY KEY,     -- submission order (first come, first served)
                    uuid           TEXT NOT NULL UNIQUE,
                    state          TEXT NOT NULL,
                    reason         TEXT NOT NULL DEFAULT '',
                    name           TEXT NOT NULL,
                    source         TEXT NOT NULL,           -- the dropped file (as archived), or 'socket'
                    protocol_name  TEXT NOT NULL,
                    protocol_text  TEXT NOT NULL,
                    filename       TEXT NOT NULL,           -- how diagnostics name the protocol
                    cell_json      TEXT,
                    target_json    TEXT NOT NULL,
                    submitted_by   INTEGER,                 -- uid of the submitting peer, if known
                    submitted_unix REAL NOT NULL,
                    started_unix   REAL,
                    ended_unix     REAL,
                    updated_unix   REAL NOT NULL,
                    channel        TEXT,                    -- the channel it runs (ran) on
                    potentiostat   TEXT,
                    run_uuid       TEXT                     -- the run it produced
                );
                CREATE INDEX job_state ON job(state, seq);
                """)
        }
        migrator.registerMigration("v3: run analyses") { db in
            // Results computed from a run's stored data (CV peaks, b-value, Randles-Sevcik, EIS
            // fits): one JSON document per (run, kind), replaced when recomputed.
            try db.execute(sql: """
                CREATE TABLE analysis (
                    run_id        INTEGER NOT NULL REFERENCES run(id),
                    kind          TEXT NOT NULL,
                    json          TEXT NOT NULL,
                    computed_unix REAL NOT NULL,
                    PRIMARY KEY (run_id, kind)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4: supervised runs") { db in
            // A run that an instrument executes on its own (Neware supervisor mode): where it runs
            // and how far its data has been downloaded, committed with the rows it describes so a
            // restarted daemon re-attaches and continues from the last stored row.
            try db.execute(sql: """
                CREATE TABLE supervision (
                    run_id       INTEGER PRIMARY KEY REFERENCES run(id),
                    driver       TEXT NOT NULL,
                    json         TEXT NOT NULL,
                    updated_unix REAL NOT NULL
                );
                """)
        }
        return migrator
    }
}
