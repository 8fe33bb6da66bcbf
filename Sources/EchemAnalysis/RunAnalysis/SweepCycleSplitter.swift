import EchemCore

/// Splits the samples of one sweep step into the sweep's own cycles.
///
/// The engine stores a sweep step's samples with the run's cycle index, not the potentiostat's
/// sweep cycle, so the cycles are found again by following the programmed path: each cycle goes
/// from the start through every vertex and back to the start (the first cycle may have its own
/// vertices; the last may go to `end` or, for an LSV, stop at its last vertex), as the instrument
/// runs it. A cycle ends at the sample where the potential reaches its final point. A vertex the
/// recorded potential never quite reaches (samples recorded every few mV, a current limit) counts
/// as reached at its extreme once the potential has turned back by `reversalVolts`.
enum SweepCycleSplitter {
    struct Split: Equatable {
        /// 1-based sweep cycle of every sample.
        var cycles: [Int]
        /// Cycles whose final point was reached (a stopped sweep leaves the last one incomplete).
        var completed: Set<Int>
    }

    /// One point the path heads for.
    struct Target: Equatable {
        var volts: Double
        var cycle: Int
        /// The last point of its cycle.
        var endsCycle: Bool
    }

    /// `start` is the resolved start potential (for `start: ocv`, the step's first sample).
    static func targets(_ sweep: Sweep, start: Double) -> [Target] {
        var out: [Target] = []
        var here = start
        let count = max(1, sweep.cycles)
        for cycle in 1...count {
            var path = cycle == 1 ? (sweep.firstCycleVertices ?? sweep.vertices) : sweep.vertices
            let last = cycle == count
            if last, let end = sweep.endVolts {
                path.append(end)
            } else if !(last && sweep.returnsToStart == false) {
                path.append(start)
            }
            // The instrument skips a leg that goes nowhere; so does the path here.
            var legs: [Double] = []
            for v in path where v != here {
                legs.append(v)
                here = v
            }
            for (k, v) in legs.enumerated() {
                out.append(Target(volts: v, cycle: cycle, endsCycle: k == legs.count - 1))
            }
        }
        return out
    }

    static func split(volts: [Double], sweep: Sweep, start: Double, reachVolts: Double = 0.001,
                      reversalVolts: Double = 0.005) -> Split {
        let path = targets(sweep, start: start)
        let count = max(1, sweep.cycles)
        guard !volts.isEmpty, !path.isEmpty else {
            return Split(cycles: [Int](repeating: 1, count: volts.count), completed: [])
        }
        var ends: [Int] = []            // index of the last sample of each completed cycle, in order
        var completed = Set<Int>()
        var k = 0
        var from = start
        var furthest = volts[0], furthestIndex = 0
        func reached(at index: Int) {
            if path[k].endsCycle {
                ends.append(index)
                completed.insert(path[k].cycle)
            }
            from = path[k].volts
            k += 1
        }
        for i in volts.indices {
            let v = volts[i]
            while k < path.count {
                let target = path[k].volts
                let direction: Double = target >= from ? 1 : -1
                if direction * (v - target) >= -reachVolts {
                    reached(at: i)
                    furthest = v
                    furthestIndex = i
                    continue
                }
                if direction * (v - furthest) > 0 {
                    furthest = v
                    furthestIndex = i
                } else if direction * (furthest - v) > reversalVolts {
                    // Turned back short of the vertex: the extreme was the vertex.
                    reached(at: furthestIndex)
                    furthest = v
                    furthestIndex = i
                    continue
                }
                break
            }
        }
        var cycles = [Int](repeating: count, count: volts.count)
        var c = 0
        for i in volts.indices {
            while c < ends.count && ends[c] < i { c += 1 }
            cycles[i] = min(count, c + 1)
        }
        return Split(cycles: cycles, completed: completed)
    }
}
