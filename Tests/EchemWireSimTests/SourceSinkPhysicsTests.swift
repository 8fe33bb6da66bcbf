import EchemCore
import EchemDrivers
import EchemWireSim
import Testing

/// The EA PSB simulator over Modbus TCP, driven by echemd's own client: what a client reads must
/// be the physics of the cell, at the resolution of the registers.
@Suite("EA source/sink physics over TCP")
struct SourceSinkPhysicsTests {
    static let dt = 10.0   // cell seconds per poll (lockstep)

    @Test("CC charge: current at the set-point within one count, voltage rising, coulomb count within 1 %")
    func constantCurrentCharge() async throws {
        let client = try await SimulatorClient.start(.eaCoinCell(samplePeriod: Self.dt))
        defer { Task { await client.stop() } }
        let set = try await client.program(volts: 4.2, amperes: 1e-3, sinkAmperes: 0)
        let count = try client.resolution("actual_current")
        #expect(abs(set.amperes - 1e-3) <= count / 2, "the set-point itself is quantized to half a count")

        var samples: [(volts: Double, amperes: Double)] = []
        for _ in 0..<60 { samples.append(try await client.poll()) }

        for s in samples { #expect(abs(s.amperes - set.amperes) <= count, "I = \(s.amperes) A") }
        for (a, b) in zip(samples, samples.dropFirst()) { #expect(b.volts > a.volts, "voltage rises under charge") }
        #expect(samples.last!.volts - samples.first!.volts > 0.1, "600 s at 1C moves a linear 1 V cell by > 0.1 V")

        // Coulomb counting from the polled current against the cell's own charge counter.
        let counted = samples.reduce(0) { $0 + $1.amperes * Self.dt } / 3600
        let cell = client.cellCharge().charged
        #expect(abs(counted - cell) <= 0.01 * cell, "counted \(counted) Ah, cell \(cell) Ah")
        #expect(client.sim.steps(unit: 1) == samples.count, "lockstep: one step per poll")
    }

    @Test("CV: at set_voltage the voltage holds within a count and the current tapers")
    func constantVoltageTaper() async throws {
        let client = try await SimulatorClient.start(.eaCoinCell(samplePeriod: 2))
        defer { Task { await client.stop() } }
        let set = try await client.program(volts: 3.6, amperes: 1e-3, sinkAmperes: 0)
        let vCount = try client.resolution("actual_voltage")
        let iCount = try client.resolution("actual_current")

        var samples: [(volts: Double, amperes: Double)] = []
        for _ in 0..<1500 { samples.append(try await client.poll()) }

        let reached = try #require(samples.firstIndex { abs($0.volts - set.volts) <= vCount }, "never reached set_voltage")
        #expect(reached >= 5, "a few CC samples first (reached after \(reached))")
        #expect(samples[..<reached].allSatisfy { abs($0.amperes - set.amperes) <= iCount }, "CC until the voltage is reached")
        let cv = samples[reached...]
        #expect(cv.allSatisfy { abs($0.volts - set.volts) <= vCount }, "CV holds the set voltage")
        for (a, b) in zip(cv, cv.dropFirst()) { #expect(b.amperes <= a.amperes + iCount, "the current only tapers") }
        #expect(cv.last!.amperes < 0.5 * set.amperes, "tapered to \(cv.last!.amperes) A")
        #expect(cv.last!.amperes > 0, "still charging")
    }

    @Test("sink: discharge at set_sink_current down to set_voltage, reported as a magnitude with the sink bit")
    func sinkDischarge() async throws {
        // The shipped EA profile names no sink bit yet; this variant names one, as the driver expects.
        let profile = try Fixtures.profile("ea-psb-10000.toml", replacing: "bits = {output = 7, remote = 11}",
                                           with: "bits = {output = 7, remote = 11, sink = 12}")
        let client = try await SimulatorClient.start(.eaCoinCell(samplePeriod: Self.dt, profile: profile))
        defer { Task { await client.stop() } }
        let set = try await client.program(volts: 3.0, amperes: 0, sinkAmperes: 1e-3)
        let count = try client.resolution("actual_current")

        var samples: [(volts: Double, amperes: Double)] = []
        for _ in 0..<30 { samples.append(try await client.poll()) }

        // EA's actual_current is a u16: the magnitude. The direction is the status bit.
        for s in samples { #expect(abs(s.amperes - set.sinkAmperes) <= count, "|I| = \(s.amperes) A") }
        #expect(try await client.regs.readBits("status") == ["output": true, "remote": true, "sink": true])
        #expect(client.sim.lastReading(unit: 1)!.amperes < 0, "the cell is discharged (echemd: + charges)")
        for (a, b) in zip(samples, samples.dropFirst()) { #expect(b.volts < a.volts, "voltage falls under discharge") }
        let counted = samples.reduce(0) { $0 + $1.amperes * Self.dt } / 3600
        let charge = client.cellCharge()
        #expect(charge.charged == 0)
        #expect(abs(counted - charge.discharged) <= 0.01 * charge.discharged)

        // Raise set_voltage above the cell: the same output now sources, and the bit clears.
        try await client.regs.write("set_voltage", 4.0)
        try await client.regs.write("set_current", 1e-3)
        _ = try await client.poll()
        #expect(try await client.regs.readBits("status")["sink"] == false)
        #expect(client.sim.lastReading(unit: 1)!.amperes > 0)
    }

    @Test("output off: current 0 at once, voltage relaxes towards the OCV")
    func outputOffRelaxes() async throws {
        let client = try await SimulatorClient.start(.eaCoinCell(samplePeriod: Self.dt))
        defer { Task { await client.stop() } }
        try await client.program(volts: 4.2, amperes: 1e-3, sinkAmperes: 0)
        var charging = (volts: 0.0, amperes: 0.0)
        for _ in 0..<60 { charging = try await client.poll() }
        #expect(charging.amperes > 0)

        try await client.regs.run(.outputOff)
        // Before any further step: the output stage is off, no current shows.
        #expect(try await client.regs.read("actual_current") == 0)
        #expect(try await client.regs.readBits("status")["output"] == false)

        var rest: [(volts: Double, amperes: Double)] = []
        for _ in 0..<60 { rest.append(try await client.poll()) }
        let vCount = try client.resolution("actual_voltage")
        #expect(rest.allSatisfy { $0.amperes == 0 })
        #expect(rest.first!.volts < charging.volts, "the I·R drop and the diffusion overpotential go")
        for (a, b) in zip(rest, rest.dropFirst()) { #expect(b.volts <= a.volts + vCount, "relaxing, never rising") }
        #expect(rest.first!.volts - rest.last!.volts > 5 * vCount, "the surface concentration relaxes (τ_D = 2500 s)")
        let ocv = client.sim.channel(unit: 1)!.state().cell.equilibriumVoltage()
        #expect(rest.last!.volts > ocv - vCount, "relaxes from above towards the equilibrium \(ocv) V")
        #expect(client.sim.appliedSetpoint(unit: 1) == .off)
    }

    @Test("set_power caps the charge: I = P/V when that is below set_current")
    func powerLimit() async throws {
        let client = try await SimulatorClient.start(.eaCoinCell(samplePeriod: Self.dt))
        defer { Task { await client.stop() } }
        let watts = try await client.regs.write("set_power", 2e-3)
        let set = try await client.program(volts: 4.2, amperes: 1e-3, sinkAmperes: 0)
        let pCount = try client.resolution("actual_power"), iCount = try client.resolution("actual_current")
        for _ in 0..<20 {
            let s = try await client.poll()
            let p = try await client.regs.read("actual_power")
            #expect(abs(p - watts) <= pCount, "P = \(p) W at the 2 mW limit")
            #expect(abs(s.amperes - watts / s.volts) <= 2 * iCount, "I = P/V: \(s.amperes) A at \(s.volts) V")
            #expect(s.amperes < set.amperes)
        }
        // Lifting the limit gives the set current back.
        try await client.regs.write("set_power", 0.1)
        _ = try await client.poll()
        #expect(abs(try await client.poll().amperes - set.amperes) <= iCount)
    }
}
