/// One compiled script and what the channel needs to read its output: the role of each
/// measurement loop in the order the device announces them (`M` lines), how often a package
/// is due, and whether the script is a hold to restart when it runs out.
public struct MethodSCRIPTProgram: Sendable, Hashable {
    public enum Purpose: String, Sendable, Hashable {
        case openCircuit = "open circuit"
        case potentiostatic = "potentiostatic hold"
        case galvanostatic = "galvanostatic hold"
        case sweep = "potential sweep"
        case impedance = "impedance spectrum"
    }

    /// What the packages of one measurement loop mean to the channel.
    public enum LoopRole: Sendable, Hashable {
        /// An open-circuit probe whose last value becomes a start or DC potential; sends no packages.
        case probe
        /// Readings of a hold (OCP, CA, CP).
        case hold
        /// A sweep cycle or, with nscans, consecutive cycles from `firstCycle` (one per `C` line).
        case sweep(firstCycle: Int)
        /// The final potential held once the sweep is over: its readings say `sweepDone`.
        case sweepHold(lastCycle: Int)
        /// Impedance points.
        case impedance
    }

    public var purpose: Purpose
    /// Script lines, without the `e` command and the closing empty line.
    public var lines: [String]
    public var loops: [LoopRole]
    /// Longest expected time (device time, s) between two packages, for reply timeouts.
    public var packageInterval: Double
    /// Holds run for a long but finite time: the channel starts them again when they end.
    public var restartsWhenDone: Bool

    public init(purpose: Purpose, lines: [String], loops: [LoopRole], packageInterval: Double, restartsWhenDone: Bool) {
        self.purpose = purpose
        self.lines = lines
        self.loops = loops
        self.packageInterval = packageInterval
        self.restartsWhenDone = restartsWhenDone
    }

    /// The script text, one `\n` per line.
    public var text: String { lines.map { $0 + "\n" }.joined() }

    /// The bytes to upload and run: `e`, the script, an empty line.
    public var upload: String { "e\n" + text + "\n" }
}
