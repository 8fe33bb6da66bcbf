import EchemCore
import Yams

/// End conditions: `QUANTITY OP VALUE [then ACTION]`, or `{when: "…", then: ACTION}`.
enum ConditionReader {
    /// Condition quantities by every accepted spelling, with the dimensions their value may take.
    static let quantities: [(names: [String], quantity: ConditionQuantity, dims: Set<PhysicalDimension>)] = [
        (["time", "step_time", "t"], .stepTime, [.time]),
        (["test_time", "total_time"], .testTime, [.time]),
        (["V", "voltage"], .voltage, [.voltage]),
        (["I", "current"], .current, PhysicalDimension.anyCurrent),
        (["|I|", "abs_current"], .absCurrent, PhysicalDimension.anyCurrent),
        (["capacity", "Q", "step_capacity"], .stepCapacity, PhysicalDimension.anyCapacity),
        (["energy", "step_energy"], .stepEnergy, [.energy]),
        (["dV", "delta_V"], .deltaVoltage, [.voltage]),
        (["dV/dt"], .dVdt, [.scanRate]),
        (["cycle", "cycle_index"], .cycleIndex, [.dimensionless]),
        (["T", "temperature"], .temperature, [.temperature]),
    ]

    static var quantityNames: String { quantities.map { $0.names[0] }.joined(separator: ", ") }

    static let operators: [(String, Comparison)] = [
        (">=", .greaterOrEqual), ("<=", .lessOrEqual), ("≥", .greaterOrEqual), ("≤", .lessOrEqual),
        (">", .greater), ("<", .less),
    ]

    /// A list of conditions (`until:`): a list, or one condition on its own.
    static func readList(_ node: Node, _ r: NodeReader, what: String = "until") -> [ConditionSyntax] {
        guard let items = r.sequence(node, what: what, single: true) else { return [] }
        if items.isEmpty { r.error(r.loc(node), "\(what) is an empty list", expected: "at least one condition, e.g. V <= 2.5 V") }
        return items.compactMap { read($0, r) }
    }

    static func read(_ node: Node, _ r: NodeReader) -> ConditionSyntax? {
        if case .mapping = node {
            guard let m = r.mapping(node, what: "a condition", keys: ["when", "then"]) else { return nil }
            guard let whenNode = m["when"] else {
                r.error(r.loc(node), "a condition map needs 'when'", expected: "{when: \"V <= 1.0 V\", then: goto rest}")
                return nil
            }
            guard let text = r.string(whenNode, what: "when") else { return nil }
            var action = ActionSyntax.next
            if let t = m["then"], let a = r.string(t, what: "then") {
                guard let parsed = parseAction(a, at: r.loc(t), r) else { return nil }
                action = parsed
            }
            guard var c = parse(text, node: whenNode, r) else { return nil }
            if case .next = c.action { c.action = action } else if m["then"] != nil {
                r.error(r.loc(whenNode), "the condition has both 'then' inside 'when' and a 'then' key", expected: "one action")
            }
            return c
        }
        guard let text = r.scalar(node, what: "a condition", expected: "a condition like 'V <= 2.5 V'") else { return nil }
        if r.isNull(node) { r.error(r.loc(node), "empty condition", expected: "a condition like 'V <= 2.5 V'"); return nil }
        return parse(text, node: node, r)
    }

    /// Parse `QUANTITY OP VALUE [then ACTION]`; errors point into the text where possible.
    static func parse(_ text: String, node: Node, _ r: NodeReader) -> ConditionSyntax? {
        let at = r.loc(node)
        let expected = "QUANTITY OP VALUE [then ACTION], e.g. 'V <= 2.5 V' or 'time >= 20 h then end'"
        var body = text
        var action = ActionSyntax.next
        if let thenRange = text.range(of: " then ") {
            body = String(text[..<thenRange.lowerBound])
            let actionText = String(text[thenRange.upperBound...])
            let offset = text.distance(from: text.startIndex, to: thenRange.upperBound)
            guard let a = parseAction(actionText, at: r.loc(node, offset: offset), r) else { return nil }
            action = a
        }
        // find the comparison (the first operator after the quantity name; `dV/dt` has no operator chars)
        var found: (range: Range<String.Index>, op: Comparison)? = nil
        for (sym, op) in operators {
            if let rg = body.range(of: sym), found == nil || rg.lowerBound < found!.range.lowerBound { found = (rg, op) }
        }
        guard let (opRange, op) = found else {
            r.error(at, "condition '\(text)' has no comparison", expected: expected)
            return nil
        }
        let name = String(body[..<opRange.lowerBound]).trimmingWhitespace()
        let valueText = String(body[opRange.upperBound...]).trimmingWhitespace()
        guard let entry = quantities.first(where: { $0.names.contains(name) }) else {
            let hint = Spelling.closest(to: name, in: quantities.flatMap(\.names))
            r.error(at, "unknown quantity '\(name)' in condition '\(text)'" + (hint.map { "; did you mean '\($0)'?" } ?? ""),
                    expected: "one of: \(quantityNames)")
            return nil
        }
        let valueOffset = text.distance(from: text.startIndex, to: opRange.upperBound)
            + (String(body[opRange.upperBound...]).prefix { $0 == " " }.count)
        let vat = r.loc(node, offset: valueOffset)
        guard !valueText.isEmpty else {
            r.error(vat, "condition '\(text)' has no value", expected: expected)
            return nil
        }
        guard let value = r.quantity(text: valueText, at: vat, what: "condition '\(text)'", entry.dims,
                                     temperature: entry.quantity == .temperature) else { return nil }
        if entry.quantity == .cycleIndex, value.quantity.value != value.quantity.value.rounded() || value.quantity.value < 0 {
            r.error(vat, "cycle number '\(valueText)' is not a whole number", expected: "a cycle number like 10")
            return nil
        }
        if [.absCurrent, .stepCapacity, .stepEnergy, .stepTime, .testTime].contains(entry.quantity), value.quantity.value < 0 {
            r.error(vat, "'\(valueText)' is negative but \(name) is a magnitude", expected: "a value ≥ 0")
            return nil
        }
        return ConditionSyntax(quantity: entry.quantity, comparison: op, value: value,
                               text: body.trimmingWhitespace(), action: action, location: at)
    }

    /// `next`, `goto LABEL`, `end`, `pause`.
    static func parseAction(_ text: String, at: SourceLocation, _ r: NodeReader) -> ActionSyntax? {
        let words = text.split(separator: " ").map(String.init)
        switch words.first?.lowercased() {
        case "next" where words.count == 1: return .next
        case "end" where words.count == 1: return .end
        case "pause" where words.count == 1: return .pause
        case "goto" where words.count == 2: return .goto(words[1], at)
        default:
            r.error(at, "unknown action '\(text)'", expected: "next, goto LABEL, end or pause")
            return nil
        }
    }
}
