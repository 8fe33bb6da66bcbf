import Foundation

/// JSON settings for the columns that hold Codable records (program, cell, checkpoint).
enum StoreJSON {
    /// Sorted keys: the same record always stores as the same text, so rows diff and dedupe cleanly.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow(table: table, detail: "\(T.self) JSON: \(error)")
        }
    }
}
