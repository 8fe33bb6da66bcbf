import EchemCore
import EchemDrivers
import EchemWireSim
import Testing

/// The Maynuo M97 profile: a discharge-only load programmed with FC16 float registers and a
/// command register that selects its mode and switches its input.
@Suite("Maynuo M97 load over RTU")
struct LoadProfileTests {
    static func start(soc: Double = 0.8) async throws -> SimulatorClient {
        let sim = try ModbusDeviceSimulator(.init(profile: Fixtures.maynuo, transport: .pty, units: [1],
                                                  cell: .chemistry("ideal_linear", capacityAh: 1e-3, initialSOC: soc),
                                                  clock: .lockstep, samplePeriod: 10))
        return try await SimulatorClient.start(sim, responseTimeout: .milliseconds(300))
    }

    @Test("CC: sinks IFIX in mode cc once the input is on; float32 registers carry it to the last bit")
    func constantCurrentDischarge() async throws {
        let client = try await Self.start()
        defer { Task { await client.stop() } }
        let load = client.regs
        try await load.run(.remoteOn)
        let set = try await load.write("set_sink_current", 1e-3)
        try await load.run(.modeCC)
        #expect(try await load.readWords("output") == [0], "ISTATE: input still off")
        _ = try await client.poll()
        #expect(client.cellCharge().discharged == 0, "nothing flows before input_on")

        try await load.run(.outputOn)
        #expect(try await load.readWords("output") == [1])
        #expect(client.sim.controls(unit: 1)?.mode == .cc)
        var samples: [(volts: Double, amperes: Double)] = []
        for _ in 0..<30 { samples.append(try await client.poll()) }
        for s in samples { #expect(s.amperes == set, "\(s.amperes) A against \(set) A: same float32") }
        for (a, b) in zip(samples, samples.dropFirst()) { #expect(b.volts < a.volts, "a load only discharges") }
        #expect(client.sim.lastReading(unit: 1)!.amperes < 0)
        let counted = samples.reduce(0) { $0 + $1.amperes * 10 } / 3600
        #expect(abs(counted / client.cellCharge().discharged - 1) < 1e-6)

        try await load.run(.outputOff)
        #expect(try await load.readWords("output") == [0])
        #expect(try await load.read("actual_current") == 0)
    }

    @Test("CR: I = V/R at every sample")
    func constantResistance() async throws {
        let client = try await Self.start()
        defer { Task { await client.stop() } }
        try await client.regs.run(.remoteOn)
        let ohms = try await client.regs.write("set_resistance", 3800)
        try await client.regs.run(.modeCR)
        try await client.regs.run(.outputOn)
        for _ in 0..<20 {
            let s = try await client.poll()
            #expect(abs(s.amperes - s.volts / ohms) <= 1e-6 * s.amperes, "\(s.amperes) A at \(s.volts) V across \(ohms) Ω")
        }
    }

    @Test("CV: sinks down to UFIX and holds it, the current tapering; never sources from below")
    func constantVoltage() async throws {
        let client = try await Self.start()
        defer { Task { await client.stop() } }
        try await client.regs.run(.remoteOn)
        let v = try await client.regs.write("set_voltage", 3.75)
        try await client.regs.run(.modeCV)
        try await client.regs.run(.outputOn)
        var samples: [(volts: Double, amperes: Double)] = []
        for _ in 0..<30 { samples.append(try await client.poll()) }
        for s in samples { #expect(abs(s.volts - v) < 1e-6, "holds \(v) V: \(s.volts)") }
        for (a, b) in zip(samples, samples.dropFirst()) { #expect(b.amperes <= a.amperes, "tapers") }
        #expect(samples.last!.amperes > 0)

        // A set voltage above the cell: a load cannot push current in.
        try await client.regs.write("set_voltage", 4.5)
        let s = try await client.poll()
        #expect(s.amperes == 0)
        #expect(client.cellCharge().charged == 0)
    }
}
