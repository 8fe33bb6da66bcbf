import Foundation
import Testing
@testable import EchemCore

/// The units table in docs/protocol-language.md is the contract: every unit it lists must parse to
/// the dimension of its row. Reading the doc itself keeps the two from drifting apart.
@Suite("The documented units table")
struct UnitsTableDocTests {
    static let rows: [String: PhysicalDimension] = [
        "current": .current, "C-rate": .cRate, "specific current": .specificCurrent, "areal current": .arealCurrent,
        "voltage": .voltage, "power": .power, "resistance": .resistance, "time": .time, "frequency": .frequency,
        "scan rate": .scanRate, "capacity": .capacity, "specific capacity": .specificCapacity,
        "areal capacity": .arealCapacity, "energy": .energy, "temperature": .temperature, "mass": .mass,
        "area": .area, "loading": .loading, "mass fraction": .massFraction, "molar volume": .molarVolume,
        "amount": .amount,
    ]

    static func table() throws -> [(PhysicalDimension, [String])] {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/protocol-language.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        guard let start = text.range(of: "| dimension | units accepted | SI value used |") else { return [] }
        var out: [(PhysicalDimension, [String])] = []
        for line in text[start.upperBound...].split(separator: "\n").dropFirst() {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let dim = rows[cells[0]] else { continue }
            let units = cells[1].components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            out.append((dim, units))
        }
        return out
    }

    @Test("every row of the table is present and every unit in it parses to the row's dimension")
    func everyUnit() throws {
        let table = try Self.table()
        #expect(Set(table.map(\.0)) == Set(Self.rows.values), "rows missing from the doc")
        var checked = 0
        for (dim, units) in table {
            for u in units {
                // C-rate examples are complete quantities; `C` in the temperature row needs that context
                let text = (dim == .cRate || u.first?.isNumber == true) ? u : "1 \(u)"
                let q = try? QuantityParser.parse(text, temperatureContext: dim == .temperature).get()
                #expect(q?.dimension == dim, "'\(text)' should be a \(dim.noun), got \(String(describing: q?.dimension))")
                checked += 1
            }
        }
        #expect(checked > 90)
    }
}
