import EchemCore
import EchemDrivers
import EchemStore
import Foundation

/// Everything `echemd` is configured with: `/etc/echemd/echemd.toml`, or the built-in simulated
/// bench when there is no file. Values are SI; the TOML file accepts unit strings ("5 V", "50 mA").
public struct DaemonConfig: Sendable {
    /// Stored with every run, so data from many benches can be merged.
    public var bench: String
    /// nil: `$STATE_DIRECTORY`, else `/var/lib/echemd` as root, else a per-user folder.
    public var stateDirectory: String?
    /// nil: `$RUNTIME_DIRECTORY/echemd.sock`, else `/run/echemd/echemd.sock` as root, else per-user.
    public var socketPath: String?
    /// The group the socket file is given when echemd binds it (socket activation sets its own).
    public var socketGroup: String?
    /// Members may submit and control; other peers that can open the socket may only watch.
    public var controlGroup: String?
    /// What happens to a run found interrupted at start, unless its job says otherwise.
    public var recovery: RecoveryPolicy
    public var durability: StoreOptions.Durability
    public var simulation: SimulationSettings
    public var channels: [ChannelConfig]
    /// Device profiles for hot-plug matching; nil: /usr/share/echemd/drivers, else ./drivers.
    public var driversFolder: String?
    /// Bytes queued for one socket client before it is dropped as too slow (the engine never waits).
    public var clientBufferBytes: Int = 4 << 20
    /// Where the configuration came from, for status and logs.
    public var source: String

    public init(bench: String, stateDirectory: String? = nil, socketPath: String? = nil, socketGroup: String? = nil,
                controlGroup: String? = nil, recovery: RecoveryPolicy = .resume, durability: StoreOptions.Durability = .full,
                simulation: SimulationSettings = SimulationSettings(), channels: [ChannelConfig], source: String) {
        self.bench = bench
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
        self.socketGroup = socketGroup
        self.controlGroup = controlGroup
        self.recovery = recovery
        self.durability = durability
        self.simulation = simulation
        self.channels = channels
        self.source = source
    }

    /// With no configuration file: 8 simulated cycler channels and 1 simulated potentiostat, with
    /// the simulators' own ranges as hard limits, so a new user sees the daemon work at once.
    public static func simulatedBench(bench: String = ProcessInfo.processInfo.hostName) -> DaemonConfig {
        var channels = (1...8).map { i in
            ChannelConfig(id: "cyc-\(i)", driver: .simulatedCycler, address: nil,
                          limits: HardLimits(minVolts: -5, maxVolts: 5, maxAmperes: 0.05, maxWatts: 0.25))
        }
        channels.append(ChannelConfig(id: "pstat-1", driver: .simulatedPotentiostat, address: nil,
                                      limits: HardLimits(minVolts: -10, maxVolts: 10, maxAmperes: 0.4, maxWatts: 4)))
        return DaemonConfig(bench: bench, channels: channels, source: "built-in simulated bench (no configuration file)")
    }
}

/// How simulated channels behave: their clock, sampling and noise.
public struct SimulationSettings: Sendable, Hashable {
    /// Channel time per wall second (1 = real time); nil runs as fast as the CPU allows.
    public var speed: Double?
    /// Channel seconds between readings.
    public var samplePeriod: Double
    /// Voltage noise σ (V) on what simulated channels report.
    public var noiseVolts: Double

    public init(speed: Double? = 1, samplePeriod: Double = 1, noiseVolts: Double = 0) {
        self.speed = speed
        self.samplePeriod = samplePeriod
        self.noiseVolts = noiseVolts
    }
}

/// One channel the daemon owns.
public struct ChannelConfig: Sendable, Hashable {
    public var id: String
    public var driver: DriverKind
    /// Device address for hardware drivers (`/dev/serial/by-id/…`, `host:port`); unused by simulators.
    public var address: String?
    public var limits: HardLimits
    /// Hardware drivers: the device profile (`drivers/*.toml`), its unit id on the bus, and the
    /// channel's sampling period.
    public var profile: ModbusProfileRef?
    /// MethodSCRIPT potentiostats: the model, baud and hold sampling period.
    public var methodscript: MethodSCRIPTRef?
    /// Neware channels: the BTS Client, the channel, units and the step-file folder.
    public var neware: NewareRef?

    public init(id: String, driver: DriverKind, address: String?, limits: HardLimits, profile: ModbusProfileRef? = nil,
                methodscript: MethodSCRIPTRef? = nil, neware: NewareRef? = nil) {
        self.methodscript = methodscript
        self.neware = neware
        self.id = id
        self.driver = driver
        self.address = address
        self.limits = limits
        self.profile = profile
    }
}

/// The drivers this daemon build knows. Hardware drivers arrive with their issues (Modbus,
/// MethodSCRIPT, Neware BTS); each names itself here.
public enum DriverKind: String, Sendable, Hashable, CaseIterable, Codable {
    case simulatedCycler = "sim-cycler"
    case simulatedPotentiostat = "sim-potentiostat"
    /// A Modbus source/sink or load (EA PSB, Maynuo M97) described by a profile in `drivers/`.
    case modbus
    /// A PalmSens MethodSCRIPT potentiostat (Nexus, EmStat4, EmStat Pico) on a serial port.
    case methodscript
    /// A Neware tester channel through the BTS Client's API (supervisor mode: the tester runs a
    /// step file compiled from the protocol; echemd starts, watches and downloads it).
    case neware
}

/// A Modbus channel's device: its loaded profile, unit id, sampling period and pacing.
public struct ModbusProfileRef: Sendable, Hashable {
    public var path: String
    public var profile: DeviceProfile
    public var unit: Int
    public var samplePeriod: Double
    /// `lockstep` only with a lockstep simulator (`echem-sim --speed max`); hardware is `realTime`.
    public var pacing: SamplePacing

    public init(path: String, profile: DeviceProfile, unit: Int, samplePeriod: Double, pacing: SamplePacing = .realTime) {
        self.path = path
        self.profile = profile
        self.unit = unit
        self.samplePeriod = samplePeriod
        self.pacing = pacing
    }
}

/// A channel's hard limits: no protocol can command beyond them, and a reading beyond them puts
/// the channel in its safe state (output off, open circuit) and fails the run.
public struct HardLimits: Sendable, Hashable, Codable {
    public var minVolts: Double
    public var maxVolts: Double
    public var maxAmperes: Double
    public var maxWatts: Double?
    public var minCelsius: Double?
    public var maxCelsius: Double?

    public init(minVolts: Double, maxVolts: Double, maxAmperes: Double, maxWatts: Double? = nil,
                minCelsius: Double? = nil, maxCelsius: Double? = nil) {
        self.minVolts = minVolts
        self.maxVolts = maxVolts
        self.maxAmperes = maxAmperes
        self.maxWatts = maxWatts
        self.minCelsius = minCelsius
        self.maxCelsius = maxCelsius
    }
}
