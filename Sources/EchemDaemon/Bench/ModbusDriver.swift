import EchemCore
import EchemDrivers
import Foundation
import Synchronization

/// A Modbus source/sink or load on one channel. The bus and the device connection live as long as
/// the daemon; each run gets a channel that connects on first use (connecting is async, and a
/// device that is down must fail the run, not the daemon's start).
public final class ModbusDriver: BenchDriver {
    public let ref: ModbusProfileRef
    public let bus: ModbusBus
    let channelID: String
    let limits: HardLimits
    private let connected = Mutex<ModbusSourceSinkChannel?>(nil)
    /// Outlives connections, so a run's time carries on across a device outage.
    let clock: SampleClock

    public init(channel: ChannelConfig, ref: ModbusProfileRef, events: (@Sendable (ModbusBusEvent) -> Void)? = nil) throws {
        self.ref = ref
        self.channelID = channel.id
        self.limits = channel.limits
        self.clock = SampleClock(pacing: ref.pacing, period: ref.samplePeriod)
        self.bus = ModbusBus(try ModbusDriver.busConfiguration(address: channel.address, profile: ref.profile), events: events)
    }

    /// `tcp://HOST:PORT` or `HOST:PORT` for Modbus TCP; a device path (`/dev/serial/by-id/…`,
    /// `/dev/ttyUSB0`) for RTU with the profile's framing.
    static func busConfiguration(address: String?, profile: DeviceProfile) throws -> ModbusBusConfiguration {
        guard let address, !address.isEmpty else {
            throw ChannelError.unsupported("a modbus channel needs an address: tcp://HOST:PORT or a serial device path")
        }
        if address.hasPrefix("/") { return profile.transport.busConfiguration(serialPath: address) }
        let hostPort = address.hasPrefix("tcp://") ? String(address.dropFirst(6)) : address
        guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]) else {
            return profile.transport.busConfiguration(host: hostPort)
        }
        return profile.transport.busConfiguration(host: String(hostPort[..<colon]), port: port)
    }

    public var capabilities: ChannelCapabilities {
        let p = ref.profile
        var modes: Set<ControlKind> = [.rest, .current, .voltage, .cccv, .operatorPause]
        if p.register("set_power") != nil { modes.insert(.power) }
        if p.register("set_resistance") != nil { modes.insert(.resistance) }
        return ChannelCapabilities(modes: modes, minVolts: 0, maxVolts: p.limits.maxVoltage,
                                   maxAbsCurrent: p.limits.maxCurrent, maxAbsPower: p.limits.maxPower,
                                   minSamplePeriod: ref.samplePeriod)
    }

    public var describe: String {
        "\(ref.profile.device.family) over Modbus \(bus.configuration.endpoint) unit \(ref.unit), sampling every \(ref.samplePeriod) s\(ref.pacing == .lockstep ? " (lockstep clock)" : "")"
    }

    public func problem(with cell: CellMetadata?) -> String? { nil }

    public func attach(cell: CellMetadata?, restoring: Data?) throws -> any Channel {
        ConnectOnUse(driver: self, capabilities: capabilities)
    }

    public func snapshot(_ channel: any Channel) -> Data? { nil }

    /// Output off, if the device answers. A device that does not answer is already off or gone;
    /// the daemon's start must not wait on it for long.
    public func safeState() async {
        try? await channel().outputOff()
    }

    /// Forgets the connection after the device went away, so the next use connects afresh.
    func dropConnection() { connected.withLock { $0 = nil } }

    /// The connected device channel, connecting (nominals, remote on, output off) the first time.
    func channel() async throws -> ModbusSourceSinkChannel {
        if let c = connected.withLock({ $0 }) { return c }
        let c = try await ModbusSourceSinkChannel.connect(
            profile: ref.profile, bus: bus, unit: ref.unit, clock: clock,
            minVolts: limits.minVolts, maxVolts: limits.maxVolts, maxAmperes: limits.maxAmperes, maxWatts: limits.maxWatts)
        connected.withLock { $0 = c }
        // Once per connection, on stderr (the journal): what the instrument itself will enforce.
        for line in c.protectionReport {
            FileHandle.standardError.write(Data("echemd: \(channelID): \(line)\n".utf8))
        }
        return c
    }
}

/// The run's view of a Modbus channel: every call connects first if needed. When the device
/// disappears mid-run (unplugged, powered off, network down) the channel waits for it, with the
/// output off, up to `maxOutage`; when it answers again the reading carries a note for the run's
/// log, its current is 0 (nothing flowed during the outage, so the charge count stays exact), and
/// the last set-point is applied again before the next reading.
final class ConnectOnUse: Channel, DeviceOutageReporting, @unchecked Sendable {
    // @unchecked: the mutable state is touched only by the engine task that owns the channel
    // (the outage handler is set before the run starts).
    let driver: ModbusDriver
    let capabilities: ChannelCapabilities
    let maxOutage: Duration
    private var lastSetpoint: Setpoint?
    private var reapply = false
    private var outageHandler: (@Sendable (DeviceOutage) -> Void)?

    func onOutage(_ handler: @escaping @Sendable (DeviceOutage) -> Void) { outageHandler = handler }

    init(driver: ModbusDriver, capabilities: ChannelCapabilities, maxOutage: Duration = .seconds(3600)) {
        self.driver = driver
        self.capabilities = capabilities
        self.maxOutage = maxOutage
    }

    func apply(_ setpoint: Setpoint) async throws {
        lastSetpoint = setpoint
        try await driver.channel().apply(setpoint)
    }

    func nextReading() async throws -> ChannelReading {
        if reapply, let sp = lastSetpoint {
            try await driver.channel().apply(sp)
            reapply = false
        }
        do {
            return try await driver.channel().nextReading()
        } catch let error as ChannelError {
            guard case .disconnected(let why) = error else { throw error }
            return try await waitForDevice(since: .now, reason: why)
        }
    }

    private func waitForDevice(since start: ContinuousClock.Instant, reason: String) async throws -> ChannelReading {
        driver.dropConnection()
        outageHandler?(.lost("device lost (\(reason)); output off, waiting for it up to \(maxOutage.components.seconds) s"))
        while ContinuousClock.now - start < maxOutage {
            try await Task.sleep(for: .seconds(1))
            guard let device = try? await driver.channel() else { continue }
            var r = try await device.nextReading()
            let outage = ContinuousClock.now - start
            r.amperes = 0
            r.note = "device lost (\(reason)); back after \(outage.components.seconds) s with its output off; the set-point is applied again"
            reapply = lastSetpoint != nil
            outageHandler?(.back("device back after \(outage.components.seconds) s; the set-point is applied again"))
            return r
        }
        throw ChannelError.disconnected("the device did not come back within \(maxOutage.components.seconds) s: \(reason)")
    }

    func outputOff() async throws { try await driver.channel().outputOff() }
    func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] { try await driver.channel().measureImpedance(spec) }
    func setChamberTemperature(_ celsius: Double) async throws { try await driver.channel().setChamberTemperature(celsius) }
}
