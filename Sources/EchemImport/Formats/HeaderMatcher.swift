import Foundation

/// Finds the header row of a vendor table and binds its columns to fields.
///
/// The header is the first of the table's first `searchRows` rows that names a voltage and a
/// current column in some vendor's vocabulary (exports may start with a few lines of test
/// information). With several vendors possible, the one recognising more columns wins, then the
/// one whose unit style the voltage column uses (`Voltage(V)` Neware, `Voltage/V` LAND), then
/// `preferred` (from the file name).
enum HeaderMatcher {
    static let searchRows = 20

    static func match(_ table: SourceTable, vendors: [TesterVendor], preferred: TesterVendor?,
                      currentUnit: CurrentUnit?) throws -> HeaderBinding {
        var best: (score: Int, rowIndex: Int, vendor: TesterVendor, cells: [HeaderCell])?
        for rowIndex in 0..<min(searchRows, table.rows.count) {
            let cells = table.rows[rowIndex].cells.map(HeaderCell.init)
            for vendor in vendors {
                let catalog = ColumnCatalog.of(vendor)
                let fields = Set(cells.compactMap(catalog.field(for:)))
                guard fields.contains(.voltage), fields.contains(.current) else { continue }
                var score = fields.count * 4
                if let voltage = cells.first(where: { catalog.field(for: $0) == .voltage }),
                   styleVendor(voltage) == vendor { score += 2 }
                if vendor == preferred { score += 1 }
                if best == nil || score > best!.score { best = (score, rowIndex, vendor, cells) }
            }
            if best != nil { break }
        }
        guard let found = best else { throw noHeader(table, vendors: vendors) }
        return try bind(found.cells, vendor: found.vendor, table: table, rowIndex: found.rowIndex,
                        currentUnit: currentUnit)
    }

    private static func styleVendor(_ cell: HeaderCell) -> TesterVendor? {
        if cell.text.contains("(") { return .neware }
        if cell.text.contains("/") { return .land }
        return nil
    }

    private static func bind(_ cells: [HeaderCell], vendor: TesterVendor, table: SourceTable, rowIndex: Int,
                             currentUnit: CurrentUnit?) throws -> HeaderBinding {
        let catalog = ColumnCatalog.of(vendor)
        let line = table.rows[rowIndex].line
        var columns: [Field: ColumnBinding] = [:]
        func fail(_ column: Int?, _ message: String) -> ImportError {
            ImportError(origin: table.origin, line: line, column: column, message: message)
        }
        // The current column first: capacity and energy columns without a unit follow its unit.
        var currentFactor = currentUnit?.factor ?? 1
        if let index = cells.firstIndex(where: { catalog.field(for: $0) == .current }) {
            let cell = cells[index]
            if let unit = cell.unit {
                guard let f = UnitTable.current.factor(unit) else {
                    throw fail(index + 1, "column '\(cell.text)': '\(unit)' is not a current unit; expected \(UnitTable.current.shown)")
                }
                if let given = currentUnit, abs(given.factor - f) > 1e-15 {
                    throw fail(index + 1, "column '\(cell.text)' is in \(unit) but --current-unit \(given.rawValue) was given; leave the option out")
                }
                currentFactor = f
            } else if currentUnit == nil {
                throw fail(index + 1, "column '\(cell.text)' does not say its unit; add --current-unit A or --current-unit mA")
            }
        }
        let followsCurrent: Set<Field> = [.stepCapacity, .chargeCapacity, .dischargeCapacity, .stepEnergy,
                                          .chargeEnergy, .dischargeEnergy]
        for (index, cell) in cells.enumerated() {
            guard let field = catalog.field(for: cell), columns[field] == nil else { continue }
            var factor = 1.0
            if let units = field.dimension {
                if let unit = cell.unit {
                    guard let f = units.factor(unit) else {
                        throw fail(index + 1, "column '\(cell.text)': '\(unit)' is not a \(field.phrase) unit; expected \(units.shown)")
                    }
                    factor = f
                } else if field == .current || followsCurrent.contains(field) {
                    // Ah with A, mAh with mA (and Wh / mWh): how testers pair them.
                    factor = currentFactor
                }
            }
            columns[field] = ColumnBinding(field: field, index: index, header: cell.text, factor: factor)
        }
        guard catalog.timeFields.contains(where: { columns[$0] != nil }) else {
            let wanted = catalog.timeFields.compactMap { catalog.examples[$0] }.map { "'\($0)'" }.joined(separator: ", ")
            throw fail(nil, "the \(vendor.exportName) header has no time column: expected one of \(wanted); "
                       + "columns found: \(quoted(cells.map(\.text)))")
        }
        return HeaderBinding(vendor: vendor, line: line, rowIndex: rowIndex, columns: columns,
                             headerCells: cells.map(\.text))
    }

    private static func noHeader(_ table: SourceTable, vendors: [TesterVendor]) -> ImportError {
        guard let first = table.rows.first else {
            return ImportError(origin: table.origin, message: "the file holds no rows")
        }
        let expected = vendors.map { "\($0.exportName): \(ColumnCatalog.of($0).expectedColumns)" }
            .joined(separator: "; or ")
        // Name the column that came closest: a voltage without a current, or the reverse.
        var column: Int?
        var missing = "voltage and current columns"
        for vendor in vendors {
            let catalog = ColumnCatalog.of(vendor)
            let cells = first.cells.map(HeaderCell.init)
            if let v = cells.firstIndex(where: { catalog.field(for: $0) == .voltage }) {
                column = v + 1; missing = "current column beside '\(cells[v].text)'"; break
            }
            if let c = cells.firstIndex(where: { catalog.field(for: $0) == .current }) {
                column = c + 1; missing = "voltage column beside '\(cells[c].text)'"; break
            }
        }
        let names = vendors.count == 1 ? "a \(vendors[0].exportName)" : "a Neware BTSDA or LANDdt"
        return ImportError(origin: table.origin, line: first.line, column: column,
                           message: "not \(names) export header: found no \(missing) in the first \(min(searchRows, table.rows.count)) lines "
                           + "(first line: \(quoted(first.cells))); expected \(expected)")
    }

    static func quoted(_ cells: [String], limit: Int = 12) -> String {
        let shown = cells.prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
        return cells.count > limit ? shown + ", …" : shown
    }
}
