/// One row of a vendor table as text, with where it came from (a CSV line number or a sheet's
/// row number), so every later error can point at it.
struct TableRow: Sendable {
    var line: Int
    var cells: [String]
}

/// A vendor table before interpretation: every row as text, in file order. `origin` names the
/// file (and the sheet, for a workbook) the way error messages print it.
struct SourceTable: Sendable {
    var origin: String
    var rows: [TableRow]
    /// Workbooks leave empty cells out, so a short row there is not a missing cell.
    var omitsEmptyCells = false
    /// Semicolon-separated text writes 3,75 for 3.75.
    var decimalComma = false
}
