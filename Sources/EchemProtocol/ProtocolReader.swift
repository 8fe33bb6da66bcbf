import EchemCore
import Yams

/// A YAML protocol document (format 1) into `ProtocolSyntax`.
enum ProtocolReader {
    static let topKeys = ["echemd", "name", "description", "cell", "job", "cycle_definition", "record", "safety", "events", "steps"]

    static func read(_ root: Node, _ r: NodeReader) -> ProtocolSyntax? {
        guard let m = r.mapping(root, what: "the protocol", keys: topKeys) else { return nil }
        var doc = ProtocolSyntax(name: "", location: r.loc(root))
        if let n = m["echemd"] {
            if let v = r.int(n, what: "echemd (format version)", range: 1...1_000_000), v != 1 {
                r.error(r.loc(n), "unsupported format version \(v)", expected: "echemd: 1")
            }
        } else {
            r.error(r.loc(root), "missing 'echemd' format version", expected: "echemd: 1 as the first line")
        }
        if let n = m["name"], let s = r.string(n, what: "name") { doc.name = s } else if m["name"] == nil {
            r.error(r.loc(root), "missing 'name'", expected: "name: a short title")
        }
        if let n = m["description"], !r.isNull(n) {
            doc.description = r.scalar(n, what: "description", expected: "text")
        }
        if let n = m["cell"] { doc.cell = CellReader.read(n, defaultName: doc.name.isEmpty ? "cell" : "cell of \(doc.name)", r) }
        if let n = m["job"], !r.isNull(n) { doc.job = JobReader.read(n, r) }
        if let n = m["cycle_definition"], let s = r.string(n, what: "cycle_definition") {
            if let d = CycleDefinition(rawValue: s) { doc.cycleDefinition = d } else {
                r.error(r.loc(n), "unknown cycle_definition '\(s)'", expected: "loops, charge_after_discharge or discharge_after_charge")
            }
        }
        if let n = m["record"] { doc.record = RulesReader.record(n, r) }
        if let n = m["safety"] { doc.safety = RulesReader.safety(n, what: "safety", r) }
        if let n = m["events"] { doc.events = EventReader.cycleEvents(n, r) }
        if let n = m["steps"] {
            doc.steps = StepReader.readList(n, what: "steps", context: .main, r)
        } else {
            r.error(r.loc(root), "missing 'steps'", expected: "steps: a list of at least one step")
        }
        return doc
    }
}
