import EchemCore

/// How a compiled step file's `Step_ID`s relate to the program it came from, so rows downloaded
/// from the BTS (which name a `Step_ID`) map back to program step ids and cycles, and an
/// operator's goto to a program label becomes a BTS `goto`.
public struct NewareStepMap: Sendable, Hashable, Codable {
    public enum Entry: Sendable, Hashable, Codable {
        /// A program step (also an operator pause, which the BTS runs as a Pause step).
        case step(programStepID: Int, label: String?, direction: CurrentDirection, isPause: Bool)
        /// The cycle step that closes program loop `loopID`.
        case loopEnd(loopID: Int, label: String?, start: Int, count: Int, advancesCycle: Bool)
        case end
    }

    /// `entries[k]` describes `Step_ID` k + 1.
    public var entries: [Entry]
    public var cycleDefinition: CycleDefinition
    /// Program labels (of steps and loops) → the `Step_ID` a goto to them lands on.
    public var labels: [String: Int]

    public init(entries: [Entry], cycleDefinition: CycleDefinition, labels: [String: Int]) {
        self.entries = entries
        self.cycleDefinition = cycleDefinition
        self.labels = labels
    }

    public func entry(_ newareStep: Int) -> Entry? {
        newareStep >= 1 && newareStep <= entries.count ? entries[newareStep - 1] : nil
    }

    /// The program step a `Step_ID` runs, or nil for cycle and end steps.
    public func programStepID(_ newareStep: Int) -> Int? {
        if case .step(let id, _, _, _)? = entry(newareStep) { return id }
        return nil
    }

    /// The `Step_ID` that runs program step `id`.
    public func newareStep(programStepID id: Int) -> Int? {
        entries.firstIndex { if case .step(let s, _, _, _) = $0 { return s == id } else { return false } }.map { $0 + 1 }
    }

    /// The `Step_ID` a goto to a program label lands on (a loop label: its first step).
    public func newareStep(label: String) -> Int? { labels[label] }

    /// The walker's view of a `Step_ID`.
    public func kind(_ newareStep: Int) -> NewareLoopCounters.Kind {
        switch entry(newareStep) {
        case .step(_, _, _, let pause)?: return pause ? .pause : .timed
        case .loopEnd(_, _, let start, let count, _)?: return .cycle(start: start, count: count)
        case .end?, nil: return .end
        }
    }
}
