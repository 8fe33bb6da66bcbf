/// Where something was written in a TOML file: a 1-based line and column.
///
/// Every table, key and value carries one, so that a configuration mistake found long after
/// parsing (a wrong type, a missing key, an unknown driver name) can still be reported as
/// `FILE:LINE:COL`, the form editors and CI logs turn into a link.
///
/// Columns count **Unicode scalars** from the start of the line: a tab is one column, `é` written
/// as one precomposed scalar is one column, and an emoji is one column. That is what editors that
/// count code points show, and it never depends on how a terminal draws a glyph.
public struct TOMLLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number; lines end at LF or CRLF.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The first character of a file: where the root table is said to be.
    public static let start = TOMLLocation(line: 1, column: 1)

    /// `LINE:COL`
    public var description: String { "\(line):\(column)" }

    public static func < (a: TOMLLocation, b: TOMLLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
