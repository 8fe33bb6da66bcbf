import EchemCore

/// `ProtocolSyntax` into a `StepProgram`: resolves relative units against the cell, flattens
/// loops into begin/end pairs, numbers steps in file order, resolves labels and runs every check.
struct Lowering {
    let r: NodeReader
    let cell: CellMetadata?
    let options: CompileOptions
    let checks: ProgramChecks
    /// Quantities that need a cell when there is none: reported as warnings, program withheld.
    var missingCell: [(LocatedQuantity, CellRequirement)] = []
    var resolutions: [String] = []
    /// Ids by traversal ordinal (aliased YAML nodes share a location, so ordinals, not locations, key them).
    var stepIDs: [Int] = []
    var loopIDs: [Int] = []
    var stepOrdinal = 0
    var loopOrdinal = 0
    var subroutines: [[Instruction]] = []
    var labels: [String: LabelTarget] = [:]
    var gotos: [PendingGoto] = []
    var globalSafety = SafetyLimits.none
    var globalDebounce: Double?

    struct LabelTarget { var list: Int; var index: Int; var chain: [Int]; var location: SourceLocation }
    struct PendingGoto { var list: Int; var index: Int; var end: Int; var label: String; var chain: [Int]; var location: SourceLocation }

    init(_ r: NodeReader, cell: CellMetadata?, options: CompileOptions) {
        self.r = r
        self.cell = cell
        self.options = options
        self.checks = ProgramChecks(r: r, capabilities: options.capabilities)
    }

    mutating func lower(_ doc: ProtocolSyntax, source: String, cellDerivations: [String]) -> StepProgram? {
        numberSteps(doc)
        resolutions = cellDerivations
        let record = doc.record.map { lowerRecord($0) } ?? .default
        if doc.record == nil { checks.defaultRecord(at: doc.location) }
        globalSafety = doc.safety.map { lowerSafety($0, global: nil) } ?? .none
        globalDebounce = doc.safety?.debounce?.quantity.value

        var main: [Instruction] = []
        flatten(doc.steps, list: 0, chain: [], into: &main)
        var events: [CycleEvent] = []
        for e in doc.events {
            let body = newSubroutine(e.steps)
            var after = e.afterCycles
            var every = e.everyCycles
            if let cap = options.loopCountCap {
                after = Array(Set(after.map { min($0, max(1, cap)) })).sorted()
                every = every.map { min($0, max(1, cap)) }
            }
            events.append(CycleEvent(afterCycles: after, everyCycles: every, body: body, location: e.location))
        }
        resolveGotos(main: &main)

        if !missingCell.isEmpty {
            for (q, need) in missingCell {
                r.warning(q.location, "'\(q.text)' needs \(need); no cell given, so the program is not resolved",
                          expected: "a cell: header or --cell CELL.yaml")
            }
        }
        guard !r.diagnostics.contains(where: { $0.severity == .error }), missingCell.isEmpty else { return nil }
        var mainLabels: [String: Int] = [:]
        for (name, t) in labels where t.list == 0 { mainLabels[name] = t.index }
        return StepProgram(name: doc.name, source: source, instructions: main, labels: mainLabels,
                           safety: globalSafety, record: record, subroutines: subroutines, cycleEvents: events,
                           cycleDefinition: doc.cycleDefinition, cell: cell, resolutions: resolutions)
    }

    // MARK: numbering

    /// Step and loop ids are 1-based in file order over everything, event bodies included.
    /// Step and loop ids are 1-based in file order over everything, event bodies included.
    /// The main program and each event body are numbered in traversal order (which is file order,
    /// and gives a YAML alias its own place), the parts ordered by where they are written.
    mutating func numberSteps(_ doc: ProtocolSyntax) {
        struct Part { var steps = 0; var loops = 0; var first: SourceLocation? }
        func walk(_ items: [ItemSyntax], _ part: inout Part) {
            for item in items {
                switch item {
                case .step(let s):
                    if part.first == nil { part.first = s.location }
                    part.steps += 1
                    for t in s.timers { walk(t.steps, &part) }
                case .loop(let l):
                    if part.first == nil { part.first = l.location }
                    part.loops += 1
                    walk(l.body, &part)
                }
            }
        }
        var parts: [Part] = []
        for items in [doc.steps] + doc.events.map(\.steps) {
            var p = Part()
            walk(items, &p)
            parts.append(p)
        }
        // parts in traversal order hold consecutive ordinals; ids follow the parts' file order
        let fileOrder = parts.indices.sorted {
            let a = parts[$0].first ?? .unknown, b = parts[$1].first ?? .unknown
            return (a.line, a.column, $0) < (b.line, b.column, $1)
        }
        var firstStepID = Array(repeating: 0, count: parts.count), firstLoopID = firstStepID
        var nextStep = 1, nextLoop = 1
        for i in fileOrder {
            firstStepID[i] = nextStep; nextStep += parts[i].steps
            firstLoopID[i] = nextLoop; nextLoop += parts[i].loops
        }
        stepIDs = []; loopIDs = []
        for (i, p) in parts.enumerated() {
            stepIDs += (0..<p.steps).map { firstStepID[i] + $0 }
            loopIDs += (0..<p.loops).map { firstLoopID[i] + $0 }
        }
    }

    // MARK: structure

    mutating func newSubroutine(_ items: [ItemSyntax]) -> Int {
        let index = subroutines.count
        subroutines.append([])
        var body: [Instruction] = []
        flatten(items, list: index + 1, chain: [], into: &body)
        resolveGotos(list: index + 1, instructions: &body)
        subroutines[index] = body
        return index
    }

    mutating func flatten(_ items: [ItemSyntax], list: Int, chain: [Int], into out: inout [Instruction]) {
        for item in items {
            switch item {
            case .step(let s):
                if let step = lowerStep(s, list: list, chain: chain, index: out.count) { out.append(.step(step)) }
            case .loop(let l):
                let id = loopOrdinal < loopIDs.count ? loopIDs[loopOrdinal] : 0
                loopOrdinal += 1
                let begin = out.count
                if let label = l.label { define(label, list: list, index: begin, chain: chain, at: l.labelLocation ?? l.location) }
                out.append(.loopBegin(LoopBegin(id: id, label: l.label, kind: .counted(count: 1), advancesCycle: l.advancesCycle,
                                                endIndex: begin, location: l.location)))
                flatten(l.body, list: list, chain: chain + [id], into: &out)
                let end = out.count
                out.append(.loopEnd(LoopEnd(id: id, beginIndex: begin)))
                out[begin] = .loopBegin(LoopBegin(id: id, label: l.label, kind: lowerLoopKind(l.kind), advancesCycle: l.advancesCycle,
                                                  endIndex: end, location: l.location))
            }
        }
    }

    mutating func lowerLoopKind(_ k: LoopKindSyntax) -> LoopKind {
        switch k {
        case .counted(let n, _):
            return .counted(count: options.loopCountCap.map { min(n, max(1, $0)) } ?? n)
        case .until(let conds, let maxPasses, _):
            let cs = conds.compactMap { lowerCondition($0) }
            return .until(conditions: cs, maxPasses: options.loopCountCap.map { min(maxPasses, max(1, $0)) } ?? maxPasses)
        }
    }

    mutating func define(_ label: String, list: Int, index: Int, chain: [Int], at: SourceLocation) {
        if let prior = labels[label] {
            r.error(at, "duplicate label '\(label)' (first at line \(prior.location.line))", expected: "unique labels")
            return
        }
        labels[label] = LabelTarget(list: list, index: index, chain: chain, location: at)
    }

    mutating func resolveGotos(main: inout [Instruction]) { resolveGotos(list: 0, instructions: &main) }

    /// Gotos jump within their own part (main program or one event body) and never into a loop
    /// from outside it (the loop's counter would not exist).
    mutating func resolveGotos(list: Int, instructions: inout [Instruction]) {
        let mine = gotos.filter { $0.list == list }
        gotos.removeAll { $0.list == list }
        for g in mine {
            guard let t = labels[g.label] else {
                let known = labels.filter { $0.value.list == list }.keys.sorted()
                r.error(g.location, "goto to unknown label '\(g.label)'",
                        expected: known.isEmpty ? "a label defined with 'label:'" : "one of: \(known.joined(separator: ", "))")
                continue
            }
            guard t.list == list else {
                r.error(g.location, "goto '\(g.label)' leaves its \(list == 0 ? "program" : "event body")",
                        expected: "a label in the same \(list == 0 ? "main program" : "event body")")
                continue
            }
            guard t.chain.count <= g.chain.count, Array(g.chain.prefix(t.chain.count)) == t.chain else {
                r.error(g.location, "goto '\(g.label)' jumps into a loop from outside it",
                        expected: "a label at the same loop level or outside the current loop")
                continue
            }
            guard case .step(var s) = instructions[g.index] else { continue }
            s.ends[g.end].action = .goto(label: g.label, index: t.index)
            instructions[g.index] = .step(s)
        }
    }
}
