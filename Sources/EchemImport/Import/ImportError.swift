/// Why a file could not be imported, with where: `FILE:LINE:COLUMN: message` (line and column
/// 1-based; for a workbook FILE is `book.xlsx[Sheet]` and LINE the sheet's row number).
public struct ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var origin: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(origin: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.origin = origin
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = origin
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }
}
