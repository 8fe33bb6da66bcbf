import Foundation

/// Which faults the simulator injects, as probabilities per request, drawn from a seeded
/// generator so a failing run reproduces exactly. At most one fault hits a request; the
/// probabilities are of disjoint outcomes and add up to at most 1.
///
/// Text form (the `--faults` flag): `drop=0.01,crc=0.01,delay=0.01:300ms,disconnect=0.001`.
/// Probabilities may be written as fractions or percentages (`1%`).
public struct FaultPlan: Sendable, Hashable, CustomStringConvertible {
    /// The request is acted on but its reply is lost, so the client times out.
    public var drop: Double
    /// The reply is sent damaged: RTU with a wrong CRC, TCP with a wrong transaction id (both
    /// are what libmodbus checks and rejects).
    public var corrupt: Double
    /// The reply is sent `delayBy` late (a busy instrument; a timeout if longer than the client waits).
    public var delay: Double
    public var delayBy: Duration
    /// TCP only: the connection is closed instead of answering (the request is lost with it).
    public var disconnect: Double
    public var seed: UInt64

    public init(drop: Double = 0, corrupt: Double = 0, delay: Double = 0, delayBy: Duration = .milliseconds(300),
                disconnect: Double = 0, seed: UInt64 = 1) {
        self.drop = drop
        self.corrupt = corrupt
        self.delay = delay
        self.delayBy = delayBy
        self.disconnect = disconnect
        self.seed = seed
    }

    public static let none = FaultPlan()

    public var isEmpty: Bool { drop == 0 && corrupt == 0 && delay == 0 && disconnect == 0 }

    /// Parses the `--faults` text.
    public init(parsing text: String, seed: UInt64 = 1) throws(SimulatorError) {
        self.init(seed: seed)
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw SimulatorError("--faults: '\(item)' is not NAME=PROBABILITY (expected e.g. drop=0.01)")
            }
            let (name, value) = (parts[0].lowercased(), parts[1])
            switch name {
            case "drop": drop = try Self.probability(value, name)
            case "crc", "corrupt", "garble": corrupt = try Self.probability(value, name)
            case "disconnect": disconnect = try Self.probability(value, name)
            case "delay":
                let pd = value.split(separator: ":", maxSplits: 1).map(String.init)
                delay = try Self.probability(pd[0], name)
                if pd.count == 2 { delayBy = try Self.duration(pd[1]) }
            default:
                throw SimulatorError("--faults: unknown fault '\(name)' (expected drop, crc, delay or disconnect)")
            }
        }
        let total = drop + corrupt + delay + disconnect
        guard total <= 1 + 1e-12 else {
            throw SimulatorError("--faults: the probabilities add up to \(total), more than 1")
        }
    }

    static func probability(_ text: String, _ name: String) throws(SimulatorError) -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        let value = t.hasSuffix("%") ? Double(t.dropLast()).map { $0 / 100 } : Double(t)
        guard let p = value, p >= 0, p <= 1 else {
            throw SimulatorError("--faults: \(name)=\(text) is not a probability (expected 0…1 or 0…100 %)")
        }
        return p
    }

    /// `300ms`, `0.3s`, `300 ms`, or a bare number of milliseconds.
    static func duration(_ text: String) throws(SimulatorError) -> Duration {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "")
        let (number, scale): (String, Double) =
            t.hasSuffix("ms") ? (String(t.dropLast(2)), 1e-3)
            : t.hasSuffix("s") ? (String(t.dropLast()), 1) : (t, 1e-3)
        guard let v = Double(number), v >= 0, v < 3600 else {
            throw SimulatorError("--faults: delay '\(text)' is not a duration (expected e.g. 300ms or 0.3s)")
        }
        return .milliseconds(Int64((v * scale * 1000).rounded()))
    }

    public var description: String {
        if isEmpty { return "none" }
        var parts: [String] = []
        if drop > 0 { parts.append("drop=\(drop)") }
        if corrupt > 0 { parts.append("crc=\(corrupt)") }
        if delay > 0 { parts.append("delay=\(delay):\(delayBy.milliseconds)ms") }
        if disconnect > 0 { parts.append("disconnect=\(disconnect)") }
        return parts.joined(separator: ",") + " seed \(seed)"
    }
}

/// One injected fault.
enum Fault: Sendable, Hashable {
    case drop, corrupt, delay(Duration), disconnect

    var name: String {
        switch self {
        case .drop: "drop"
        case .corrupt: "corrupt"
        case .delay: "delay"
        case .disconnect: "disconnect"
        }
    }
}

/// The seeded draws. Used by the server thread only, one draw per request, so the sequence of
/// faults depends only on the seed and the order of requests.
struct FaultInjector {
    let plan: FaultPlan
    private var generator: SplitMixGenerator

    init(_ plan: FaultPlan) {
        self.plan = plan
        generator = SplitMixGenerator(seed: plan.seed)
    }

    /// The fault for the next request, if any. `canDisconnect` is false on RTU, where there is
    /// no connection to close: that share of the draws then injects nothing.
    mutating func draw(canDisconnect: Bool) -> Fault? {
        guard !plan.isEmpty else { return nil }
        let u = generator.unit()
        var edge = plan.drop
        if u < edge { return .drop }
        edge += plan.corrupt
        if u < edge { return .corrupt }
        edge += plan.delay
        if u < edge { return .delay(plan.delayBy) }
        edge += plan.disconnect
        if u < edge { return canDisconnect ? .disconnect : nil }
        return nil
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }

    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
