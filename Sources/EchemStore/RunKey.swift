import Foundation
import GRDB

/// How runs are named in SQL: the canonical lowercase UUID text outside, the surrogate row id inside.
enum RunKey {
    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func rowID(_ db: Database, _ id: UUID) throws -> Int64 {
        let text = text(id)
        guard let rowID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM run WHERE uuid = ?"),
                                             arguments: [text]) else {
            throw StoreError.unknownRun(text)
        }
        return rowID
    }
}
