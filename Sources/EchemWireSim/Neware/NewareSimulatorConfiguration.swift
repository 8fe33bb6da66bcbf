import EchemCore
import EchemDrivers
import EchemSim

/// How simulated test time relates to wall time in the BTS simulator.
public enum NewareClock: Sendable, Hashable {
    /// Running tests advance `speed` times as fast as wall time (1 = real time), whether or not
    /// anyone polls, as on the bench.
    case realTime(speed: Double)
    /// Running tests advance as fast as the CPU allows, on the simulator's own thread
    /// (`echem-sim neware --speed max`): a 9-day protocol finishes in seconds.
    case unbounded
    /// Running tests advance by `seconds` of test time at each `inquire`, and otherwise only
    /// through `NewareSimulator.advance(seconds:)`: reproducible tests that pause, goto and
    /// stop at chosen moments.
    case lockstep(seconds: Double)
}

/// Which channels the simulated BTS Client reports in `getdevinfo`.
public struct NewareTopology: Sendable, Hashable {
    /// 27 = BTS85, as in both real captures.
    public var devtype: Int
    /// The middle machine's IP reported for every channel.
    public var ip: String
    public var deviceIDs: [Int]
    public var subdevicesPerDevice: Int
    public var channelsPerSubdevice: Int

    public init(devtype: Int = 27, ip: String = "127.0.0.1", deviceIDs: [Int] = [1, 2], subdevicesPerDevice: Int = 1,
                channelsPerSubdevice: Int = 8) {
        self.devtype = devtype
        self.ip = ip
        self.deviceIDs = deviceIDs
        self.subdevicesPerDevice = subdevicesPerDevice
        self.channelsPerSubdevice = channelsPerSubdevice
    }

    /// `devices` devices numbered from `firstDeviceID`, each with sub-devices of 8 channels.
    public init(devices: Int, firstDeviceID: Int = 1, subdevicesPerDevice: Int = 1, channelsPerSubdevice: Int = 8) {
        self.init(deviceIDs: Array(firstDeviceID..<(firstDeviceID + max(0, devices))), subdevicesPerDevice: subdevicesPerDevice,
                  channelsPerSubdevice: channelsPerSubdevice)
    }

    /// Every channel, in `getdevinfo` order.
    public var channels: [BTSChannelAddress] {
        var out: [BTSChannelAddress] = []
        for d in deviceIDs {
            for s in 1...max(1, subdevicesPerDevice) {
                for c in 1...max(1, channelsPerSubdevice) {
                    out.append(BTSChannelAddress(ip: ip, devtype: devtype, devid: d, subdevid: s, chlid: c))
                }
            }
        }
        return out
    }
}

extension NewareSimulator {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (read it back from `NewareSimulator.port`).
        public var port: Int
        public var topology: NewareTopology
        /// The cell put on a channel at each `start` (a new test, a new cell).
        public var cell: SimulatedCell
        public var clock: NewareClock
        /// Test time per physics step (s). Detail rows fall on multiples of it.
        public var samplePeriod: Double
        /// How current, capacity and energy are reported (a BTS Client setting, §1.5 quirk 6).
        public var unitScale: BTSUnitScale
        /// Where Windows paths in `start` are looked up: `C:\steps\a.xml` → `ROOT/steps/a.xml`.
        /// POSIX absolute paths are used as they are.
        public var stepFileRoot: String?
        /// The channel's output range; a step file beyond it is refused at `start`.
        public var minVolts: Double
        public var maxVolts: Double
        public var maxAbsCurrent: Double
        /// Reply `subdevid="1"` in `getchlstatus` whatever was asked (quirk 2, seen on BTS 8).
        public var strayStatusSubdevice: Bool
        /// Called for notable events (test start/end, refused requests); keep it short.
        public var log: (@Sendable (String) -> Void)?

        public init(host: String = "127.0.0.1", port: Int = 0, topology: NewareTopology = NewareTopology(),
                    cell: SimulatedCell = .chemistry("ideal_linear", capacityAh: 1e-3), clock: NewareClock = .realTime(speed: 1),
                    samplePeriod: Double = 1, unitScale: BTSUnitScale = .amperes, stepFileRoot: String? = nil,
                    minVolts: Double = -5, maxVolts: Double = 5, maxAbsCurrent: Double = 0.1,
                    strayStatusSubdevice: Bool = true, log: (@Sendable (String) -> Void)? = nil) {
            self.host = host
            self.port = port
            self.topology = topology
            self.cell = cell
            self.clock = clock
            self.samplePeriod = samplePeriod
            self.unitScale = unitScale
            self.stepFileRoot = stepFileRoot
            self.minVolts = minVolts
            self.maxVolts = maxVolts
            self.maxAbsCurrent = maxAbsCurrent
            self.strayStatusSubdevice = strayStatusSubdevice
            self.log = log
        }
    }
}
