import Foundation

/// Reads a vendor CSV (or tab- or semicolon-separated text) into rows with their line numbers.
///
/// Bytes are decoded as UTF-8 (BOM skipped), else UTF-16 with a BOM, else Windows-1252, the code
/// page BTSDA writes `µA` in on Western Windows. The separator is the one of `,` `\t` `;` that
/// splits the first lines into the most cells. Quoted cells follow RFC 4180 (`""` inside quotes,
/// line breaks allowed); Excel's text guard `="0012"` is unwrapped. A row's line number is the
/// line it starts on, so errors point where an editor shows it.
enum DelimitedTextReader {
    struct Result {
        var rows: [TableRow]
        var separator: UInt8
        /// Semicolon-separated files come from locales that write 3,75 for 3.75.
        var decimalComma: Bool { separator == UInt8(ascii: ";") }
    }

    static func read(_ data: Data) -> Result {
        let bytes = Array(decode(data).utf8)
        let separator = guessSeparator(bytes)
        return Result(rows: split(bytes, separator: separator), separator: separator)
    }

    static func decode(_ data: Data) -> String {
        let b = [UInt8](data.prefix(3))
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
            return String(decoding: data.dropFirst(3), as: UTF8.self)
        }
        if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF),
           let text = String(data: data, encoding: .utf16) {
            return text
        }
        if let text = String(data: data, encoding: .utf8) { return text }
        return String(data: data, encoding: .windowsCP1252) ?? String(decoding: data, as: UTF8.self)
    }

    private static func guessSeparator(_ bytes: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]
        var best = candidates[0]
        var bestCount = 0
        let sample = split(Array(bytes.prefix(64 * 1024)), separator: 0, limit: 20)
        for candidate in candidates {
            let most = sample.map { row in row.cells.first?.utf8.filter { $0 == candidate }.count ?? 0 }.max() ?? 0
            if most > bestCount { best = candidate; bestCount = most }
        }
        return best
    }

    /// Splits into records; `separator` 0 keeps each line whole (used to sample lines).
    private static func split(_ bytes: [UInt8], separator: UInt8, limit: Int = .max) -> [TableRow] {
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var rows: [TableRow] = []
        var cells: [String] = []
        var cell: [UInt8] = []
        var line = 1
        var rowLine = 1
        var inQuotes = false
        var wasQuoted = false
        var i = 0

        func endCell() {
            var text = String(decoding: cell, as: UTF8.self)
            if !wasQuoted { text = unguard(text.trimmingCharacters(in: .whitespaces)) }
            cells.append(text)
            cell.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRow() {
            endCell()
            if cells.contains(where: { !$0.isEmpty }) { rows.append(TableRow(line: rowLine, cells: cells)) }
            cells.removeAll(keepingCapacity: true)
        }

        while i < bytes.count, rows.count < limit {
            let c = bytes[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote { cell.append(quote); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == lf { line += 1 }
                    cell.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case quote where cell.allSatisfy({ $0 == 0x20 }):
                cell.removeAll()
                inQuotes = true
                wasQuoted = true
            case separator where separator != 0:
                endCell()
            case cr, lf:
                endRow()
                if c == cr, i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
                line += 1
                rowLine = line
            default:
                cell.append(c)
            }
            i += 1
        }
        if rows.count < limit, !cell.isEmpty || !cells.isEmpty { endRow() }
        return rows
    }

    /// `="0012"` (Excel's keep-as-text guard) → `0012`.
    private static func unguard(_ text: String) -> String {
        guard text.hasPrefix("=\""), text.hasSuffix("\""), text.count >= 3 else { return text }
        return String(text.dropFirst(2).dropLast())
    }
}
