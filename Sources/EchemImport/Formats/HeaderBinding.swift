/// One recognised column: where it is and how to turn its cells into SI.
struct ColumnBinding: Sendable, Hashable {
    var field: Field
    /// 0-based position in the row.
    var index: Int
    /// The header text as written, for messages.
    var header: String
    /// Multiplies a numeric cell into SI (V, A, Ah, Wh, s).
    var factor: Double

    /// 1-based, as messages print it.
    var column: Int { index + 1 }
}

/// The header row of a vendor table, matched to one vendor's column set.
struct HeaderBinding: Sendable {
    var vendor: TesterVendor
    /// Line (or sheet row) of the header.
    var line: Int
    /// Position of the header in the table's rows: data starts after it.
    var rowIndex: Int
    var columns: [Field: ColumnBinding]
    var headerCells: [String]

    subscript(_ field: Field) -> ColumnBinding? { columns[field] }
}

/// The user's answer for a header that does not say its current unit (`--current-unit`).
public enum CurrentUnit: String, Sendable, Hashable, CaseIterable {
    case A, mA

    var factor: Double { self == .A ? 1 : 1e-3 }
}
