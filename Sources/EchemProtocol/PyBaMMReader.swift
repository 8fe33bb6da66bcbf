import EchemCore
import Yams

/// PyBaMM-style step strings: `Discharge at C/3 for 2 hours or until 2.5 V`, `Rest for 2 hours`,
/// `Hold at 4.2 V until C/50`, `Charge at 200 mW for 45 minutes`. PyBaMM's own sign is positive =
/// discharge; here `Charge at X` is +X and `Discharge at X` is −X (echemd's convention).
enum PyBaMMReader {
    struct Word { var text: String; var offset: Int }

    static let grammar = "'Charge|Discharge at VALUE [for DURATION] [or until CONDITION]…', 'Rest for DURATION' or 'Hold at VOLTAGE until CURRENT'"

    static func read(_ text: String, node: Node, _ r: NodeReader) -> StepSyntax? {
        let words = split(text)
        let at = r.loc(node)
        guard let head = words.first else {
            r.error(at, "empty step", expected: grammar); return nil
        }
        enum Verb { case charge, discharge, hold, rest }
        let verb: Verb
        switch head.text.lowercased() {
        case "charge": verb = .charge
        case "discharge": verb = .discharge
        case "hold": verb = .hold
        case "rest": verb = .rest
        default:
            r.error(at, "unknown step '\(text)'", expected: grammar); return nil
        }
        var i = 1
        func isKeyword(_ w: Word) -> Bool { ["for", "until", "or"].contains(w.text.lowercased()) }
        func collect() -> (String, Int)? {
            let start = i
            while i < words.count, !isKeyword(words[i]) { i += 1 }
            guard i > start else { return nil }
            return (words[start..<i].map(\.text).joined(separator: " "), words[start].offset)
        }

        var mode = ModeSyntax.rest
        var sign = 0.0   // +1 charge, −1 discharge, 0 unknown (rest/hold)
        if verb != .rest {
            guard i < words.count, words[i].text.lowercased() == "at" else {
                r.error(r.loc(node, offset: words.count > 1 ? words[1].offset : text.count),
                        "expected 'at' after '\(head.text)'", expected: grammar)
                return nil
            }
            i += 1
            guard let (valueText, offset) = collect() else {
                r.error(r.loc(node, offset: text.count), "'\(head.text) at' needs a value", expected: grammar); return nil
            }
            let vat = r.loc(node, offset: offset)
            if verb == .hold {
                guard let v = r.quantity(text: valueText, at: vat, what: "Hold at", [.voltage]) else { return nil }
                mode = .voltage(v, currentLimit: nil)
            } else {
                let dims: Set<PhysicalDimension> = PhysicalDimension.anyCurrent.union([.power, .resistance])
                guard let v = r.quantity(text: valueText, at: vat, what: "\(head.text) at", dims) else { return nil }
                if v.quantity.value < 0 {
                    r.error(vat, "'\(valueText)' is negative; \(head.text) takes a magnitude", expected: "a positive value")
                    return nil
                }
                sign = verb == .charge ? 1 : -1
                var signed = v
                if sign < 0 { signed.quantity = v.quantity.negated }
                switch v.quantity.dimension {
                case .power: mode = .power(signed)
                case .resistance:
                    guard verb == .discharge else {
                        r.error(vat, "a resistance load only discharges", expected: "'Discharge at \(valueText)'"); return nil
                    }
                    mode = .resistance(v)
                default: mode = .current(signed)
                }
            }
        }

        var ends: [ConditionSyntax] = []
        var sawClause = false
        while i < words.count {
            let w = words[i].text.lowercased()
            if w == "or" { i += 1; continue }
            if w == "for" {
                i += 1
                guard let (d, off) = collect() else {
                    r.error(r.loc(node, offset: text.count), "'for' needs a duration", expected: "e.g. 'for 2 hours'"); return nil
                }
                guard let q = r.quantity(text: d, at: r.loc(node, offset: off), what: "for", [.time]) else { return nil }
                ends.append(ConditionSyntax(quantity: .stepTime, comparison: .greaterOrEqual, value: q,
                                            text: "time >= \(d)", action: .next, location: q.location))
                sawClause = true
            } else if w == "until" {
                i += 1
                guard let (c, off) = collect() else {
                    r.error(r.loc(node, offset: text.count), "'until' needs a condition", expected: "e.g. 'until 2.5 V'"); return nil
                }
                guard let cond = until(c, offset: off, sign: sign, hold: verb == .hold, node: node, r) else { return nil }
                ends.append(cond)
                sawClause = true
            } else {
                r.error(r.loc(node, offset: words[i].offset), "unexpected '\(words[i].text)' in step '\(text)'", expected: grammar)
                return nil
            }
        }
        if verb == .rest, !sawClause {
            r.error(at, "'Rest' needs 'for DURATION'", expected: "e.g. 'Rest for 2 hours'"); return nil
        }
        return StepSyntax(label: nil, labelLocation: nil, summary: text, mode: mode, ends: ends, location: at)
    }

    /// `until 2.5 V` (direction from the step), `until < 2.5 V`, `until C/50` or `until 50 mA` on a hold.
    static func until(_ text: String, offset: Int, sign: Double, hold: Bool, node: Node, _ r: NodeReader) -> ConditionSyntax? {
        var t = text
        var explicit: Comparison? = nil
        for (sym, op) in ConditionReader.operators where t.hasPrefix(sym) {
            explicit = op; t = String(t.dropFirst(sym.count)).trimmingWhitespace(); break
        }
        let at = r.loc(node, offset: offset)
        let dims: Set<PhysicalDimension> = PhysicalDimension.anyCurrent.union([.voltage])
        guard let q = r.quantity(text: t, at: at, what: "until", dims) else { return nil }
        if q.quantity.dimension == .voltage {
            let op: Comparison
            if let e = explicit { op = e } else if sign > 0 { op = .greaterOrEqual } else if sign < 0 { op = .lessOrEqual } else {
                r.error(at, "'until \(text)' on a step with no direction needs '<' or '>'", expected: "e.g. 'until > 4.2 V'")
                return nil
            }
            return ConditionSyntax(quantity: .voltage, comparison: op, value: q, text: "V \(op.rawValue) \(t)",
                                   action: .next, location: at)
        }
        guard hold || explicit != nil else {
            r.error(at, "'until \(text)': a current cut-off only makes sense on a Hold", expected: "a voltage, e.g. 'until 4.2 V'")
            return nil
        }
        let op = explicit ?? .lessOrEqual
        return ConditionSyntax(quantity: .absCurrent, comparison: op, value: LocatedQuantity(quantity: q.quantity.magnitude, location: at),
                               text: "|I| \(op.rawValue) \(t)", action: .next, location: at)
    }

    /// Words with their character offsets (spaces separate words).
    static func split(_ text: String) -> [Word] {
        var out: [Word] = []
        var current = ""
        var start = 0
        for (i, ch) in text.enumerated() {
            if ch == " " || ch == "\t" {
                if !current.isEmpty { out.append(Word(text: current, offset: start)); current = "" }
            } else {
                if current.isEmpty { start = i }
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append(Word(text: current, offset: start)) }
        return out
    }
}
