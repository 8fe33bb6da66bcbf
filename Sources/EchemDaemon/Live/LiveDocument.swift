import EchemCore
import EchemStore
import Foundation

/// A document pushed to socket subscribers. Sample pages keep their samples so a subscriber that
/// is still backfilling from the store can drop the ones it already has (no duplicate at the seam);
/// everything else is encoded once, at publish time.
public enum LiveDocument: Sendable {
    case samples(SamplePage)
    case encoded(type: String, run: UUID?, channel: String?, line: String)

    public var run: UUID? {
        switch self {
        case .samples(let p): return p.run
        case .encoded(_, let run, _, _): return run
        }
    }

    public var channel: String? {
        switch self {
        case .samples(let p): return p.channel
        case .encoded(_, _, let ch, _): return ch
        }
    }

    public var type: String {
        switch self {
        case .samples: return "samples"
        case .encoded(let t, _, _, _): return t
        }
    }
}

/// Committed samples of one run, in sequence order.
public struct SamplePage: Sendable {
    public var run: UUID
    public var channel: String
    public var samples: [Sample]
    /// true when the page comes from the store (backfill), false when it is live.
    public var backfill: Bool

    /// The socket protocol version every document and reply carries as `v`.
    public static let columns = ["seq", "test_time", "unix_time", "step_time", "voltage", "current", "temperature",
                                 "step_id", "step_count", "cycle", "charge_capacity", "discharge_capacity",
                                 "charge_energy", "discharge_energy", "cycle_charge_capacity",
                                 "cycle_discharge_capacity", "step_capacity", "step_energy"]

    /// Columnar: names once per page, then one array per sample (a third of the bytes of objects).
    public func encode(from start: Int = 0) -> String {
        var w = JSONWriter()
        w.add("v", SocketProtocol.version)
        w.add("type", "samples")
        w.add("run", run)
        w.add("channel", channel)
        w.add("backfill", backfill)
        w.add("columns", strings: SamplePage.columns)
        var rows = "["
        rows.reserveCapacity(64 + (samples.count - start) * 200)
        for i in start..<samples.count {
            let s = samples[i]
            if i > start { rows += "," }
            rows += "[\(s.seq),"
            for v in [s.testTime, s.unixTime, s.stepTime, s.volts, s.amperes] {
                JSONWriter.appendNumber(v, to: &rows); rows += ","
            }
            JSONWriter.appendNumber(s.celsius, to: &rows)
            rows += ",\(s.stepID),\(s.stepCount),\(s.cycle)"
            for v in [s.chargeCapacity, s.dischargeCapacity, s.chargeEnergy, s.dischargeEnergy,
                      s.cycleChargeCapacity, s.cycleDischargeCapacity, s.stepCapacity, s.stepEnergy] {
                rows += ","; JSONWriter.appendNumber(v, to: &rows)
            }
            rows += "]"
        }
        rows += "]"
        w.raw("rows", rows)
        return w.finished()
    }
}

/// Versioning of the socket protocol.
public enum SocketProtocol {
    /// Bumped only on an incompatible change; new fields and new document types do not bump it.
    public static let version = 1
}
