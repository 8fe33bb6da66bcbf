import EchemCore
import Yams

/// Reads typed values out of YAML nodes and records a located diagnostic for every problem,
/// so one pass finds all errors. Never throws: a bad value yields nil and a diagnostic.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    // MARK: locations and reporting

    func loc(_ node: Node) -> SourceLocation { YAMLSource.location(node, file: file) }

    /// A column inside a one-line scalar (for errors within a PyBaMM string or a condition).
    func loc(_ node: Node, offset: Int) -> SourceLocation {
        var l = loc(node)
        guard case .scalar(let s) = node, !s.string.contains("\n") else { return l }
        switch s.style {
        case .plain: l.column += offset
        case .singleQuoted, .doubleQuoted: l.column += offset + 1
        default: break
        }
        return l
    }

    func error(_ at: SourceLocation, _ message: String, expected: String? = nil) {
        diagnostics.append(.error(at, message, expected: expected))
    }

    func warning(_ at: SourceLocation, _ message: String, expected: String? = nil) {
        diagnostics.append(.warning(at, message, expected: expected))
    }

    func add(_ d: Diagnostic) { diagnostics.append(d) }

    // MARK: shapes

    /// A null value: `~`, `null` or nothing (plain style only; a quoted "null" is text).
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// A mapping's entries by key, reporting unknown keys (with the valid ones), duplicates and
    /// non-text keys. nil (and an error) if the node is not a mapping.
    func mapping(_ node: Node, what: String, keys allowed: [String]) -> KeyedMap? {
        guard case .mapping(let m) = node else {
            error(loc(node), "\(what) must be a map, found \(describe(node))",
                  expected: "a map with keys: \(allowed.joined(separator: ", "))")
            return nil
        }
        var out = KeyedMap(node: node)
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                error(loc(k), "a key in \(what) must be a plain name, found \(describe(k))",
                      expected: allowed.joined(separator: ", "))
                continue
            }
            let key = ks.string
            if !allowed.contains(key) {
                let hint = Spelling.closest(to: key, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error(loc(k), "unknown key '\(key)' in \(what)\(hint)",
                      expected: "one of: \(allowed.joined(separator: ", "))")
                continue
            }
            if out.values[key] != nil {
                error(loc(k), "duplicate key '\(key)' in \(what)", expected: "each key once")
                continue
            }
            out.order.append(key)
            out.values[key] = v
            out.keyNodes[key] = k
        }
        return out
    }

    /// The items of a sequence; a single non-sequence value counts as a one-item list when `single` is true.
    func sequence(_ node: Node, what: String, single: Bool = false) -> [Node]? {
        if case .sequence(let s) = node { return Array(s) }
        if single, !isNull(node) { return [node] }
        error(loc(node), "\(what) must be a list, found \(describe(node))", expected: "a list like [a, b]")
        return nil
    }

    /// Scalar text (quoted or not). Reports maps and lists.
    func scalar(_ node: Node, what: String, expected: String) -> String? {
        guard case .scalar(let s) = node else {
            error(loc(node), "\(what) must be a single value, found \(describe(node))", expected: expected)
            return nil
        }
        return s.string
    }

    func string(_ node: Node, what: String) -> String? {
        guard let s = scalar(node, what: what, expected: "text") else { return nil }
        if isNull(node) || s.trimmingWhitespace().isEmpty {
            error(loc(node), "\(what) is empty", expected: "text"); return nil
        }
        return s
    }

    /// A label or other identifier: letters, digits, `_`, `-`, `.`.
    func name(_ node: Node, what: String) -> String? {
        guard let s = string(node, what: what) else { return nil }
        let ok = s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
        guard ok else {
            error(loc(node), "\(what) '\(s)' contains spaces or symbols", expected: "letters, digits, _, - or .")
            return nil
        }
        return s
    }

    func int(_ node: Node, what: String, range: ClosedRange<Int>) -> Int? {
        guard let s = scalar(node, what: what, expected: "a whole number") else { return nil }
        let t = s.trimmingWhitespace()
        guard let v = Int(t) else {
            if let d = Double(t), d.isFinite, d == d.rounded(), abs(d) < 1e15 {
                return check(Int(d), node, what, range)
            }
            error(loc(node), "\(what) must be a whole number, found '\(s)'", expected: "an integer in \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return check(v, node, what, range)
    }

    private func check(_ v: Int, _ node: Node, _ what: String, _ range: ClosedRange<Int>) -> Int? {
        guard range.contains(v) else {
            error(loc(node), "\(what) is \(v), out of range", expected: "\(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return v
    }

    func number(_ node: Node, what: String, range: ClosedRange<Double>) -> Double? {
        guard let s = scalar(node, what: what, expected: "a number") else { return nil }
        guard let v = Double(s.trimmingWhitespace()), v.isFinite else {
            error(loc(node), "\(what) must be a number, found '\(s)'", expected: "a finite number"); return nil
        }
        guard range.contains(v) else {
            error(loc(node), "\(what) is \(SIFormat.number(v)), out of range",
                  expected: "\(SIFormat.number(range.lowerBound))…\(SIFormat.number(range.upperBound))")
            return nil
        }
        return v
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard let s = scalar(node, what: what, expected: "true or false") else { return nil }
        switch s.trimmingWhitespace().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(loc(node), "\(what) must be true or false, found '\(s)'", expected: "true or false")
            return nil
        }
    }

    /// A quantity in one of `dimensions`, reported with what was expected when it is not.
    func quantity(_ node: Node, what: String, _ dimensions: Set<PhysicalDimension>,
                  temperature: Bool = false) -> LocatedQuantity? {
        let expected = Self.expectation(dimensions)
        guard let s = scalar(node, what: what, expected: expected) else { return nil }
        return quantity(text: s, at: loc(node), what: what, dimensions, temperature: temperature)
    }

    func quantity(text s: String, at l: SourceLocation, what: String, _ dimensions: Set<PhysicalDimension>,
                  temperature: Bool = false) -> LocatedQuantity? {
        let expected = Self.expectation(dimensions)
        switch QuantityParser.parse(s, temperatureContext: temperature || dimensions.contains(.temperature)) {
        case .failure(let e):
            if case .unknownUnit(let u) = e {
                let hint = Spelling.closest(to: u, in: UnitCatalog.definitions.filter { dimensions.contains($0.dimension) }.map(\.symbol))
                error(l, "\(what): unknown unit '\(u)' in '\(s)'" + (hint.map { "; did you mean '\($0)'?" } ?? ""),
                      expected: "a \(expected)")
            } else {
                error(l, "\(what): \(e)", expected: expected)
            }
            return nil
        case .success(let q):
            guard dimensions.contains(q.dimension) else {
                if q.dimension == .dimensionless {
                    error(l, "\(what) '\(s)' has no unit", expected: "a \(expected)")
                } else {
                    error(l, "\(what) '\(s)' is a \(q.dimension.noun)", expected: "a \(expected)")
                }
                return nil
            }
            return LocatedQuantity(quantity: q, location: l)
        }
    }

    /// "current (A, mA, µA, C/10, mA/g, mA/cm2)"
    static func expectation(_ dims: Set<PhysicalDimension>) -> String {
        if dims == PhysicalDimension.anyCurrent { return "current (A, mA, µA, C/10, mA/g, mA/cm2)" }
        if dims == PhysicalDimension.anyCapacity { return "capacity (Ah, mAh, mAh/g, mAh/cm2)" }
        let sorted = dims.sorted { $0.rawValue < $1.rawValue }
        return sorted.map { "\($0.noun) (\(UnitCatalog.examples(for: $0).joined(separator: ", ")))" }.joined(separator: " or ")
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .scalar(let s): return isNull(node) ? "nothing" : "'\(s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string)'"
        }
    }
}

/// A mapping's entries, in file order.
struct KeyedMap {
    var node: Node
    var order: [String] = []
    var values: [String: Node] = [:]
    var keyNodes: [String: Node] = [:]

    subscript(_ key: String) -> Node? { values[key] }
}

/// "did you mean" for unknown keys and units.
enum Spelling {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)? = nil
        for c in candidates {
            let d = distance(w, Array(c.lowercased()))
            if d <= max(1, min(3, w.count / 3)), d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        if a.count > 64 || b.count > 64 { return Int.max / 2 }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
