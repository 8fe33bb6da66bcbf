import Foundation
import GRDB

/// Keeps the WAL file bounded: a truncating checkpoint every N commits and at run end.
/// SQLite's passive auto-checkpoint copies pages back as it goes; only TRUNCATE also shrinks
/// the `-wal` file to zero, which a long run on a small bench disk wants.
final class WALMaintenance: @unchecked Sendable {
    /// How long the writer waits for its own busy locks (another process's writer, GRDB's
    /// WAL setup in a second opener).
    static let writerBusyMilliseconds = 5000

    private let every: Int
    // Guards `commits`; touched once per commit from the writer queue.
    private let lock = NSLock()
    private var commits = 0

    init(every: Int) { self.every = every }

    /// Counts one commit; true when a periodic checkpoint is due.
    func commitCounted() -> Bool {
        guard every > 0 else { return false }
        lock.lock()
        defer { lock.unlock() }
        commits += 1
        if commits >= every {
            commits = 0
            return true
        }
        return false
    }

    /// `wal_checkpoint(TRUNCATE)`, waiting at most `waitMilliseconds` for readers to move past old
    /// WAL frames. With 0 the writer never stalls: a busy checkpoint still copies what it can
    /// (as PASSIVE) and the next one finishes the job. Returns whether the WAL was fully reset.
    @discardableResult
    static func truncate(_ db: Database, waitMilliseconds: Int) -> Bool {
        do {
            try db.execute(sql: "PRAGMA busy_timeout = \(waitMilliseconds)")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(writerBusyMilliseconds)") }
            try db.checkpoint(.truncate)
            return true
        } catch {
            return false
        }
    }
}
