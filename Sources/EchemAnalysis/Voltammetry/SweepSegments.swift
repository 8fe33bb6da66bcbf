/// Direction of a potential sweep. Anodic = potential rising (oxidation currents, positive).
public enum SweepDirection: String, Sendable, Hashable, Codable {
    case anodic, cathodic
}

/// One monotone sweep of a voltammogram: sample indices `range`, from one vertex to the next.
struct SweepSegment: Hashable {
    var direction: SweepDirection
    var range: ClosedRange<Int>
}

enum SweepSegmenter {
    /// Splits samples into monotone sweeps. A reversal counts only once the potential has come back
    /// more than `reversalVolts` from the running extreme, so noise and staircase steps do not cut a
    /// sweep; the vertex is the sample at that extreme. Leading samples with no movement join the
    /// first sweep.
    static func segments(volts: [Double], in range: Range<Int>, reversalVolts: Double) -> [SweepSegment] {
        guard range.count >= 2 else { return [] }
        var out: [SweepSegment] = []
        var start = range.lowerBound
        var direction: SweepDirection?
        var extreme = range.lowerBound
        for k in range.dropFirst() {
            let e = volts[k]
            guard let d = direction else {
                // Direction not known yet: wait until the potential has moved by the threshold.
                if abs(e - volts[start]) > reversalVolts { direction = e > volts[start] ? .anodic : .cathodic }
                if direction != nil { extreme = k }
                continue
            }
            let further = d == .anodic ? e >= volts[extreme] : e <= volts[extreme]
            if further {
                extreme = k
            } else if abs(e - volts[extreme]) > reversalVolts {
                out.append(SweepSegment(direction: d, range: start...extreme))
                start = extreme
                direction = d == .anodic ? .cathodic : .anodic
                extreme = k
            }
        }
        if let d = direction, range.upperBound - 1 > start {
            out.append(SweepSegment(direction: d, range: start...(range.upperBound - 1)))
        }
        return out
    }
}
