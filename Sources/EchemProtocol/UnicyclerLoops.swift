import EchemCore
import Yams

/// unicycler's flat `method` list with backward `loop_to` jumps, as nested structured loops.
extension UnicyclerImporter {
    /// Turn the flat list with backward jumps into nested loops.
    static func structure(_ entries: [Entry], _ nodes: [Node], _ r: NodeReader) -> [ItemSyntax] {
        var tags: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            if case .tag(let t) = e {
                if tags[t] != nil { r.error(r.loc(nodes[i]), "duplicate tag '\(t)'", expected: "unique tags") } else { tags[t] = i }
            }
        }
        struct Span { var start: Int; var index: Int; var count: Int; var label: String?; var location: SourceLocation }
        var spans: [Span] = []
        for (i, e) in entries.enumerated() {
            guard case .loop(let to, let count, let at) = e else { continue }
            var start: Int? = nil
            var label: String? = nil
            if case .scalar(let s) = to, s.style == .plain, let k = Int(s.string) {
                if k < 1 || k - 1 >= i {
                    r.error(r.loc(to), "loop_to \(k) must point to an earlier step", expected: "a 1-based index below \(i + 1), or a tag")
                } else { start = k - 1 }
            } else if let name = r.string(to, what: "loop_to") {
                if let t = tags[name] {
                    if t >= i { r.error(r.loc(to), "loop_to '\(name)' goes forwards", expected: "a tag before the loop") } else { start = t + 1; label = name }
                } else {
                    r.error(r.loc(to), "loop_to '\(name)' names no tag", expected: tags.isEmpty ? "a tag step before the loop" : "one of: \(tags.keys.sorted().joined(separator: ", "))")
                }
            }
            guard let s = start else { continue }
            let hasStep = (s..<i).contains { if case .step = entries[$0] { return true }; return false }
            if !hasStep { r.error(at, "the loop has no steps to repeat", expected: "steps between loop_to and the loop"); continue }
            spans.append(Span(start: s, index: i, count: count, label: label, location: at))
        }
        // loops must nest: each pair is disjoint or one contains the other (its loop step included)
        var valid: [Span] = []
        for span in spans.sorted(by: { $0.index < $1.index }) {
            if let other = valid.first(where: { o in
                let disjoint = o.index < span.start || span.index < o.start
                let inside = span.start <= o.start && o.index < span.index
                return !disjoint && !inside
            }) {
                r.error(span.location, "this loop's jump crosses the loop at line \(other.location.line); it cannot be expressed as a structured loop",
                        expected: "loops that nest or follow each other")
                continue
            }
            valid.append(span)
        }
        // a tag names only the outermost loop that targets it; innermost loops advance the cycle
        var labelled = Set<String>()
        let outerFirst = valid.sorted { ($0.start, -$0.index) < ($1.start, -$1.index) }
        var spansByStart: [Int: [Span]] = [:]
        for var s in outerFirst {
            if let l = s.label { if labelled.contains(l) { s.label = nil } else { labelled.insert(l) } }
            spansByStart[s.start, default: []].append(s)
        }
        func containsLoop(_ s: Span) -> Bool { valid.contains { $0.index != s.index && $0.start >= s.start && $0.index < s.index } }

        func build(_ lo: Int, _ hi: Int) -> [ItemSyntax] {
            var items: [ItemSyntax] = []
            var j = lo
            while j < hi {
                if let outer = spansByStart[j]?.filter({ $0.index < hi }).max(by: { $0.index < $1.index }) {
                    let body = build(j, outer.index)
                    items.append(.loop(LoopSyntax(label: outer.label, labelLocation: outer.location, kind: .counted(outer.count, outer.location),
                                                  advancesCycle: !containsLoop(outer), body: body, location: outer.location)))
                    j = outer.index + 1
                    continue
                }
                if case .step(let s) = entries[j] { items.append(.step(s)) }
                j += 1
            }
            return items
        }
        return build(0, entries.count)
    }
}
