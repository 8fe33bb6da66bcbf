import EchemCore
import EchemDrivers
import EchemWireSim
import Testing

/// echemd's Modbus channel driver on the simulator: the sign convention and the CC → CV
/// hand-over as the engine sees them. Both on the lockstep clock: each reading is one 1 s step of
/// the cell, so the test is deterministic however loaded the machine is.
@Suite("Channel driver on the simulator")
struct ChannelDriverTests {
    @Test("CCCV charge then CC discharge: + charges, − discharges, as the engine expects")
    func driverSigns() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(samplePeriod: 1, clock: .lockstep)
        sim.start()
        defer { sim.stop() }
        let bus = ModbusBus(sim.busConfiguration())
        defer { Task { await bus.close() } }
        let channel = try await ModbusSourceSinkChannel.connect(
            profile: sim.configuration.profile, bus: bus, unit: 1, clock: SampleClock(pacing: .lockstep, period: 1),
            minVolts: 3.0, maxVolts: 3.6, maxAmperes: 5e-3, maxWatts: nil)
        let count = try DeviceRegisters(profile: sim.configuration.profile, bus: bus, unit: 1,
                                        nominals: ["nominal_current": Double(Float(0.01))]).converter("actual_current").resolution()

        try await channel.apply(Setpoint(.current(amperes: 1e-3), maxVolts: 3.6))
        var charge: [ChannelReading] = []
        for _ in 0..<10 { charge.append(try await channel.nextReading()) }
        #expect(charge.allSatisfy { $0.amperes > 0 }, "charging reads positive")
        #expect(abs(charge.last!.amperes - 1e-3) <= count || charge.last!.volts > 3.59, "CC at 1 mA, or already in CV")

        try await channel.apply(Setpoint(.current(amperes: -2e-3), minVolts: 3.0))
        _ = try await channel.nextReading()   // the sample in flight when the set-points changed
        var discharge: [ChannelReading] = []
        for _ in 0..<10 { discharge.append(try await channel.nextReading()) }
        #expect(discharge.allSatisfy { abs($0.amperes + 2e-3) <= count }, "discharging reads −2 mA")
        #expect(sim.lastReading(unit: 1)!.amperes < 0)

        try await channel.outputOff()
        #expect(sim.controls(unit: 1)?.output == false)
    }
}
