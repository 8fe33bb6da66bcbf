/// The cycle-step machine of a Neware step file, shared by the simulator (which runs it) and the
/// row mapper (which replays it to know which loops rows crossed).
///
/// After a step ends normally, execution goes to the next `Step_ID`. A cycle step counts one pass
/// of its loop; while the passes are fewer than `Cycle_Count` it jumps back to `Start_Step`
/// (resetting the counters of loops nested inside, so they run in full again), else its count
/// resets and execution falls through. An end step, or running off the table, ends the test.
public struct NewareLoopCounters: Sendable, Hashable, Codable {
    /// Passes completed so far by each cycle step (by `Step_ID`) in the current run of its loop.
    public var passes: [Int: Int] = [:]

    public init() {}

    /// One cycle step passed on the way to the next step.
    public struct Pass: Sendable, Hashable {
        public var cycleStep: Int
        /// True when it jumped back (another pass follows), false when its loop finished.
        public var jumped: Bool
    }

    /// What a walker needs to know about a step.
    public enum Kind: Sendable, Hashable {
        case timed
        case pause
        case cycle(start: Int, count: Int)
        case end
    }

    /// From the end of step `stepID`, follows cycle steps to the next step to execute.
    /// Returns nil for `next` when the test ends. `kind` answers for any `Step_ID`; ids past
    /// `count` end the test.
    public mutating func next(after stepID: Int, count: Int, kind: (Int) -> Kind) -> (next: Int?, passed: [Pass]) {
        var passed: [Pass] = []
        var id = stepID + 1
        // Each cycle step is passed at most Cycle_Count times per walk; this bound only guards
        // against a malformed table.
        var guardSteps = 0
        while id >= 1 && id <= count && guardSteps < 100_000 {
            guardSteps += 1
            switch kind(id) {
            case .timed, .pause:
                return (id, passed)
            case .end:
                return (nil, passed)
            case .cycle(let start, let total):
                let done = (passes[id] ?? 0) + 1
                if done < total && start < id {
                    passes[id] = done
                    for inner in start..<id { passes[inner] = nil }
                    passed.append(Pass(cycleStep: id, jumped: true))
                    id = start
                } else {
                    passes[id] = nil
                    passed.append(Pass(cycleStep: id, jumped: false))
                    id += 1
                }
            }
        }
        return (nil, passed)
    }
}
