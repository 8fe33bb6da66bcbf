import EchemCore
import Yams

/// The `cell:` header (or a `NAME.cell.yaml`): areas, masses by basis, and what defines 1C.
enum CellReader {
    static let keys = ["name", "chemistry", "area", "masses", "mass_basis", "nominal_specific_capacity",
                       "nominal_capacity", "active_amount", "molar_volume", "interfacial_area", "notes"]

    static func read(_ node: Node, defaultName: String, _ r: NodeReader) -> CellSyntax? {
        guard let m = r.mapping(node, what: "cell", keys: keys) else { return nil }
        var cell = CellMetadata(name: defaultName)
        var derivations: [String] = []
        if let n = m["name"], let s = r.string(n, what: "cell.name") { cell.name = s }
        if let n = m["chemistry"], let s = r.string(n, what: "cell.chemistry") { cell.chemistry = s }
        if let n = m["notes"], let s = r.scalar(n, what: "cell.notes", expected: "text") { cell.notes = s }
        if let n = m["area"], let q = r.quantity(n, what: "cell.area", [.area]) {
            if positive(q, "cell.area", r) { cell.areaCm2 = q.quantity.value }
        }
        if let n = m["mass_basis"], let s = r.name(n, what: "cell.mass_basis") { cell.massBasis = s }
        if let n = m["masses"] { readMasses(n, into: &cell, &derivations, r) }
        if let b = cell.massBasis, !cell.masses.isEmpty, cell.masses[b] == nil, let n = m["mass_basis"] {
            r.error(r.loc(n), "mass_basis '\(b)' is not among cell.masses", expected: cell.masses.keys.sorted().joined(separator: ", "))
        }
        if let n = m["nominal_capacity"], let q = r.quantity(n, what: "cell.nominal_capacity", [.capacity]),
           positive(q, "cell.nominal_capacity", r) {
            cell.nominalCapacity = q.quantity.value
            derivations.append("1C = \(q.text) / 1 h = \(SIFormat.format(q.quantity.value, unit: "A"))")
        }
        if let n = m["nominal_specific_capacity"],
           let q = r.quantity(n, what: "cell.nominal_specific_capacity", [.specificCapacity]),
           positive(q, "cell.nominal_specific_capacity", r) {
            cell.nominalSpecificCapacity = q.quantity.value
            if let b = q.quantity.basis {
                if cell.massBasis == nil { cell.massBasis = b }
                if cell.masses[b] == nil {
                    r.error(r.loc(n), "the basis '\(b)' has no mass in cell.masses",
                            expected: cell.masses.isEmpty ? "cell.masses.\(b)" : cell.masses.keys.sorted().joined(separator: ", "))
                } else if b != cell.massBasis, cell.nominalCapacity == nil, let mass = cell.masses[b] {
                    cell.nominalCapacity = q.quantity.value * mass   // 1C on a basis other than the default
                }
            }
            if m["nominal_capacity"] != nil {
                r.warning(r.loc(n), "both nominal_capacity and nominal_specific_capacity are given; nominal_capacity defines 1C")
            } else if let oneC = cell.oneCAmperes {
                let basis = q.quantity.basis ?? cell.massBasis
                let mass = cell.mass(basis: q.quantity.basis) ?? 0
                derivations.append("1C = \(q.text) × \(SIFormat.mass(mass))\(basis.map { " (\($0))" } ?? "") = \(SIFormat.format(oneC, unit: "Ah")) → \(SIFormat.format(oneC, unit: "A"))")
            }
        }
        if let n = m["active_amount"], let q = r.quantity(n, what: "cell.active_amount", [.amount]),
           positive(q, "cell.active_amount", r) { cell.activeAmountMol = q.quantity.value }
        if let n = m["molar_volume"], let q = r.quantity(n, what: "cell.molar_volume", [.molarVolume]),
           positive(q, "cell.molar_volume", r) { cell.molarVolumeCm3PerMol = q.quantity.value }
        if let n = m["interfacial_area"], let q = r.quantity(n, what: "cell.interfacial_area", [.area]),
           positive(q, "cell.interfacial_area", r) { cell.interfacialAreaCm2 = q.quantity.value }
        return CellSyntax(metadata: cell, derivations: derivations, location: r.loc(node))
    }

    static func positive(_ q: LocatedQuantity, _ what: String, _ r: NodeReader) -> Bool {
        guard q.quantity.value > 0, q.quantity.value < 1e9 else {
            r.error(q.location, "\(what) '\(q.text)' must be positive and plausible", expected: "a value > 0")
            return false
        }
        return true
    }

    /// `basis: 0.79 mg` (a mass), `basis: 0.70 mg/cm2` (a loading × area) or
    /// `basis: 700 mg/g of composite` / `89 % of composite` (a fraction of another basis).
    static func readMasses(_ node: Node, into cell: inout CellMetadata, _ derivations: inout [String], _ r: NodeReader) {
        guard case .mapping(let map) = node else {
            r.error(r.loc(node), "cell.masses must be a map of basis name to mass", expected: "e.g. {composite: 0.70 mg/cm2}")
            return
        }
        var fractions: [(name: String, fraction: LocatedQuantity, of: String, at: SourceLocation)] = []
        for (k, v) in map {
            guard case .scalar(let ks) = k, !ks.string.isEmpty else {
                r.error(r.loc(k), "a mass basis must be a name", expected: "e.g. composite, active, sulfur"); continue
            }
            let name = ks.string
            if cell.masses[name] != nil || fractions.contains(where: { $0.name == name }) {
                r.error(r.loc(k), "duplicate mass basis '\(name)'", expected: "each basis once"); continue
            }
            guard let text = r.scalar(v, what: "cell.masses.\(name)", expected: "a mass, a loading or a fraction") else { continue }
            if let ofRange = text.range(of: " of ") {
                let other = String(text[ofRange.upperBound...]).trimmingWhitespace()
                guard let q = r.quantity(text: String(text[..<ofRange.lowerBound]), at: r.loc(v),
                                         what: "cell.masses.\(name)", [.massFraction]) else { continue }
                guard q.quantity.value > 0, q.quantity.value <= 1 else {
                    r.error(r.loc(v), "fraction '\(q.text)' must be within 0…100 %", expected: "e.g. 89 % of composite"); continue
                }
                fractions.append((name, q, other, r.loc(v)))
                continue
            }
            guard let q = r.quantity(v, what: "cell.masses.\(name)", [.mass, .loading]), positive(q, "cell.masses.\(name)", r) else { continue }
            if q.quantity.dimension == .loading {
                guard let area = cell.areaCm2 else {
                    r.error(r.loc(v), "the loading '\(q.text)' needs cell.area", expected: "cell.area, or a mass like 0.79 mg")
                    continue
                }
                let g = q.quantity.value * area
                cell.masses[name] = g
                derivations.append("\(name): \(q.text) × \(SIFormat.number(area)) cm² = \(SIFormat.mass(g))")
            } else {
                cell.masses[name] = q.quantity.value
            }
        }
        // fractions may refer to each other; resolve until nothing changes
        var pending = fractions
        while !pending.isEmpty {
            let before = pending.count
            pending = pending.filter { f in
                guard let base = cell.masses[f.of] else { return true }
                let g = base * f.fraction.quantity.value
                cell.masses[f.name] = g
                derivations.append("\(f.name): \(f.fraction.text) of \(f.of) (\(SIFormat.mass(base))) = \(SIFormat.mass(g))")
                return false
            }
            if pending.count == before { break }
        }
        for f in pending {
            r.error(f.at, "'\(f.name)' is a fraction of '\(f.of)', which has no mass",
                    expected: "one of: \(cell.masses.keys.sorted().joined(separator: ", "))")
        }
    }
}
