import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim

/// A simulator in-process and echemd's own Modbus client on it (`ModbusBus` + `DeviceRegisters`),
/// as the daemon will use them.
struct SimulatorClient {
    let sim: ModbusDeviceSimulator
    let bus: ModbusBus
    var regs: DeviceRegisters

    /// Starts `sim`, connects a bus to it and reads the nominal values the scalings need.
    static func start(_ sim: ModbusDeviceSimulator, unit: Int? = nil, retry: ModbusRetryPolicy = .none,
                      responseTimeout: Duration? = nil) async throws -> SimulatorClient {
        sim.start()
        var config = sim.busConfiguration(retry: retry)
        if let responseTimeout { config.responseTimeout = responseTimeout }
        let bus = ModbusBus(config)
        var regs = DeviceRegisters(profile: sim.configuration.profile, bus: bus, unit: unit ?? sim.units[0])
        try await regs.readNominals()
        return SimulatorClient(sim: sim, bus: bus, regs: regs)
    }

    /// Another device on the same bus.
    func device(unit: Int) async throws -> DeviceRegisters {
        var r = DeviceRegisters(profile: sim.configuration.profile, bus: bus, unit: unit)
        try await r.readNominals()
        return r
    }

    func stop() async {
        await bus.close()
        sim.stop()
    }

    /// One count of a register, in SI.
    func resolution(_ name: String, at si: Double = 0) throws -> Double {
        try regs.converter(name).resolution(at: si)
    }

    /// One sample as the driver takes it: voltage, then current.
    func poll(_ r: DeviceRegisters? = nil) async throws -> (volts: Double, amperes: Double) {
        let d = r ?? regs
        let v = try await d.read("actual_voltage")
        let i = try await d.read("actual_current")
        return (v, i)
    }

    /// EA-style source/sink set-up: remote on, the three set-points, output on. Returns the
    /// set-points as the device holds them (quantized).
    @discardableResult
    func program(volts: Double, amperes: Double, sinkAmperes: Double, on r: DeviceRegisters? = nil) async throws
        -> (volts: Double, amperes: Double, sinkAmperes: Double) {
        let d = r ?? regs
        try await d.run(.remoteOn)
        let v = try await d.write("set_voltage", volts)
        let i = try await d.write("set_current", amperes)
        let s = try await d.write("set_sink_current", sinkAmperes)
        try await d.run(.outputOn)
        return (v, i, s)
    }

    /// The cell's charge counters (Ah) behind unit `unit`.
    func cellCharge(unit: Int? = nil) -> (charged: Double, discharged: Double) {
        let s = sim.channel(unit: unit ?? regs.unit)!.state().cell.state
        return (s.chargedAh, s.dischargedAh)
    }
}

extension ModbusDeviceSimulator {
    /// An EA PSB with a coin-cell rating and an `ideal_linear` 1 mAh cell at 50 % (3.5 V), in
    /// lockstep so every poll is one sample period of cell time.
    static func eaCoinCell(_ transport: SimulatorTransport = .tcp(port: 0), units: [Int] = [1], samplePeriod: Double = 10,
                           profile: DeviceProfile? = nil, faults: FaultPlan = .none,
                           clock: SimulationClock = .lockstep) throws -> ModbusDeviceSimulator {
        try ModbusDeviceSimulator(.init(profile: profile ?? Fixtures.ea, transport: transport, units: units,
                                        cell: .chemistry("ideal_linear", capacityAh: 1e-3, initialSOC: 0.5),
                                        ratings: Fixtures.coinCellRating, clock: clock, samplePeriod: samplePeriod,
                                        faults: faults))
    }
}
