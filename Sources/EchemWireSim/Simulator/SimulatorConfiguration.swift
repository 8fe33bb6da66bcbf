import EchemCore
import EchemDrivers
import EchemSim

/// Where the simulator listens.
public enum SimulatorTransport: Sendable, Hashable {
    /// Modbus TCP on an IPv4 address. Port 0 lets the kernel pick a free port; read it back from
    /// `ModbusDeviceSimulator.endpoint`.
    case tcp(host: String, port: Int)
    /// Modbus RTU on the master side of a new pseudo-terminal. Clients open the slave side
    /// (`/dev/pts/N`) as they would a USB serial port; `link`, if given, is a symlink to it.
    case pseudoTerminal(link: String?)

    /// TCP on 127.0.0.1.
    public static func tcp(port: Int) -> SimulatorTransport { .tcp(host: "127.0.0.1", port: port) }
    /// RTU on a new pseudo-terminal, without a symlink.
    public static let pty = SimulatorTransport.pseudoTerminal(link: nil)
    public static func pty(link: String) -> SimulatorTransport { .pseudoTerminal(link: link) }
}

/// How cell time relates to wall time.
public enum SimulationClock: Sendable, Hashable {
    /// The physics loop steps the cell every sample period of cell time, with cell time running
    /// `speed` times as fast as wall time (1 = real time). Clients see the instrument evolve
    /// whether or not they poll it, as on the bench.
    case realTime(speed: Double)
    /// The cell advances one sample period each time a client polls the measured values (a read
    /// that covers `actual_voltage`), and not otherwise. Runs as fast as the client reads, and a
    /// client that knows the sample period can integrate its readings exactly: the mode for
    /// reproducible tests (`echem-sim --speed max`).
    case lockstep
}

/// The cell behind each simulated unit.
public enum SimulatedCell: Sendable, Hashable {
    /// A shipped parameter set (`ChemistryLibrary.names`) sized to a capacity in Ah.
    case chemistry(String, capacityAh: Double, initialSOC: Double? = nil)
    /// A job's cell description, sized as `SimulatedChannel.forCell` sizes it.
    case metadata(CellMetadata)
}

/// The simulated unit's rating: what its nominal registers report and what the percentage
/// scalings of an EA-style profile are relative to. Pick it to suit the cell: one count of an EA
/// current register is nominal current / 52428, so a 1000 A rating cannot resolve a coin cell.
public struct DeviceRatings: Sendable, Hashable {
    public var voltage: Double
    public var current: Double
    public var power: Double

    public init(voltage: Double, current: Double, power: Double? = nil) {
        self.voltage = voltage
        self.current = current
        self.power = power ?? voltage * current
    }

    /// The family's envelope from the profile's `[limits]`.
    public static func envelope(of profile: DeviceProfile) -> DeviceRatings {
        DeviceRatings(voltage: profile.limits.maxVoltage, current: profile.limits.maxCurrent,
                      power: profile.limits.maxPower)
    }
}

/// An initial value for a register that the physics does not drive (identity, user text, limits).
public enum RegisterPreset: Sendable, Hashable {
    /// An SI value, through the register's scaling (a code register takes its raw number).
    case value(Double)
    /// Text for a `string` register.
    case text(String)
}

extension ModbusDeviceSimulator {
    /// Everything a simulator needs; `ModbusDeviceSimulator.init(profile:transport:…)` fills in the
    /// usual defaults.
    public struct Configuration: Sendable {
        public var profile: DeviceProfile
        public var transport: SimulatorTransport
        /// Unit ids served, each a separate instrument with its own cell (RTU: on one line).
        public var units: [Int]
        public var cell: SimulatedCell
        /// nil: the profile's envelope (`[limits]`).
        public var ratings: DeviceRatings?
        /// Initial values by register name (`device_class`, `serial_number`, …).
        public var presets: [String: RegisterPreset]
        public var clock: SimulationClock
        /// Cell time per physics step (s).
        public var samplePeriod: Double
        public var noise: SimulatedChannel.Noise
        public var faults: FaultPlan
        /// Called (on the server thread) for every injected fault and for notable events; keep it short.
        public var log: (@Sendable (String) -> Void)?

        public init(profile: DeviceProfile, transport: SimulatorTransport, units: [Int] = [1], cell: SimulatedCell,
                    ratings: DeviceRatings? = nil, presets: [String: RegisterPreset] = [:],
                    clock: SimulationClock = .realTime(speed: 1), samplePeriod: Double = 0.1,
                    noise: SimulatedChannel.Noise = .none, faults: FaultPlan = .none,
                    log: (@Sendable (String) -> Void)? = nil) {
            self.profile = profile
            self.transport = transport
            self.units = units
            self.cell = cell
            self.ratings = ratings
            self.presets = presets
            self.clock = clock
            self.samplePeriod = samplePeriod
            self.noise = noise
            self.faults = faults
            self.log = log
        }
    }
}

/// Why a simulator could not be set up.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
