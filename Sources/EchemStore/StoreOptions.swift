/// How a `RunStore` trades durability and disk for speed. The defaults are the bench-safe ones.
public struct StoreOptions: Sendable, Hashable {
    /// What "committed" survives.
    public enum Durability: String, Sendable, Hashable {
        /// `synchronous=FULL`: every commit fsyncs the WAL before `commit` returns, so an
        /// acknowledged sample survives a power cut or kernel panic, not only a daemon crash.
        case full
        /// `synchronous=NORMAL`: commits reach the OS but are fsynced only at checkpoints. A daemon
        /// crash loses nothing; a power cut can lose the last commits (never corrupts the file).
        case normal
    }

    public var durability: Durability
    /// Bytes the WAL file is truncated back to after a checkpoint (`PRAGMA journal_size_limit`).
    public var journalSizeLimit: Int
    /// Run `wal_checkpoint(TRUNCATE)` after this many commits (0 = only at run finish and close).
    /// SQLite's own passive auto-checkpoint still runs every 1000 pages in between.
    public var truncateCheckpointEveryCommits: Int
    /// Concurrent reader connections (exports, CLI queries, socket backfill).
    public var maximumReaderCount: Int

    public init(durability: Durability = .full, journalSizeLimit: Int = 32 << 20,
                truncateCheckpointEveryCommits: Int = 500, maximumReaderCount: Int = 4) {
        self.durability = durability
        self.journalSizeLimit = journalSizeLimit
        self.truncateCheckpointEveryCommits = truncateCheckpointEveryCommits
        self.maximumReaderCount = maximumReaderCount
    }
}
