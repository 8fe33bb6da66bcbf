import EchemCore

/// A potentiostat's own ramp for `Setpoint.Mode.sweep`: the path is precomputed as straight
/// segments and the runner walks it in channel time.
///
/// Path: every cycle goes from the start potential through each vertex in turn and back to the start;
/// the first cycle may use `firstCycleVertices`/`firstCycleScanRate`. With `endVolts` the last
/// cycle's final leg goes to `endVolts` instead of back to the start (an LSV is one vertex,
/// one cycle, `endVolts` = that vertex). `stepVolts` > 0 makes a staircase of that height;
/// 0 ramps continuously per sample.
public struct SweepRunner: Sendable, Hashable, Codable {
    public struct Segment: Sendable, Hashable, Codable {
        public var from: Double
        public var to: Double
        public var rate: Double
        public var cycle: Int
    }

    public private(set) var segments: [Segment]
    public let stepVolts: Double
    public private(set) var index = 0
    /// Time spent in the current segment (s).
    public private(set) var elapsed = 0.0
    /// The potential applied at the previous sample (for the double-layer current).
    public var lastVolts: Double
    public private(set) var done = false

    /// `startVolts` must already be resolved (NaN in the Sweep means "present OCV").
    public init(_ sweep: Sweep, startVolts: Double) {
        var segs: [Segment] = []
        var here = startVolts
        for cycle in 1...max(1, sweep.cycles) {
            let first = cycle == 1
            let vertices = first ? (sweep.firstCycleVertices ?? sweep.vertices) : sweep.vertices
            let rate = abs(first ? (sweep.firstCycleScanRate ?? sweep.scanRateVoltsPerSecond)
                                 : sweep.scanRateVoltsPerSecond)
            var path = vertices
            let last = cycle == max(1, sweep.cycles)
            if last, let end = sweep.endVolts {
                path.append(end)
            } else if !(last && sweep.returnsToStart == false) {
                path.append(startVolts) // an LSV (`return_to_start: false`) stops at its last vertex
            }
            for v in path where v != here {
                segs.append(Segment(from: here, to: v, rate: rate, cycle: cycle))
                here = v
            }
        }
        segments = segs
        stepVolts = sweep.stepVolts
        lastVolts = startVolts
        done = segs.isEmpty
        finalVolts = here
    }

    /// Where the path ends (held after the sweep is done).
    public let finalVolts: Double

    public var cycle: Int { segments.isEmpty ? 1 : segments[min(index, segments.count - 1)].cycle }

    /// Advance by `dt` seconds; returns the applied potential at the end of the interval.
    public mutating func advance(_ dt: Double) -> Double {
        var remaining = dt
        while remaining > 0 && !done {
            let seg = segments[index]
            let left = abs(seg.to - seg.from) / seg.rate - elapsed
            // A hair of tolerance: 0.1 V at 1 mV/s is 100.00000000000001 s in binary.
            if remaining < left - 1e-9 * max(1, left) {
                elapsed += remaining
                remaining = 0
            } else {
                remaining -= left
                index += 1
                elapsed = 0
                if index == segments.count {
                    done = true
                    index = segments.count - 1
                }
            }
        }
        return potential
    }

    /// The potential now (staircase-quantised if `stepVolts` > 0).
    public var potential: Double {
        if done { return finalVolts }
        let seg = segments[index]
        let direction: Double = seg.to >= seg.from ? 1 : -1
        var travelled = seg.rate * elapsed
        if stepVolts > 0 { travelled = (travelled / stepVolts + 1e-9).rounded(.down) * stepVolts }
        return seg.from + direction * travelled
    }
}
