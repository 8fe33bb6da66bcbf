import EchemCore
import EchemDrivers
import EchemWireSim
import Testing

/// The instrument's own protection (OVP/OCP) programmed from the channel's hard limits: after the
/// driver connects, the firmware trips the output by itself, whatever a client writes next.
@Suite("Protection thresholds programmed from hard limits")
struct ProtectionTests {
    /// The EA map with OVP and OCP registers at test addresses (EA's real OVP/OCP addresses are not
    /// in our sources, so the shipped profile maps none).
    static func protectedProfile(verified: Bool = true) throws -> DeviceProfile {
        let anchor = "[control]"
        let extra = """
        [[registers]]
        name = "ovp"
        address = 510
        type = "u16"
        access = "rw"
        raw_full_scale = 52428
        value_full_scale = "100 % of nominal_voltage"
        raw_max = 53477
        verified = \(verified)

        [[registers]]
        name = "ocp"
        address = 511
        type = "u16"
        access = "rw"
        raw_full_scale = 52428
        value_full_scale = "100 % of nominal_current"
        raw_max = 53477
        verified = \(verified)

        [control]
        """
        return try Fixtures.profile("ea-psb-10000.toml", replacing: anchor, with: extra)
    }

    /// A lockstep simulator of `profile` and the driver connected to it with 3.0–3.6 V, 5 mA hard limits.
    static func connected(_ profile: DeviceProfile) async throws -> (ModbusDeviceSimulator, ModbusBus, ModbusSourceSinkChannel) {
        let sim = try ModbusDeviceSimulator(.init(profile: profile, transport: .tcp(port: 0), units: [1],
                                                  cell: .chemistry("ideal_linear", capacityAh: 1e-3, initialSOC: 0.5),
                                                  ratings: Fixtures.coinCellRating, clock: .lockstep, samplePeriod: 10))
        sim.start()
        let bus = ModbusBus(sim.busConfiguration())
        let channel = try await ModbusSourceSinkChannel.connect(
            profile: profile, bus: bus, unit: 1, clock: SampleClock(pacing: .lockstep, period: 10),
            minVolts: 3.0, maxVolts: 3.6, maxAmperes: 5e-3, maxWatts: nil)
        return (sim, bus, channel)
    }

    @Test("connect writes OVP/OCP from the hard limits and reads them back; the simulator then trips a runaway set-point")
    func programmedAndEnforced() async throws {
        let profile = try Self.protectedProfile()
        let (sim, bus, channel) = try await Self.connected(profile)
        defer { sim.stop(); Task { await bus.close() } }
        let controls = try #require(sim.controls(unit: 1))
        let count = 10.0 / 52428
        #expect(abs((controls.ovp ?? 0) - 3.6) <= count, "OVP holds the hard limit: \(controls.ovp ?? .nan) V")
        #expect(abs((controls.ocp ?? 0) - 5e-3) <= 0.01 / 52428, "OCP holds the hard limit: \(controls.ocp ?? .nan) A")
        #expect(channel.protectionReport.count == 2 && channel.protectionReport.allSatisfy { $0.contains("programmed to") })

        // A client gone wrong (echemd's own checks bypassed): 9 V and 8 mA written straight to the set-points.
        let regs = channel.registers
        try await regs.write("set_voltage", 9)
        try await regs.write("set_current", 8e-3)
        try await regs.run(.outputOn)
        var tripped = false
        for _ in 0..<50 {
            _ = try await regs.read("actual_voltage")   // one lockstep sample per poll
            if sim.controls(unit: 1)?.output == false { tripped = true; break }
        }
        #expect(tripped, "the firmware switched the output off")
        #expect(["OVP", "OCP"].contains(String(sim.controls(unit: 1)?.tripped?.prefix(3) ?? "")), "\(sim.controls(unit: 1)?.tripped ?? "no trip")")
        #expect(abs(try await regs.read("actual_current")) < 1e-9, "no current after the trip")
    }

    @Test("an unverified protection address is never written, and the log says to set it on the instrument")
    func unverifiedIsNotWritten() async throws {
        let profile = try Self.protectedProfile(verified: false)
        let (sim, bus, channel) = try await Self.connected(profile)
        defer { sim.stop(); Task { await bus.close() } }
        #expect(channel.protectionReport.allSatisfy { $0.contains("NOT programmed") && $0.contains("unverified") })
        // Still wide open, as shipped: the driver did not touch the registers.
        #expect((sim.controls(unit: 1)?.ovp ?? 0) > 10)
    }
}
