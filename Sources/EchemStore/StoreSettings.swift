import GRDB

/// The writer connection's settings as SQLite reports them (for startup logs and `doctor` checks).
public struct StoreSettings: Sendable, Hashable {
    /// `wal` for a healthy store.
    public var journalMode: String
    /// 2 = FULL, 1 = NORMAL.
    public var synchronous: Int
    public var journalSizeLimit: Int
}

extension RunStore {
    public func settings() throws -> StoreSettings {
        try pool.writeWithoutTransaction { db in
            StoreSettings(journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                          synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                          journalSizeLimit: try Int.fetchOne(db, sql: "PRAGMA journal_size_limit") ?? -1)
        }
    }
}
