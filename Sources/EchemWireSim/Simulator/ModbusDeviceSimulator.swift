import EchemCore
import EchemDrivers
import EchemSim
import Synchronization

/// A Modbus instrument in software: a libmodbus server that publishes a device profile's register
/// map and behaves like the instrument, with the spine's cell model at its terminals.
///
/// Set-points a client writes are decoded through the profile's scaling; the instrument's
/// regulation (`Regulator`) turns them into a drive for the cell, a physics loop steps the cell,
/// and the measured registers show each reading quantized to one count, so the client sees the
/// real resolution. Faults (lost, damaged, late replies, dropped connections) are injected by a
/// seeded plan.
///
/// ```swift
/// let sim = try ModbusDeviceSimulator(profile: ea, transport: .tcp(port: 0), unit: 1,
///                                     cell: .chemistry("ideal_linear", capacityAh: 1e-3),
///                                     ratings: DeviceRatings(voltage: 10, current: 0.01))
/// sim.start()
/// let bus = ModbusBus(sim.busConfiguration())       // or sim.endpoint
/// …
/// sim.stop()
/// ```
///
/// The port (or the pty) is taken by `init`, so `endpoint` is known before `start()`; a client
/// that connects in between waits in the listen backlog.
public final class ModbusDeviceSimulator: Sendable {
    public let configuration: Configuration
    /// Where clients connect: `.tcp(host:port:)` with the real port, or `.rtu(path:framing:)`
    /// with the pty's slave path and the profile's framing.
    public let endpoint: ModbusEndpoint
    private let devices: [Int: SimulatedDevice]
    private let counterBox: CounterBox
    private let server: Server
    private let tasks = Mutex<[Task<Void, Never>]?>(nil)
    private let stopped = Atomic<Bool>(false)

    private enum Server: Sendable {
        case tcp(TCPServer)
        case rtu(RTUServer)
    }

    public convenience init(_ configuration: Configuration) throws(SimulatorError) {
        try self.init(configuration, terminals: nil)
    }

    /// `terminals`: a cell shared with another instrument (`echem-sim pair`), wired to the one unit
    /// instead of a cell of its own.
    init(_ configuration: Configuration, terminals: (any DeviceTerminals)?) throws(SimulatorError) {
        let c = configuration
        if terminals != nil, c.units.count != 1 {
            throw SimulatorError("units: a shared cell is wired to exactly one unit")
        }
        guard !c.units.isEmpty, Set(c.units).count == c.units.count else {
            throw SimulatorError("units: give one or more distinct unit ids")
        }
        guard c.samplePeriod > 0, c.samplePeriod.isFinite else { throw SimulatorError("the sample period must be > 0") }
        if case .realTime(let speed) = c.clock, !(speed > 0 && speed.isFinite) {
            throw SimulatorError("the speed must be > 0")
        }
        let isRTU: Bool
        if case .pseudoTerminal = c.transport { isRTU = true } else { isRTU = false }
        for u in c.units {
            // RTU unit 0 is the broadcast address: libmodbus never answers it, and neither do
            // standard slaves (research §3.1).
            guard isRTU ? (1...247).contains(u) : (0...255).contains(u) else {
                throw SimulatorError("unit \(u): RTU units are 1…247 (0 is the broadcast address); TCP units 0…255")
            }
        }
        let ratings = c.ratings ?? DeviceRatings.envelope(of: c.profile)
        guard ratings.voltage > 0, ratings.current > 0, ratings.power > 0 else {
            throw SimulatorError("the ratings must be > 0 (nominal voltage, current and power)")
        }
        var devices: [Int: SimulatedDevice] = [:]
        for u in c.units {
            devices[u] = try SimulatedDevice(unit: u, profile: c.profile, ratings: ratings, presets: c.presets, cell: c.cell,
                                             samplePeriod: c.samplePeriod, noise: c.noise,
                                             lockstep: c.clock == .lockstep, terminals: terminals, log: c.log)
        }
        let counters = CounterBox()
        let handler = try RequestHandler(devices: devices, counters: counters, faults: c.faults, isRTU: isRTU, log: c.log)
        switch c.transport {
        case .tcp(let host, let port):
            let s = try TCPServer(host: host, port: port, handler: handler, counters: counters)
            server = .tcp(s)
            endpoint = s.endpoint
        case .pseudoTerminal(let link):
            let s = try RTUServer(link: link, framing: c.profile.transport.framing, handler: handler, counters: counters)
            server = .rtu(s)
            endpoint = s.endpoint
        }
        self.configuration = c
        self.devices = devices
        counterBox = counters
    }

    /// One unit on a transport; see `Configuration` for the defaults.
    public convenience init(profile: DeviceProfile, transport: SimulatorTransport, unit: Int = 1, cell: SimulatedCell,
                            ratings: DeviceRatings? = nil, clock: SimulationClock = .realTime(speed: 1),
                            samplePeriod: Double = 0.1, faults: FaultPlan = .none,
                            log: (@Sendable (String) -> Void)? = nil) throws(SimulatorError) {
        try self.init(Configuration(profile: profile, transport: transport, units: [unit], cell: cell, ratings: ratings,
                                    clock: clock, samplePeriod: samplePeriod, faults: faults, log: log))
    }

    deinit { stop() }

    /// Starts serving and the physics loops. Idempotent.
    public func start() {
        let c = configuration
        let started: Bool = tasks.withLock { tasks in
            guard tasks == nil, !stopped.load(ordering: .acquiring) else { return false }
            tasks = devices.values.map { device in
                Task { await device.runPhysics(clock: c.clock, samplePeriod: c.samplePeriod, log: c.log) }
            }
            return true
        }
        guard started else { return }
        switch server {
        case .tcp(let s): s.start()
        case .rtu(let s): s.start()
        }
    }

    /// Stops serving (returns once the server thread has ended), closes the port or pty, removes
    /// the link, then ends the physics loops. Idempotent; a stopped simulator does not start again.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch server {
        case .tcp(let s): s.stop()
        case .rtu(let s): s.stop()
        }
        for device in devices.values { device.finishSteps() }
        tasks.withLock { $0?.forEach { $0.cancel() } }
    }

    // MARK: - What tests and the daemon look at

    /// Requests, replies and injected faults so far.
    public var counters: SimulatorCounters { counterBox.snapshot }

    /// The unit ids served, ascending.
    public var units: [Int] { devices.keys.sorted() }

    /// The cell model behind a unit (its `state()` holds the cell's charge counters).
    public func channel(unit: Int) -> SimulatedChannel? { devices[unit]?.channel }

    /// What the unit's client has set, decoded to SI.
    public func controls(unit: Int) -> DeviceControls? { devices[unit]?.controls }

    /// The drive the unit's regulation last applied to the cell.
    public func appliedSetpoint(unit: Int) -> Setpoint? { devices[unit]?.applied }

    /// Physics steps taken by the unit.
    public func steps(unit: Int) -> Int { devices[unit]?.steps ?? 0 }

    /// The unit's last reading, unquantized (cell time, V, I with echemd's sign: + charges).
    public func lastReading(unit: Int) -> ChannelReading? { devices[unit]?.lastReading }

    /// A register's words as a client would read them now.
    public func registerWords(_ name: String, unit: Int) -> [UInt16]? { devices[unit]?.words(name) }

    /// A bus configuration for a client of this simulator: its endpoint with the profile's
    /// timing (responses within 500 ms on the EA and Maynuo profiles).
    public func busConfiguration(retry: ModbusRetryPolicy = ModbusRetryPolicy()) -> ModbusBusConfiguration {
        let t = configuration.profile.transport
        return ModbusBusConfiguration(endpoint: endpoint, responseTimeout: t.responseTimeout, byteTimeout: t.byteTimeout,
                                      retry: retry, interFrameDelay: t.interFrameDelay, unitZeroReplies: t.unitZeroReplies)
    }
}
