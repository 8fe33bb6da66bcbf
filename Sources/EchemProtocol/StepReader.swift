import EchemCore
import Yams

/// The `steps:` list: PyBaMM strings, map steps, `loop:` and `repeat:` blocks.
enum StepReader {
    static let commonKeys = ["label", "until", "record", "limits", "every"]
    static let modeKeys = ["rest", "ocv", "charge", "discharge", "current", "chronopotentiometry", "hold",
                           "chronoamperometry", "cccv", "power", "resistance", "sweep", "eis", "temperature", "operator"]
    static let loopKeys = ["label", "count", "advances_cycle", "steps"]
    static let repeatKeys = ["label", "until", "max_passes", "advances_cycle", "steps"]
    static let maxLoopCount = 1_000_000

    /// Where a list of steps sits: the main program, or an event body (no timer events inside).
    enum Context { case main, eventBody }

    static func readList(_ node: Node, what: String, context: Context, _ r: NodeReader) -> [ItemSyntax] {
        guard let items = r.sequence(node, what: what) else { return [] }
        if items.isEmpty { r.error(r.loc(node), "\(what) is empty", expected: "at least one step") }
        return items.compactMap { item($0, context: context, r) }
    }

    static func item(_ node: Node, context: Context, _ r: NodeReader) -> ItemSyntax? {
        switch node {
        case .scalar(let s):
            if r.isNull(node) { r.error(r.loc(node), "empty step", expected: "a step string or map"); return nil }
            return PyBaMMReader.read(s.string, node: node, r).map(ItemSyntax.step)
        case .sequence:
            r.error(r.loc(node), "a step must be a string or a map, found a list", expected: "e.g. '- rest: 1 h'")
            return nil
        case .mapping(let m):
            let keys = m.compactMap { $0.key.scalar?.string }
            if keys.contains("loop") || keys.contains("repeat") {
                let which = keys.contains("loop") ? "loop" : "repeat"
                guard let outer = r.mapping(node, what: "a \(which) item", keys: [which]), let body = outer[which] else { return nil }
                return which == "loop" ? loop(body, context: context, r) : repeatLoop(body, context: context, r)
            }
            return step(node, context: context, r).map(ItemSyntax.step)
        }
    }

    static func loop(_ node: Node, context: Context, _ r: NodeReader) -> ItemSyntax? {
        guard let m = r.mapping(node, what: "loop", keys: loopKeys) else { return nil }
        var count = 1
        var countAt = r.loc(node)
        if let n = m["count"] {
            countAt = r.loc(n)
            count = r.int(n, what: "loop count", range: 1...maxLoopCount) ?? 1
        } else {
            r.error(r.loc(node), "loop needs 'count'", expected: "count: N (the total number of passes)")
        }
        let body = bodySteps(m, node, "loop", context, r)
        let (label, labelAt) = labelOf(m, r)
        let adv = m["advances_cycle"].flatMap { r.bool($0, what: "advances_cycle") } ?? true
        return .loop(LoopSyntax(label: label, labelLocation: labelAt, kind: .counted(count, countAt),
                                advancesCycle: adv, body: body, location: r.loc(node)))
    }

    static func repeatLoop(_ node: Node, context: Context, _ r: NodeReader) -> ItemSyntax? {
        guard let m = r.mapping(node, what: "repeat", keys: repeatKeys) else { return nil }
        var conditions: [ConditionSyntax] = []
        if let n = m["until"] {
            conditions = ConditionReader.readList(n, r, what: "repeat.until")
            for c in conditions {
                if case .next = c.action { continue }
                r.error(c.location, "a repeat's until ends the loop; it takes no action", expected: "a condition without 'then'")
            }
        } else {
            r.error(r.loc(node), "repeat needs 'until'", expected: "until: [V <= 1.0 V]")
        }
        var maxPasses = 10_000
        var maxAt = r.loc(node)
        if let n = m["max_passes"] {
            maxAt = r.loc(n)
            maxPasses = r.int(n, what: "max_passes", range: 1...maxLoopCount) ?? maxPasses
        }
        let body = bodySteps(m, node, "repeat", context, r)
        let (label, labelAt) = labelOf(m, r)
        let adv = m["advances_cycle"].flatMap { r.bool($0, what: "advances_cycle") } ?? true
        return .loop(LoopSyntax(label: label, labelLocation: labelAt,
                                kind: .until(conditions, maxPasses: maxPasses, maxPassesLocation: maxAt),
                                advancesCycle: adv, body: body, location: r.loc(node)))
    }

    static func bodySteps(_ m: KeyedMap, _ node: Node, _ what: String, _ context: Context, _ r: NodeReader) -> [ItemSyntax] {
        guard let n = m["steps"] else {
            r.error(r.loc(node), "\(what) needs 'steps'", expected: "steps: [...]")
            return []
        }
        return readList(n, what: "\(what).steps", context: context, r)
    }

    static func labelOf(_ m: KeyedMap, _ r: NodeReader) -> (String?, SourceLocation?) {
        guard let n = m["label"] else { return (nil, nil) }
        return (r.name(n, what: "label"), r.loc(n))
    }

    /// A map step: exactly one mode key plus common keys.
    static func step(_ node: Node, context: Context, _ r: NodeReader) -> StepSyntax? {
        guard let m = r.mapping(node, what: "a step", keys: commonKeys + modeKeys) else { return nil }
        let modes = m.order.filter { modeKeys.contains($0) }
        guard let modeKey = modes.first else {
            r.error(r.loc(node), "a step needs a mode key", expected: "one of: \(modeKeys.joined(separator: ", "))")
            return nil
        }
        for extra in modes.dropFirst() {
            r.error(r.loc(m.keyNodes[extra]!), "a step has one mode key; '\(extra)' follows '\(modeKey)'",
                    expected: "a separate step for '\(extra)'")
        }
        let value = m[modeKey]!
        var ends: [ConditionSyntax] = []
        guard let mode = ModeReader.read(modeKey, value, ends: &ends, r) else { return nil }
        if let n = m["until"] { ends += ConditionReader.readList(n, r) }
        let (label, labelAt) = labelOf(m, r)
        var step = StepSyntax(label: label, labelLocation: labelAt, summary: summary(m, r),
                              mode: mode, ends: ends, location: r.loc(node))
        if let n = m["record"] { step.record = RulesReader.record(n, r) }
        if let n = m["limits"] { step.limits = RulesReader.safety(n, what: "limits", r) }
        if let n = m["every"] {
            if context == .eventBody {
                r.error(r.loc(m.keyNodes["every"]!), "timer events cannot nest inside an event body", expected: "'every' on a main-program step")
            } else {
                step.timers = EventReader.timers(n, r)
            }
        }
        if !mode.endsByItself, step.ends.isEmpty, m["until"] == nil {   // a bad until list is reported already
            r.error(r.loc(node), "step '\(step.summary)' has no end condition",
                    expected: "an 'until' list, e.g. until: [V <= 2.5 V, time >= 20 h]")
        }
        return step
    }

    /// What was written, compactly: the mode and its end conditions.
    static func summary(_ m: KeyedMap, _ r: NodeReader) -> String {
        var parts: [String] = []
        for key in m.order where modeKeys.contains(key) || key == "until" {
            parts.append("\(key): \(NodeText.render(m[key]!))")
        }
        let s = parts.joined(separator: " ")
        return s.count > 200 ? String(s.prefix(199)) + "…" : s
    }
}

/// Compact flow-style text of a node, for summaries.
enum NodeText {
    static func render(_ node: Node, depth: Int = 0) -> String {
        if depth > 6 { return "…" }
        switch node {
        case .scalar(let s): return s.string
        case .sequence(let seq): return "[" + seq.prefix(20).map { render($0, depth: depth + 1) }.joined(separator: ", ") + (seq.count > 20 ? ", …" : "") + "]"
        case .mapping(let m):
            return "{" + m.prefix(20).map { "\(render($0.key, depth: depth + 1)): \(render($0.value, depth: depth + 1))" }.joined(separator: ", ") + "}"
        }
    }
}
