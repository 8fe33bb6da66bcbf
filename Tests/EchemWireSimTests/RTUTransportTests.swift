import EchemCore
import EchemDrivers
import EchemWireSim
import Foundation
import Testing

/// Modbus RTU on a pseudo-terminal: the same instrument through a serial line, unit ids on a
/// shared bus, and a slave's resynchronisation after frames that are not for it.
@Suite("RTU over a pseudo-terminal")
struct RTUTransportTests {
    @Test("unit 7: nominals, set-point round trip, output on, current within one count")
    func roundTripOnUnit7() async throws {
        let sim = try ModbusDeviceSimulator.eaCoinCell(.pty, units: [7], samplePeriod: 1)
        guard case .rtu(let path, let framing) = sim.endpoint else { Issue.record("not an RTU endpoint"); return }
        #expect(path.hasPrefix("/dev/pts/"))
        #expect(try framing == Fixtures.ea.transport.framing, "baud and framing come from the profile")
        let client = try await SimulatorClient.start(sim, responseTimeout: .milliseconds(300))
        defer { Task { await client.stop() } }

        #expect(client.regs.nominals == ["nominal_voltage": 10, "nominal_current": Double(Float(0.01)),
                                         "nominal_power": Double(Float(0.1))])
        #expect(try await client.regs.readText("manufacturer") == "EA Elektro-Automatik")
        let set = try await client.program(volts: 4.2, amperes: 2e-3, sinkAmperes: 0)
        #expect(try await client.regs.read("set_voltage") == set.volts, "the register holds what was written")
        #expect(try await client.regs.readWords("set_current") == [UInt16((2e-3 / 0.01 * 52428).rounded())])
        let count = try client.resolution("actual_current")
        for _ in 0..<5 {
            let s = try await client.poll()
            #expect(abs(s.amperes - set.amperes) <= count)
            #expect(s.volts > 3.5 && s.volts < 4.2)
        }
        #expect(try await client.regs.readBits("status") == ["output": true, "remote": true])
        #expect(client.sim.counters.badFrames == 0)
    }

    @Test("a request for a unit not on the line times out, and the next one is answered")
    func otherUnitThenResync() async throws {
        let client = try await SimulatorClient.start(.eaCoinCell(.pty, units: [7]), responseTimeout: .milliseconds(200))
        defer { Task { await client.stop() } }
        let absent = DeviceRegisters(profile: client.regs.profile, bus: client.bus, unit: 8,
                                     nominals: client.regs.nominals)
        await #expect(throws: DeviceRegisterError.self) { try await absent.read("actual_voltage") }
        #expect(client.sim.counters.otherUnits == 1)
        let v = try await client.regs.read("actual_voltage")
        #expect(abs(v - 3.5) < 0.01, "unit 7 answers at once: \(v) V")
        #expect(client.sim.counters.badFrames == 0, "the master's next request was not cut short")
    }

    @Test("two units on one line, each with its own cell: one charges while the other discharges")
    func twoUnitsOneLine() async throws {
        let client = try await SimulatorClient.start(.eaCoinCell(.pty, units: [1, 2], samplePeriod: 10))
        defer { Task { await client.stop() } }
        let second = try await client.device(unit: 2)
        let charge = try await client.program(volts: 4.2, amperes: 1e-3, sinkAmperes: 0)
        let discharge = try await client.program(volts: 3.0, amperes: 0, sinkAmperes: 2e-3, on: second)
        for _ in 0..<10 {
            _ = try await client.poll()
            _ = try await client.poll(second)
        }
        let one = client.cellCharge(unit: 1), two = client.cellCharge(unit: 2)
        // Ten 10 s steps each, at the set-points as quantized by the registers.
        #expect(abs(one.charged / (charge.amperes * 100 / 3600) - 1) < 1e-9 && one.discharged == 0)
        #expect(abs(two.discharged / (discharge.sinkAmperes * 100 / 3600) - 1) < 1e-9 && two.charged == 0)
        #expect(try await client.regs.read("actual_voltage") > 3.5)
        #expect(try await second.read("actual_voltage") < 3.5)
    }
}
