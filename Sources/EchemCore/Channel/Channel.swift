/// The interface every driver implements and the engine drives (scheduler mode).
///
/// Pull-based: the engine asks for the next reading, and the channel returns it when its sampling
/// period has elapsed on its own clock. A simulated channel with an accelerated clock simply returns
/// at once, so the same engine code runs in real time and at full speed.
public protocol Channel: AnyObject, Sendable {
    var capabilities: ChannelCapabilities { get }
    /// Apply a new output setpoint. Must be inside `capabilities`; the engine checks before calling.
    func apply(_ setpoint: Setpoint) async throws
    /// The next reading, after one sampling period of channel time.
    func nextReading() async throws -> ChannelReading
    /// Put the output in its safe state (off, open circuit). Must be idempotent.
    func outputOff() async throws
    /// Measure one impedance spectrum; the channel rests at its DC level before and after.
    func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint]
    /// Set the chamber temperature (°C); throws `ChannelError.unsupported` without a chamber.
    func setChamberTemperature(_ celsius: Double) async throws
}

/// What the output is told to do. Values are SI and signed (positive current charges).
public struct Setpoint: Sendable, Hashable, Codable {
    public enum Mode: Sendable, Hashable, Codable {
        case off
        case current(amperes: Double)
        case voltage(volts: Double)
        case power(watts: Double)
        case resistance(ohms: Double)
        /// The channel runs the sweep itself (a potentiostat's own ramp), reporting progress.
        case sweep(Sweep)
    }

    public var mode: Mode
    /// Compliance: the output never drives the cell outside these (CCCV uses `maxVolts`/`minVolts`
    /// as the CV clamp; a CV hold uses `maxAbsCurrent`).
    public var minVolts: Double?
    public var maxVolts: Double?
    public var maxAbsCurrent: Double?

    public init(_ mode: Mode, minVolts: Double? = nil, maxVolts: Double? = nil, maxAbsCurrent: Double? = nil) {
        self.mode = mode
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxAbsCurrent = maxAbsCurrent
    }

    public static let off = Setpoint(.off)
}

/// One measurement. `time` is channel time in seconds (monotone; accelerated clocks run it fast).
public struct ChannelReading: Sendable, Hashable, Codable {
    public var time: Double
    public var volts: Double
    public var amperes: Double
    public var celsius: Double?
    /// For sweeps: 1-based sweep cycle in progress, and whether the sweep has finished.
    public var sweepCycle: Int?
    public var sweepDone: Bool
    /// Something the driver wants in the run's event log with this reading (a transaction that
    /// needed retries, a gap in the sampling).
    public var note: String?

    public init(time: Double, volts: Double, amperes: Double, celsius: Double? = nil,
                sweepCycle: Int? = nil, sweepDone: Bool = false, note: String? = nil) {
        self.note = note
        self.time = time
        self.volts = volts
        self.amperes = amperes
        self.celsius = celsius
        self.sweepCycle = sweepCycle
        self.sweepDone = sweepDone
    }
}

/// What a channel can do and its hard ranges, used at compile time and on every setpoint.
public struct ChannelCapabilities: Sendable, Hashable, Codable {
    public var modes: Set<ControlKind>
    public var minVolts: Double
    public var maxVolts: Double
    public var maxAbsCurrent: Double
    public var maxAbsPower: Double?
    public var minSamplePeriod: Double
    public var eis: Bool
    public var chamber: Bool
    public var minHz: Double?
    public var maxHz: Double?

    public init(modes: Set<ControlKind>, minVolts: Double, maxVolts: Double, maxAbsCurrent: Double,
                maxAbsPower: Double? = nil, minSamplePeriod: Double, eis: Bool = false, chamber: Bool = false,
                minHz: Double? = nil, maxHz: Double? = nil) {
        self.modes = modes
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxAbsCurrent = maxAbsCurrent
        self.maxAbsPower = maxAbsPower
        self.minSamplePeriod = minSamplePeriod
        self.eis = eis
        self.chamber = chamber
        self.minHz = minHz
        self.maxHz = maxHz
    }
}

/// Control kinds, as named in protocol files and capability lists.
public enum ControlKind: String, Sendable, Hashable, Codable, CaseIterable {
    case rest, current, voltage, cccv, power, resistance, sweep, eis, temperature, operatorPause = "operator_pause"
}

extension Control {
    public var kind: ControlKind {
        switch self {
        case .rest: return .rest
        case .current: return .current
        case .voltage: return .voltage
        case .cccv: return .cccv
        case .power: return .power
        case .resistance: return .resistance
        case .sweep: return .sweep
        case .eis: return .eis
        case .temperature: return .temperature
        case .operatorPause: return .operatorPause
        }
    }
}

public struct ImpedancePoint: Sendable, Hashable, Codable {
    public var frequencyHz: Double
    /// Z′ and Z″ in Ω (Z″ negative for capacitive behaviour, as measured).
    public var real: Double
    public var imaginary: Double
    /// Channel time at which the point was taken.
    public var time: Double

    public init(frequencyHz: Double, real: Double, imaginary: Double, time: Double) {
        self.frequencyHz = frequencyHz
        self.real = real
        self.imaginary = imaginary
        self.time = time
    }

    public var magnitude: Double { (real * real + imaginary * imaginary).squareRoot() }
}

public enum ChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupported(String)
    case outOfRange(String)
    case disconnected(String)
    case fault(String)

    public var description: String {
        switch self {
        case .unsupported(let s): return "unsupported: \(s)"
        case .outOfRange(let s): return "out of range: \(s)"
        case .disconnected(let s): return "disconnected: \(s)"
        case .fault(let s): return "fault: \(s)"
        }
    }
}
