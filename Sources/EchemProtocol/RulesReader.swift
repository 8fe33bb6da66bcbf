import EchemCore
import Yams

/// `record:` and `safety:` / `limits:` maps.
enum RulesReader {
    static let recordKeys = ["every", "dV", "dI", "dQ"]
    static let safetyKeys = ["voltage", "current", "capacity", "temperature", "step_time", "debounce", "action"]

    static func record(_ node: Node, _ r: NodeReader) -> RecordSyntax? {
        guard let m = r.mapping(node, what: "record", keys: recordKeys) else { return nil }
        var rec = RecordSyntax(location: r.loc(node))
        if let n = m["every"] { rec.every = r.quantity(n, what: "record.every", [.time]) }
        if let n = m["dV"] { rec.dV = r.quantity(n, what: "record.dV", [.voltage]) }
        if let n = m["dI"] { rec.dI = r.quantity(n, what: "record.dI", PhysicalDimension.anyCurrent) }
        if let n = m["dQ"] { rec.dQ = r.quantity(n, what: "record.dQ", PhysicalDimension.anyCapacity) }
        if m.order.isEmpty {
            r.error(r.loc(node), "record is empty", expected: "at least one of: \(recordKeys.joined(separator: ", "))")
        }
        for q in [rec.every, rec.dV, rec.dI, rec.dQ].compactMap({ $0 }) where q.quantity.value <= 0 {
            r.error(q.location, "record rule '\(q.text)' must be positive", expected: "a value > 0")
        }
        return rec
    }

    static func safety(_ node: Node, what: String, _ r: NodeReader) -> SafetySyntax? {
        guard let m = r.mapping(node, what: what, keys: safetyKeys) else { return nil }
        var s = SafetySyntax(action: nil, location: r.loc(node))
        if let n = m["voltage"] {
            (s.minVolts, s.maxVolts) = range(n, what: "\(what).voltage", [.voltage], r)
        }
        if let n = m["temperature"] {
            (s.minCelsius, s.maxCelsius) = range(n, what: "\(what).temperature", [.temperature], r)
        }
        if let n = m["current"] { s.current = magnitude(n, "\(what).current", PhysicalDimension.anyCurrent, r) }
        if let n = m["capacity"] { s.capacity = magnitude(n, "\(what).capacity", PhysicalDimension.anyCapacity, r) }
        if let n = m["step_time"] { s.stepTime = magnitude(n, "\(what).step_time", [.time], r) }
        if let n = m["debounce"], let q = r.quantity(n, what: "\(what).debounce", [.time]) {
            if q.quantity.value < 0 { r.error(q.location, "debounce '\(q.text)' is negative", expected: "a duration ≥ 0") } else { s.debounce = q }
        }
        if let n = m["action"], let a = r.string(n, what: "\(what).action") {
            switch a {
            case "stop": s.action = .stop
            case "pause": s.action = .pause
            default: r.error(r.loc(n), "unknown safety action '\(a)'", expected: "stop or pause")
            }
        }
        return s
    }

    static func magnitude(_ n: Node, _ what: String, _ dims: Set<PhysicalDimension>, _ r: NodeReader) -> LocatedQuantity? {
        guard let q = r.quantity(n, what: what, dims) else { return nil }
        guard q.quantity.value > 0 else {
            r.error(q.location, "\(what) '\(q.text)' must be positive (it bounds a magnitude)", expected: "a value > 0")
            return nil
        }
        return q
    }

    /// `[min, max]`; either end may be `~` for none.
    static func range(_ n: Node, what: String, _ dims: Set<PhysicalDimension>, _ r: NodeReader) -> (LocatedQuantity?, LocatedQuantity?) {
        guard case .sequence(let seq) = n, seq.count == 2 else {
            r.error(r.loc(n), "\(what) must be a [min, max] pair, found \(r.describe(n))", expected: "e.g. [0 V, 3.1 V]")
            return (nil, nil)
        }
        let lo = r.isNull(seq[0]) ? nil : r.quantity(seq[0], what: "\(what) min", dims)
        let hi = r.isNull(seq[1]) ? nil : r.quantity(seq[1], what: "\(what) max", dims)
        if let lo, let hi, lo.quantity.value >= hi.quantity.value {
            r.error(r.loc(n), "\(what) min \(lo.text) is not below max \(hi.text)", expected: "[min, max] with min < max")
        }
        return (lo, hi)
    }
}
