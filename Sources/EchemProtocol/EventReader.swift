import EchemCore
import Yams

/// `events:` (after chosen cycles) and a step's `every:` (on a timer during the step).
enum EventReader {
    static let cycleKeys = ["after_cycles", "every_cycles", "steps"]
    static let timerKeys = ["interval", "steps"]
    static let maxCycle = 10_000_000

    static func cycleEvents(_ node: Node, _ r: NodeReader) -> [CycleEventSyntax] {
        guard let items = r.sequence(node, what: "events") else { return [] }
        return items.compactMap { item in
            guard let m = r.mapping(item, what: "an event", keys: cycleKeys) else { return nil }
            var after: [Int] = []
            var every: Int? = nil
            if let n = m["after_cycles"], let list = r.sequence(n, what: "after_cycles", single: true) {
                after = list.compactMap { r.int($0, what: "after_cycles entry", range: 1...maxCycle) }
                if list.isEmpty { r.error(r.loc(n), "after_cycles is empty", expected: "cycle numbers, e.g. [1, 20, 500]") }
            }
            if let n = m["every_cycles"] { every = r.int(n, what: "every_cycles", range: 1...maxCycle) }
            if m["after_cycles"] == nil, m["every_cycles"] == nil {
                r.error(r.loc(item), "an event needs 'after_cycles' or 'every_cycles'", expected: "after_cycles: [1, 20] or every_cycles: 50")
            }
            guard let sn = m["steps"] else {
                r.error(r.loc(item), "an event needs 'steps'", expected: "steps: [...]"); return nil
            }
            let steps = StepReader.readList(sn, what: "event steps", context: .eventBody, r)
            return CycleEventSyntax(afterCycles: after, everyCycles: every, steps: steps, location: r.loc(item))
        }
    }

    static func timers(_ node: Node, _ r: NodeReader) -> [TimerSyntax] {
        guard let items = r.sequence(node, what: "every", single: true) else { return [] }
        return items.compactMap { item in
            guard let m = r.mapping(item, what: "a timer event", keys: timerKeys) else { return nil }
            guard let iv = m["interval"] else {
                r.error(r.loc(item), "a timer event needs 'interval'", expected: "interval: 30 min"); return nil
            }
            guard let q = r.quantity(iv, what: "interval", [.time]) else { return nil }
            guard q.quantity.value > 0 else {
                r.error(q.location, "interval '\(q.text)' must be positive", expected: "e.g. 30 min"); return nil
            }
            guard let sn = m["steps"] else {
                r.error(r.loc(item), "a timer event needs 'steps'", expected: "steps: [...]"); return nil
            }
            let steps = StepReader.readList(sn, what: "timer event steps", context: .eventBody, r)
            return TimerSyntax(interval: q, steps: steps, location: r.loc(item))
        }
    }
}
