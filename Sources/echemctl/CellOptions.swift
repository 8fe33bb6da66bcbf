import Foundation
import ArgumentParser
import EchemCore
import EchemProtocol

/// The cell a simulation or an explanation runs against, from flags or a `CELL.yaml`.
struct CellOptions: ParsableArguments {
    @Option(help: "A cell file (the `cell:` map of a protocol, at top level), e.g. cells/zns.cell.yaml.")
    var cell: String?

    @Option(help: "Simulator parameter set (chemistry), e.g. zns_anode, li_s, li_cu. Overrides the cell's.")
    var chemistry: String?

    @Option(help: "Mass on the basis, e.g. 0.79mg, or a loading with --area, e.g. 0.70mg/cm2.")
    var mass: String?

    @Option(help: "Name of the mass basis, e.g. composite, sulfur, Li2S, active.")
    var basis: String?

    @Option(help: "Electrode area, e.g. 1.131cm2.")
    var area: String?

    @Option(help: "What 1C means: a specific capacity (1675mAh/g) or a capacity (2.5mAh).")
    var nominal: String?

    var givesCell: Bool { cell != nil || chemistry != nil || mass != nil || nominal != nil || area != nil }

    /// The cell from --cell (if any) with the flags applied on top of it, or on top of `base`.
    func resolve(base: CellMetadata?) throws -> CellMetadata? {
        var result = base
        if let path = cell {
            let (loaded, diagnostics) = ProtocolCompiler.loadCell(path: path)
            for d in diagnostics { printError(d.description) }
            guard let loaded, !diagnostics.contains(where: { $0.severity == .error }) else { throw ExitCode(1) }
            result = loaded
        }
        guard chemistry != nil || mass != nil || nominal != nil || area != nil || basis != nil else { return result }
        var c = result ?? CellMetadata(name: "simulated cell")
        if let chemistry { c.chemistry = chemistry }
        if let area { c.areaCm2 = try quantity(area, [.area], "--area").value }
        if let basis { c.massBasis = basis }
        if let mass {
            let q = try quantity(mass, [.mass, .loading], "--mass")
            let grams: Double
            if q.dimension == .loading {
                guard let a = c.areaCm2 else { throw ValidationError("--mass \(mass) is a loading: give --area too") }
                grams = q.value * a
            } else { grams = q.value }
            let key = c.massBasis ?? "active"
            c.massBasis = key
            c.masses[key] = grams
        }
        if let nominal {
            let q = try quantity(nominal, [.capacity, .specificCapacity], "--nominal")
            if q.dimension == .capacity { c.nominalCapacity = q.value } else { c.nominalSpecificCapacity = q.value }
        }
        return c
    }

    private func quantity(_ text: String, _ allowed: Set<PhysicalDimension>, _ flag: String) throws -> Quantity {
        switch QuantityParser.parse(text) {
        case .success(let q) where allowed.contains(q.dimension): return q
        case .success(let q):
            throw ValidationError("\(flag) \(text): a \(q.dimension.noun), expected \(allowed.map(\.noun).sorted().joined(separator: " or "))")
        case .failure(let e):
            throw ValidationError("\(flag) \(text): \(e)")
        }
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
