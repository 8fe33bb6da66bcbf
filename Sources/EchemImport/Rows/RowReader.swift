import Foundation

/// Reads the data rows under a matched header into `VendorRow`s, failing on the first cell it
/// cannot read with `FILE:LINE:COLUMN: column 'NAME': 'TEXT' is not …`.
///
/// Required in every row: voltage, current, and every cycle, step, step-type and time column
/// the header has (a date-time column only when it is the sole clock). Capacity, energy and
/// temperature cells may be empty (workbooks leave empty cells out altogether).
struct RowReader {
    var table: SourceTable
    var header: HeaderBinding
    var decimalComma: Bool
    var timeZone: TimeZone

    func read() throws -> [VendorRow] {
        var out: [VendorRow] = []
        out.reserveCapacity(max(0, table.rows.count - header.rowIndex - 1))
        let headerText = header.headerCells
        for row in table.rows[(header.rowIndex + 1)...] {
            // A header repeated further down (sheets glued together) is not data.
            if row.cells.count >= 2, Array(row.cells.prefix(headerText.count)) == headerText { continue }
            out.append(try read(row))
        }
        return out
    }

    private var dateRequired: Bool { header[.testTime] == nil && header[.stepTime] == nil }

    private func read(_ row: TableRow) throws -> VendorRow {
        var r = VendorRow(origin: table.origin, line: row.line, volts: try number(row, .voltage, required: true)!,
                          amperes: try number(row, .current, required: true)!)
        r.cycle = try integer(row, .cycle)
        r.step = try integer(row, .step)
        if let binding = header[.stepType] { r.stepType = try text(row, binding) }
        r.stepTime = try duration(row, .stepTime)
        r.testTime = try duration(row, .testTime)
        r.unixTime = try date(row)
        r.stepCapacity = try number(row, .stepCapacity, required: false)
        r.chargeCapacity = try number(row, .chargeCapacity, required: false)
        r.dischargeCapacity = try number(row, .dischargeCapacity, required: false)
        r.stepEnergy = try number(row, .stepEnergy, required: false)
        r.chargeEnergy = try number(row, .chargeEnergy, required: false)
        r.dischargeEnergy = try number(row, .dischargeEnergy, required: false)
        r.celsius = try number(row, .temperature, required: false)
        return r
    }

    private func failure(_ row: TableRow, _ binding: ColumnBinding, _ message: String) -> ImportError {
        ImportError(origin: table.origin, line: row.line, column: binding.column,
                    message: "column '\(binding.header)': \(message)")
    }

    /// The cell's text; nil when empty and not required.
    private func cell(_ row: TableRow, _ binding: ColumnBinding, required: Bool, wanted: String) throws -> String? {
        // Workbook text cells keep their spaces; exports pad some numbers with them.
        let text = binding.index < row.cells.count ? row.cells[binding.index].trimmingCharacters(in: .whitespaces) : ""
        if !text.isEmpty { return text }
        guard required else { return nil }
        if binding.index >= row.cells.count && !table.omitsEmptyCells {
            throw failure(row, binding, "missing: the row has \(row.cells.count) cells, the header \(header.headerCells.count); \(wanted) is needed")
        }
        throw failure(row, binding, "empty cell; \(wanted) is needed")
    }

    private func text(_ row: TableRow, _ binding: ColumnBinding) throws -> String {
        try cell(row, binding, required: true, wanted: "a step type")!
    }

    private func number(_ row: TableRow, _ field: Field, required: Bool) throws -> Double? {
        guard let binding = header[field],
              let text = try cell(row, binding, required: required, wanted: "a number") else { return nil }
        guard let value = CellParsers.number(text, decimalComma: decimalComma) else {
            throw failure(row, binding, "'\(text)' is not a number")
        }
        return value * binding.factor
    }

    private func integer(_ row: TableRow, _ field: Field) throws -> Int? {
        guard let binding = header[field],
              let text = try cell(row, binding, required: true, wanted: "a whole number") else { return nil }
        guard let value = CellParsers.integer(text) else {
            throw failure(row, binding, "'\(text)' is not a whole number")
        }
        return value
    }

    private func duration(_ row: TableRow, _ field: Field) throws -> Double? {
        guard let binding = header[field],
              let text = try cell(row, binding, required: true, wanted: "a time") else { return nil }
        guard let value = CellParsers.duration(text, factor: binding.factor, decimalComma: decimalComma), value >= 0 else {
            throw failure(row, binding, "'\(text)' is not a time (expected seconds, or h:mm:ss such as 1:02:03.5)")
        }
        return value
    }

    private func date(_ row: TableRow) throws -> Double? {
        guard let binding = header[.dateTime],
              let text = try cell(row, binding, required: dateRequired, wanted: "a date-time") else { return nil }
        guard let value = CellParsers.dateTime(text, zone: timeZone, decimalComma: decimalComma) else {
            throw failure(row, binding, "'\(text)' is not a date-time (expected YYYY-MM-DD hh:mm:ss, e.g. 2024-03-05 09:30:00)")
        }
        return value
    }
}
